// Package termtest drives a program through a terminal in tests: what the
// program writes goes through a VT emulator (which answers the terminal
// queries a real terminal answers), the test types keys, waits for the
// screen or the byte stream to show something, and fails with the screen
// when a wait outlasts its hang guard instead of hanging.
//
// A Term reads from any stream: a pseudo-terminal (StartPTY), an SSH
// channel or a pipe.
package termtest

import (
	"bytes"
	"image/color"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
)

// DefaultTimeout is how long a wait lasts before it fails: generous, so a
// loaded machine is slow rather than red; it only catches hangs.
const DefaultTimeout = 30 * time.Second

// Options configure a Term. Zero fields get defaults.
type Options struct {
	// Width and Height are the terminal's size in cells (default 80×24).
	Width, Height int
	// Timeout is each wait's hang guard (default DefaultTimeout).
	Timeout time.Duration
	// NoReplies makes a terminal that never answers queries.
	NoReplies bool
	// Background and Foreground set the terminal's default colours, which
	// it reports when asked (default: the emulator's, a dark background).
	Background, Foreground color.Color
}

// Term is a terminal in a test: the emulated screen, every byte the
// program wrote, and a read position in those bytes.
type Term struct {
	tb      testing.TB
	in      io.Writer
	timeout time.Duration

	mu      sync.Mutex
	emu     *vt.Emulator
	raw     []byte
	read    int           // how far Next has read raw
	changed chan struct{} // closed and replaced whenever raw grows
	eof     bool

	done chan struct{} // closed when out has been read to the end
}

// New starts a Term reading the program's output from out; keys and the
// terminal's answers to queries go to in. The Term stops reading when out
// ends; closing out and in is the caller's job.
func New(tb testing.TB, in io.Writer, out io.Reader, o Options) *Term {
	tb.Helper()
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 80, 24
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	t := &Term{tb: tb, in: in, timeout: o.Timeout, emu: vt.NewEmulator(o.Width, o.Height),
		changed: make(chan struct{}), done: make(chan struct{})}
	if o.Background != nil {
		t.emu.SetDefaultBackgroundColor(o.Background)
	}
	if o.Foreground != nil {
		t.emu.SetDefaultForegroundColor(o.Foreground)
	}
	go t.copyOut(out)
	// The emulator writes its answers to queries (cursor position,
	// colours, device attributes) to a pipe this goroutine drains. It never
	// takes t.mu: copyOut holds it while the emulator writes an answer.
	replies := in
	if o.NoReplies {
		replies = io.Discard
	}
	go func() { _, _ = io.Copy(replies, t.emu) }()
	tb.Cleanup(func() {
		// Emulator.Close races with a pending Read in vt v0.1.0; closing
		// the input pipe ends the reply copier without touching it.
		if c, ok := t.emu.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
	})
	return t
}

func (t *Term) copyOut(out io.Reader) {
	defer close(t.done)
	buf := make([]byte, 32<<10)
	for {
		n, err := out.Read(buf)
		t.mu.Lock()
		if n > 0 {
			t.raw = append(t.raw, buf[:n]...)
			_, _ = t.emu.Write(buf[:n])
		}
		if err != nil {
			t.eof = true
		}
		close(t.changed)
		t.changed = make(chan struct{})
		t.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Done is closed when the program's output has ended.
func (t *Term) Done() <-chan struct{} { return t.done }

// Screen returns the emulated screen as text.
func (t *Term) Screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.emu.String()
}

// Output returns every byte the program wrote so far.
func (t *Term) Output() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.raw...)
}

// Len is how many bytes the program wrote so far.
func (t *Term) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.raw)
}

// Emulator runs f with the emulator held still, to read cells and colours.
func (t *Term) Emulator(f func(*vt.Emulator)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(t.emu)
}

// Resize changes the emulated screen's size (a pty's size is the caller's).
func (t *Term) Resize(w, h int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.emu.Resize(w, h)
}

// Send writes s to the program in one write.
func (t *Term) Send(s string) {
	t.tb.Helper()
	if _, err := io.WriteString(t.in, s); err != nil {
		t.tb.Fatalf("typing %q: %v", s, err)
	}
}

// Type writes each key in its own write.
func (t *Term) Type(keys ...string) {
	t.tb.Helper()
	for _, k := range keys {
		t.Send(k)
	}
}

// Until waits until cond holds for the screen and returns that screen;
// what names the condition in the failure.
func (t *Term) Until(what string, cond func(screen string) bool) string {
	t.tb.Helper()
	deadline := time.NewTimer(t.timeout)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		s, changed, eof := t.emu.String(), t.changed, t.eof
		t.mu.Unlock()
		if cond(s) {
			return s
		}
		if eof {
			t.tb.Fatalf("the program's output ended before the screen showed %s; it shows:\n%s", what, s)
			return s
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.tb.Fatalf("the screen never showed %s within %s; it shows:\n%s", what, t.timeout, s)
			return s
		}
	}
}

// WaitFor waits until every one of want is on screen at once.
func (t *Term) WaitFor(want ...string) string {
	t.tb.Helper()
	return t.Until(strings.Join(quoteAll(want), " and "), func(s string) bool {
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
}

// WaitMatch waits until the screen matches the regular expression re.
func (t *Term) WaitMatch(re string) string {
	t.tb.Helper()
	rx := regexp.MustCompile(re)
	return t.Until("a match for `"+re+"`", rx.MatchString)
}

// WaitGone waits until text is no longer on screen.
func (t *Term) WaitGone(text string) string {
	t.tb.Helper()
	return t.Until("no "+quote(text), func(s string) bool { return !strings.Contains(s, text) })
}

// Next reads the program's output from where the previous Next stopped
// until want appears, and returns what it read, want included; the next
// call starts after it. It sees what a screen may already have painted
// over (a status line shown and replaced between two looks).
func (t *Term) Next(want string) []byte {
	t.tb.Helper()
	deadline := time.NewTimer(t.timeout)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		if i := bytes.Index(t.raw[t.read:], []byte(want)); i >= 0 {
			got := append([]byte(nil), t.raw[t.read:t.read+i+len(want)]...)
			t.read += i + len(want)
			t.mu.Unlock()
			return got
		}
		changed, eof, screen := t.changed, t.eof, t.emu.String()
		t.mu.Unlock()
		if eof {
			t.tb.Fatalf("the program's output ended without %s; the screen shows:\n%s", quote(want), screen)
			return nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.tb.Fatalf("the program never wrote %s within %s; the screen shows:\n%s", quote(want), t.timeout, screen)
			return nil
		}
	}
}

// Skip moves the read position of Next to the end of what the program has
// written so far, and returns what it skipped.
func (t *Term) Skip() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	got := append([]byte(nil), t.raw[t.read:]...)
	t.read = len(t.raw)
	return got
}

// WaitDone waits until the program's output has ended.
func (t *Term) WaitDone() {
	t.tb.Helper()
	select {
	case <-t.done:
	case <-time.After(t.timeout):
		t.tb.Fatalf("the program's output did not end within %s; the screen shows:\n%s", t.timeout, t.Screen())
	}
}

func quote(s string) string { return strconv.Quote(s) }

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}
