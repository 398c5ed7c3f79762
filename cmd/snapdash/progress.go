package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Progress bar timing: nothing is drawn for a transfer that ends within
// progressDelay, and the line is redrawn at most every progressEvery.
const (
	progressDelay = 500 * time.Millisecond
	progressEvery = 100 * time.Millisecond
)

// progressBar draws one line on stderr while bytes move: bytes done and
// total, percentage, rate and time left. It draws nothing when stderr is
// not a terminal (w is nil), so scripts and logs never see it.
type progressBar struct {
	mu     sync.Mutex
	w      io.Writer
	label  string
	total  int64
	now    func() time.Time
	start  time.Time
	last   time.Time
	drawn  bool
	closed bool
}

// progress returns the bar of one transfer of total bytes (-1: unknown
// until the transfer says).
func (e *env) progress(label string, total int64) *progressBar {
	now := e.now
	if now == nil {
		now = time.Now
	}
	b := &progressBar{label: label, total: total, now: now, start: now()}
	if e.stderrIsTerminal() {
		b.w = e.stderr
	}
	return b
}

// stderrIsTerminal reports whether standard error is a terminal.
func (e *env) stderrIsTerminal() bool {
	if e.stderrTTY != nil {
		return e.stderrTTY()
	}
	f, ok := e.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// update records that done of total bytes (total -1: as given before) have
// moved, and redraws when it is time.
func (b *progressBar) update(done, total int64) {
	if b == nil || b.w == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	if total >= 0 {
		b.total = total
	}
	now := b.now()
	if now.Sub(b.start) < progressDelay || (b.drawn && now.Sub(b.last) < progressEvery) {
		return
	}
	b.last, b.drawn = now, true
	fmt.Fprintf(b.w, "\r\x1b[K%s", b.line(done, now.Sub(b.start)))
}

// line is the bar's text after elapsed with done bytes moved.
func (b *progressBar) line(done int64, elapsed time.Duration) string {
	var s strings.Builder
	s.WriteString(b.label)
	s.WriteString("  ")
	rate := float64(done) / max(elapsed.Seconds(), 0.001)
	if b.total > 0 {
		frac := min(1, float64(done)/float64(b.total))
		const width = 20
		fill := int(frac * width)
		fmt.Fprintf(&s, "[%s%s] %s / %s  %3.0f%%", strings.Repeat("#", fill), strings.Repeat(".", width-fill),
			sizeWord(done), sizeWord(b.total), frac*100)
	} else {
		s.WriteString(sizeWord(done))
	}
	fmt.Fprintf(&s, "  %s/s", sizeWord(int64(rate)))
	if b.total > 0 && rate > 0 && done < b.total {
		left := time.Duration(float64(b.total-done) / rate * float64(time.Second))
		fmt.Fprintf(&s, "  ETA %s", left.Round(time.Second))
	}
	return s.String()
}

// done clears the bar's line if it was drawn; later updates are ignored.
func (b *progressBar) done() {
	if b == nil || b.w == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}

// sizeWord formats a byte count: 512 B, 1.5 KiB, 3.2 MiB.
func sizeWord(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}

// progressFile is a file being uploaded that tells its bar how far the
// upload has read. It stays an io.Seeker, so the client still knows the
// size (Content-Length) and can send it again.
type progressFile struct {
	f     *os.File
	bar   *progressBar
	start int64
	pos   int64
	size  int64
}

// newProgressFile wraps f from its current offset.
func newProgressFile(f *os.File, bar *progressBar) *progressFile {
	p := &progressFile{f: f, bar: bar, size: -1}
	if off, err := f.Seek(0, io.SeekCurrent); err == nil {
		p.start, p.pos = off, off
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		p.size = st.Size() - p.start
	}
	return p
}

// Read implements io.Reader.
func (p *progressFile) Read(b []byte) (int, error) {
	n, err := p.f.Read(b)
	p.pos += int64(n)
	p.bar.update(p.pos-p.start, p.size)
	return n, err
}

// Seek implements io.Seeker.
func (p *progressFile) Seek(off int64, whence int) (int64, error) {
	n, err := p.f.Seek(off, whence)
	if err == nil {
		p.pos = n
	}
	return n, err
}
