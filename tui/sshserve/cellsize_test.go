package sshserve

import (
	"bytes"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/tui"
)

// heapPeak samples the heap in use until stop is closed and returns the
// largest value seen.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// lockedBuffer collects a session's output for several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Contains(l.b.Bytes(), []byte(s))
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestHostileCellSizeKeepsServerHeapBounded is a session whose terminal
// claims sixel and 999×999 pixel cells: an 80×24 session once made the
// server render a 10656×7992 sixel, and a larger one pushed it past 3 GB.
// The cell size is clamped and a picture is never enlarged, so the
// server's heap barely moves while it draws the picture.
func TestHostileCellSizeKeepsServerHeapBounded(t *testing.T) {
	p := newPlatform(t)
	mallory := newTestKey(t, "mallory@anywhere")
	newSession := func(info SessionInfo) (tui.Options, error) {
		o, err := p.newSession(info)
		o.ImageMode = tui.ImageModeAuto
		return o, err
	}
	ts := startServer(t, Options{NewSession: newSession, NewModel: realTUI, DefaultRole: RoleSupervisor}, mallory)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	peakc := heapPeak(stop)
	stopped := false
	stopSampling := func() uint64 {
		if !stopped {
			close(stop)
			stopped = true
		}
		return <-peakc
	}
	defer func() {
		if !stopped {
			stopSampling()
		}
	}()

	conn := login(t, ts.Addr().String(), mallory, "mallory")
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	var replied atomic.Bool
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := stdout.Read(buf)
			_, _ = out.Write(buf[:n])
			// Answer the capability query as a hostile terminal would:
			// huge cells, and sixel in the device attributes.
			if !replied.Load() && out.contains("\x1b[c") {
				replied.Store(true)
				_, _ = io.WriteString(stdin, "\x1b[6;999;999t\x1b[?62;4c")
			}
			if err != nil {
				return
			}
		}
	}()

	// The positive sign: a whole sixel graphic has been drawn.
	sixel := regexp.MustCompile(`\x1bP0;1;8q"1;1;(\d+);(\d+)[^\x1b]*\x1b\\`)
	deadline := time.Now().Add(20 * time.Second)
	var m []string
	for m == nil && time.Now().Before(deadline) {
		m = sixel.FindStringSubmatch(out.String())
		if m == nil {
			time.Sleep(20 * time.Millisecond)
		}
	}
	peak := stopSampling()
	if m == nil {
		t.Fatalf("no sixel picture drawn; replied %t; output tail %q", replied.Load(), tail(out.String(), 400))
	}
	w, _ := strconv.Atoi(m[1])
	h, _ := strconv.Atoi(m[2])
	if w*h > termgfx.MaxRenderPixels || len(m[0]) > termgfx.MaxFrameBytes {
		t.Fatalf("the server rendered a %dx%d sixel of %d bytes", w, h, len(m[0]))
	}
	grew := int64(peak) - int64(base.HeapInuse)
	t.Logf("sixel %dx%d, %d bytes; server heap grew at most %d MB", w, h, len(m[0]), grew>>20)
	if grew > 100<<20 {
		t.Fatalf("the heap grew by %d MB for one hostile session", grew>>20)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
