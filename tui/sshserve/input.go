package sshserve

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// sessionInput is the only reader of an SSH session's stdin. One goroutine
// (pump) copies everything the client sends into a buffer; the terminal
// probe and then the Bubble Tea program read from that buffer. This is what
// keeps the capability query from stealing keystrokes: the probe gets raw
// bytes and records them, and when it ends every recorded byte that is not a
// terminal reply goes back to the front of the buffer for the program. A
// reader that gave up (a query that timed out) can never be left blocked on
// the session itself, swallowing the user's next key.
//
// After the probe, complete terminal replies (OSC, DCS, APC, PM strings and
// private-marker CSI reports such as DA1) found inside one chunk are dropped
// before the program sees them: a reply arriving after the budget would
// otherwise reach the dashboard as a burst of key presses.
type sessionInput struct {
	src io.Reader

	mu      sync.Mutex
	cond    *sync.Cond
	buf     []byte
	off     int
	err     error // sticky error from src (io.EOF when the client closed stdin)
	closed  bool
	probing bool
	rec     []byte // bytes handed to the probe, in order

	// done is closed when the session's input has ended.
	done chan struct{}

	// lastInput is when the client last sent a byte (unix nanoseconds),
	// by the clock now.
	lastInput atomic.Int64
	now       func() time.Time
}

// newSessionInput starts the pump on src; probing starts switched on; now
// times the client's last input.
func newSessionInput(src io.Reader, now func() time.Time) *sessionInput {
	in := &sessionInput{src: src, probing: true, done: make(chan struct{}), now: now}
	in.cond = sync.NewCond(&in.mu)
	in.lastInput.Store(now().UnixNano())
	go in.pump()
	return in
}

// pump copies the session into the buffer until the session ends.
func (in *sessionInput) pump() {
	defer close(in.done)
	tmp := make([]byte, 4096)
	for {
		// A client typing (or pasting) faster than the program reads
		// waits: its channel window closes instead of the server's
		// memory growing.
		in.mu.Lock()
		for len(in.pending()) >= maxInputBuffer && !in.closed {
			in.cond.Wait()
		}
		closed := in.closed
		in.mu.Unlock()
		if closed {
			return
		}
		n, err := in.src.Read(tmp)
		in.mu.Lock()
		if n > 0 {
			in.lastInput.Store(in.now().UnixNano())
			chunk := tmp[:n]
			if !in.probing {
				chunk, _ = stripReplies(chunk)
			}
			in.buf = append(in.buf, chunk...)
		}
		if err != nil {
			in.err = err
		}
		in.cond.Broadcast()
		stop := err != nil || in.closed
		in.mu.Unlock()
		if stop {
			return
		}
	}
}

// pending returns the unread bytes; the caller holds mu.
func (in *sessionInput) pending() []byte { return in.buf[in.off:] }

// consume hands up to len(p) unread bytes to p; the caller holds mu.
func (in *sessionInput) consume(p []byte) int {
	if len(in.pending()) >= maxInputBuffer {
		in.cond.Broadcast() // the pump waits for room
	}
	n := copy(p, in.buf[in.off:])
	in.off += n
	if in.off == len(in.buf) {
		in.buf, in.off = in.buf[:0], 0
	}
	return n
}

// Read is the program's input. It blocks until there are bytes, the client
// closes stdin, or Close is called.
func (in *sessionInput) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for len(in.pending()) == 0 && in.err == nil && !in.closed {
		in.cond.Wait()
	}
	if len(in.pending()) > 0 && !in.closed {
		return in.consume(p), nil
	}
	if in.closed {
		return 0, io.EOF
	}
	return 0, in.err
}

// ended reports whether the client's input has ended.
func (in *sessionInput) ended() bool {
	select {
	case <-in.done:
		return true
	default:
		return false
	}
}

// Close makes every blocked and future Read return io.EOF. The pump itself
// ends when the session's stdin does, which happens when the session closes.
func (in *sessionInput) Close() error {
	in.mu.Lock()
	in.closed = true
	in.cond.Broadcast()
	in.mu.Unlock()
	return nil
}

// idleFor reports how long the client has sent nothing.
func (in *sessionInput) idleFor(now time.Time) time.Duration {
	return now.Sub(time.Unix(0, in.lastInput.Load()))
}

// probeReader is the reader given to capability detection. It returns
// io.EOF as soon as the probe has ended, even to a read already waiting.
type probeReader struct{ in *sessionInput }

// Read implements io.Reader.
func (r probeReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	in := r.in
	in.mu.Lock()
	defer in.mu.Unlock()
	for in.probing && len(in.pending()) == 0 && in.err == nil && !in.closed {
		in.cond.Wait()
	}
	if !in.probing || in.closed {
		return 0, io.EOF
	}
	if len(in.pending()) == 0 {
		return 0, in.err
	}
	n := in.consume(p)
	in.rec = append(in.rec, p[:n]...)
	return n, nil
}

// waitFor blocks while probing until found reports true for everything
// received so far (recorded and still buffered), the deadline passes, or the
// session ends. It returns found's last answer.
func (in *sessionInput) waitFor(deadline time.Time, found func([]byte) bool) bool {
	t := time.AfterFunc(time.Until(deadline), func() {
		in.mu.Lock()
		in.cond.Broadcast()
		in.mu.Unlock()
	})
	defer t.Stop()
	in.mu.Lock()
	defer in.mu.Unlock()
	for {
		all := append(append([]byte(nil), in.rec...), in.pending()...)
		if found(all) {
			return true
		}
		if !in.probing || in.closed || in.err != nil || !time.Now().Before(deadline) {
			return false
		}
		in.cond.Wait()
	}
}

// endProbe switches the input over to the program. Everything received so
// far is scanned: terminal replies are returned (in order) and removed, and
// the rest, the user's early keystrokes, stays first in line for the program.
func (in *sessionInput) endProbe() [][]byte {
	in.mu.Lock()
	defer in.mu.Unlock()
	all := append(in.rec, in.pending()...)
	kept, replies := stripReplies(all)
	in.buf, in.off, in.rec = kept, 0, nil
	in.probing = false
	in.cond.Broadcast()
	return replies
}

const esc = 0x1b

// maxInputBuffer is how much of a client's input the server holds unread.
const maxInputBuffer = 1 << 20

// stripReplies removes complete terminal replies from b. It returns the
// remaining bytes (a new slice) and the replies, each a copy.
func stripReplies(b []byte) (kept []byte, replies [][]byte) {
	kept = make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] == esc {
			if end, ok := replyEnd(b, i); ok {
				replies = append(replies, append([]byte(nil), b[i:end]...))
				i = end
				continue
			}
		}
		kept = append(kept, b[i])
		i++
	}
	return kept, replies
}

// replyEnd reports whether a complete terminal reply starts at b[i] (an
// ESC) and where it ends. Key presses never produce these: string sequences
// (OSC, DCS, APC, PM), CSI with a private marker (? > =) such as DA1, DA2,
// DECRPM and the kitty keyboard report, CSI ... $ y, and window reports
// (CSI ... t). Incomplete sequences are not replies: an Alt+] typed by the
// user must reach the program.
func replyEnd(b []byte, i int) (int, bool) {
	if i+1 >= len(b) {
		return 0, false
	}
	switch b[i+1] {
	case ']':
		return oscEnd(b, i+2)
	case 'P', '_', '^':
		return stEnd(b, i+2)
	case '[':
		return csiReplyEnd(b, i+2)
	}
	return 0, false
}

// oscEnd finds the end of an OSC string whose body starts at b[j]: it ends
// with BEL or ST (ESC \); any other ESC cuts it short, so it is no reply.
func oscEnd(b []byte, j int) (int, bool) {
	for ; j < len(b); j++ {
		switch {
		case b[j] == 0x07:
			return j + 1, true
		case b[j] == esc && j+1 < len(b) && b[j+1] == '\\':
			return j + 2, true
		case b[j] == esc:
			return 0, false
		}
	}
	return 0, false
}

// stEnd finds the end of a DCS, APC or PM string whose body starts at b[j]:
// the first ST (ESC \).
func stEnd(b []byte, j int) (int, bool) {
	if k := bytes.Index(b[j:], []byte{esc, '\\'}); k >= 0 {
		return j + k + 2, true
	}
	return 0, false
}

// csiReplyEnd finds the end of a CSI sequence whose parameters start at
// b[j], if it is one only a terminal sends: a private marker (? > =) first,
// CSI ... $ y, or CSI ... t.
func csiReplyEnd(b []byte, j int) (int, bool) {
	private := j < len(b) && (b[j] == '?' || b[j] == '>' || b[j] == '=')
	for j < len(b) && b[j] >= 0x30 && b[j] <= 0x3f { // parameter bytes
		j++
	}
	dollar := false
	for j < len(b) && b[j] >= 0x20 && b[j] <= 0x2f { // intermediate bytes
		dollar = dollar || b[j] == '$'
		j++
	}
	if j >= len(b) || b[j] < 0x40 || b[j] > 0x7e { // no final byte yet
		return 0, false
	}
	final := b[j]
	if private || (dollar && final == 'y') || (final == 't' && !dollar) {
		return j + 1, true
	}
	return 0, false
}

// isDA1 reports whether reply is a Primary Device Attributes report.
func isDA1(reply []byte) bool {
	return len(reply) >= 4 && reply[1] == '[' && reply[2] == '?' && reply[len(reply)-1] == 'c'
}

// isBackgroundReply reports whether reply answers OSC 11 (background colour).
func isBackgroundReply(reply []byte) bool {
	return len(reply) > 5 && reply[1] == ']' && bytes.HasPrefix(reply[2:], []byte("11;"))
}

// hasDA1 reports whether b holds a complete DA1 report, the sentinel every
// terminal answers last, after all the queries sent before it.
func hasDA1(b []byte) bool {
	for i := bytes.IndexByte(b, esc); i >= 0 && i < len(b); {
		if end, ok := replyEnd(b, i); ok {
			if isDA1(b[i:end]) {
				return true
			}
			i = end
		} else {
			i++
		}
		k := bytes.IndexByte(b[i:], esc)
		if k < 0 {
			return false
		}
		i += k
	}
	return false
}
