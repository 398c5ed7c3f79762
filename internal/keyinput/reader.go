package keyinput

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/muesli/cancelreader"
)

// Default waits: how long a cut-off sequence waits for its rest, and an
// unfinished paste for its next bytes. A lone Escape pressed at the end of
// a read is handed over after DefaultWait (vim's ttimeoutlen is 100 ms).
const (
	DefaultWait      = 100 * time.Millisecond
	DefaultPasteWait = 2 * time.Second
)

// Options tune a Reader. Zero fields get the defaults.
type Options struct {
	// Wait is how long a sequence cut off at the end of a read waits for
	// the rest before its ESC is handed over as an Escape.
	Wait time.Duration
	// PasteWait is how long an unfinished bracketed paste waits for more
	// bytes before it is closed and handed over as a paste.
	PasteWait time.Duration
}

// Reader is a terminal's input re-grouped for Bubble Tea (see the package
// doc). One goroutine reads the source; Read is for one reader (Bubble
// Tea's input loop). Close ends it.
type Reader struct {
	o    Options
	src  io.Reader
	cr   cancelreader.CancelReader // the source, when it is a file
	data chan chunk
	done chan struct{}
	once sync.Once
	// pumped is closed when the pump has returned.
	pumped chan struct{}

	pend   []byte  // bytes that end in an incomplete token
	out    []token // tokens ready to hand over
	srcErr error   // the source's error, after its bytes
}

type chunk struct {
	b   []byte
	err error
}

// New starts reading src. When src is a terminal file the result also has
// its Fd and Write, so Bubble Tea puts the terminal in raw mode as it does
// for the file itself; Close cancels the file's pending read.
func New(src io.Reader, o Options) io.ReadCloser {
	if o.Wait <= 0 {
		o.Wait = DefaultWait
	}
	if o.PasteWait <= 0 {
		o.PasteWait = DefaultPasteWait
	}
	r := &Reader{o: o, src: src, data: make(chan chunk), done: make(chan struct{}), pumped: make(chan struct{})}
	if f, ok := src.(*os.File); ok {
		if cr, err := cancelreader.NewReader(f); err == nil {
			r.cr, r.src = cr, cr
		}
		go r.pump()
		return &fileReader{Reader: r, f: f}
	}
	go r.pump()
	return r
}

// pump copies the source to the data channel until it fails or Close.
func (r *Reader) pump() {
	defer close(r.pumped)
	if r.cr != nil {
		defer func() { _ = r.cr.Close() }()
	}
	buf := make([]byte, 4096)
	for {
		n, err := r.src.Read(buf)
		c := chunk{b: append([]byte(nil), buf[:n]...), err: err}
		select {
		case r.data <- c:
		case <-r.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read hands over the next tokens: whole keys and sequences, a lone
// Escape always last, never more than len(p)-1 bytes (a full buffer makes
// Bubble Tea wait for more before it decides).
func (r *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if len(r.out) > 0 {
			return r.pack(p), nil
		}
		if r.srcErr != nil {
			if len(r.pend) > 0 {
				r.out, _ = scan(r.pend, true)
				r.pend = nil
				continue
			}
			return 0, r.srcErr
		}
		var due <-chan time.Time
		var t *time.Timer
		if len(r.pend) > 0 {
			wait := r.o.Wait
			if len(r.pend) >= len(pasteStart) && string(r.pend[:len(pasteStart)]) == pasteStart {
				wait = r.o.PasteWait
			}
			t = time.NewTimer(wait)
			due = t.C
		}
		stop := func() {
			if t != nil {
				t.Stop()
			}
		}
		select {
		case c := <-r.data:
			r.srcErr = c.err
			r.pend = append(r.pend, c.b...)
			var rest []byte
			r.out, rest = scan(r.pend, false)
			r.pend = append([]byte(nil), rest...)
			stop()
		case <-due:
			r.out, _ = scan(r.pend, true)
			r.pend = nil
		case <-r.done:
			stop()
			return 0, io.EOF
		}
	}
}

// pack copies whole tokens into p, ending after a token that must end its
// read; a token too long for p (a long paste) is handed over in pieces.
func (r *Reader) pack(p []byte) int {
	limit := max(1, len(p)-1)
	n := 0
	for len(r.out) > 0 {
		t := r.out[0]
		if n+len(t.b) > limit {
			if n > 0 {
				return n
			}
			n = copy(p[:limit], t.b)
			r.out[0].b = t.b[n:]
			return n
		}
		n += copy(p[n:], t.b)
		r.out = r.out[1:]
		if t.last {
			return n
		}
	}
	return n
}

// Close makes Read return io.EOF and stops reading the source: a file's
// pending read is cancelled and Close returns when it has ended (so the
// file may be closed next); another source ends when it does.
func (r *Reader) Close() error {
	r.once.Do(func() {
		close(r.done)
		if r.cr != nil && r.cr.Cancel() {
			<-r.pumped
		}
	})
	return nil
}

// fileReader is a Reader over a terminal file: Bubble Tea sees the file's
// Fd (for raw mode and the window size) and Write.
type fileReader struct {
	*Reader
	f *os.File
}

// Fd returns the terminal's file descriptor.
func (f *fileReader) Fd() uintptr { return f.f.Fd() }

// Write writes to the terminal.
func (f *fileReader) Write(p []byte) (int, error) { return f.f.Write(p) }
