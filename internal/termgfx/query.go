package termgfx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/muesli/cancelreader"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// ErrNoReply is returned by Query when the terminal did not answer the
// final DA1 within the budget (not a terminal, or a very slow link).
var ErrNoReply = errors.New("terminal did not answer the capability query")

// The queries, in the order sent. DA1 goes last: every terminal answers it
// and answers in order, so its reply marks the end of the others.
const (
	queryXTVersion = "\x1b[>0q"
	queryCellSize  = "\x1b[16t"
	queryKitty     = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
	queryDA1       = "\x1b[c"
)

// QueryString is everything Query writes.
const QueryString = queryXTVersion + queryCellSize + queryKitty + queryDA1

// Query asks the terminal directly: XTVERSION (name and version), the cell
// size in pixels (CSI 16 t), kitty graphics support (a 1×1 query image) and
// the primary device attributes (DA1; parameter 4 means sixel), DA1 last as
// the sentinel. It reads replies until the DA1 reply or until budget
// (default 200ms) runs out; a silent terminal costs the budget and reports
// nothing but ErrNoReply. With an *os.File the read is cancelled at the
// deadline; with another reader (an SSH channel) a read may still be
// pending after a timeout and its bytes would be lost to the program: use
// QueryInput there.
func Query(in io.Reader, out io.Writer, budget time.Duration) (Caps, error) {
	c, _, err := QueryInput(in, out, budget)
	return c, err
}

// QueryInput is Query that also returns the reader the program must read
// from afterwards: it yields first any input that was not a reply (keys
// typed during the query) and the result of a read still pending after a
// timeout, then continues with in. Pass it to tea.WithInput.
func QueryInput(in io.Reader, out io.Writer, budget time.Duration) (Caps, io.Reader, error) {
	return queryInput(in, out, budget, QueryString)
}

// QueryStringFor is the query to send to a terminal of the given TERM.
// Inside tmux or GNU screen the kitty graphics query is left out: both
// take an unknown APC string as a window title (seen: the pane title became
// "Gi=31,s=1,..."), and neither passes the reply back; kitty behind them
// is found from the environment (KITTY_WINDOW_ID) instead.
func QueryStringFor(term string, inTmux bool) string {
	t := strings.ToLower(term)
	if inTmux || strings.HasPrefix(t, "screen") || strings.HasPrefix(t, "tmux") {
		return queryXTVersion + queryCellSize + queryDA1
	}
	return QueryString
}

func queryInput(in io.Reader, out io.Writer, budget time.Duration, query string) (Caps, io.Reader, error) {
	if budget <= 0 {
		budget = DefaultBudget
	}
	if in == nil || out == nil {
		return Caps{}, in, errors.New("preview: query needs the terminal's input and output")
	}
	var r io.Reader = in
	var cr cancelreader.CancelReader
	if _, isFile := in.(cancelreader.File); isFile {
		if c, err := cancelreader.NewReader(in); err == nil {
			cr, r = c, c
		}
	}
	if cr != nil {
		defer cr.Close()
	}
	if _, err := io.WriteString(out, query); err != nil {
		return Caps{}, in, fmt.Errorf("preview: write terminal query: %w", err)
	}

	chunks := make(chan reading, 1)
	next := make(chan struct{})
	done := make(chan struct{})
	go readChunks(r, chunks, next, done)

	var p replyParser
	timer := time.NewTimer(budget)
	defer timer.Stop()
	pending, readErr := collectReplies(&p, chunks, next, timer.C)
	close(done)
	if pending && cr != nil && cr.Cancel() {
		// The epoll reader interrupts the read without consuming input,
		// unless data won the race: parse that too, then the goroutine
		// has exited.
		rd := <-chunks
		p.feed(rd.b)
		pending = false
	}
	caps := p.caps
	leftover := p.leftover()
	var err error
	if !p.done {
		err = ErrNoReply
		if readErr != nil && !errors.Is(readErr, ErrNoReply) {
			err = fmt.Errorf("%w: %v", ErrNoReply, readErr)
		}
	}
	if pending {
		return caps, &handover{pre: leftover, ch: chunks, in: in}, err
	}
	if len(leftover) > 0 {
		return caps, io.MultiReader(bytes.NewReader(leftover), in), err
	}
	return caps, in, err
}

// handover is the input after a query that timed out with a read pending:
// leftover bytes, then the pending read's result, then in.
type handover struct {
	pre []byte
	ch  <-chan reading
	got bool
	in  io.Reader
}

// reading is the result of one Read of the terminal's input.
type reading struct {
	b   []byte
	err error
}

func (h *handover) Read(p []byte) (int, error) {
	if len(h.pre) > 0 {
		n := copy(p, h.pre)
		h.pre = h.pre[n:]
		return n, nil
	}
	if !h.got {
		rd := <-h.ch
		h.got = true
		h.pre = rd.b
		if len(h.pre) > 0 {
			return h.Read(p)
		}
		if rd.err != nil {
			return 0, rd.err
		}
	}
	return h.in.Read(p)
}

// replyParser scans terminal replies, remembering what they say and
// keeping every byte that is not a recognised reply.
type replyParser struct {
	buf  []byte
	rest []byte
	caps Caps
	done bool
}

func (p *replyParser) feed(b []byte) {
	p.buf = append(p.buf, b...)
	for len(p.buf) > 0 {
		n, ok := p.parseOne(p.buf)
		if !ok { // incomplete sequence: wait for more
			return
		}
		p.buf = p.buf[n:]
	}
}

// leftover returns the unrecognised input, including any incomplete tail.
func (p *replyParser) leftover() []byte {
	return append(append([]byte(nil), p.rest...), p.buf...)
}

// parseOne consumes one byte or one escape sequence from b and reports how
// many bytes it used; ok is false when the sequence is not complete yet.
func (p *replyParser) parseOne(b []byte) (n int, ok bool) {
	if b[0] != 0x1b {
		p.rest = append(p.rest, b[0])
		return 1, true
	}
	if len(b) < 2 {
		return 0, false
	}
	switch b[1] {
	case '[': // CSI params final
		j := 2
		for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
			if j-2 > 64 { // not a reply we know; pass it on
				p.rest = append(p.rest, b[:j]...)
				return j, true
			}
			j++
		}
		if j == len(b) {
			return 0, false
		}
		p.csi(string(b[2:j]), b[j], b[:j+1])
		return j + 1, true
	case 'P', '_': // DCS or APC, up to ST
		end := bytes.Index(b[2:], []byte("\x1b\\"))
		if end < 0 {
			if len(b) > 4096 {
				p.rest = append(p.rest, b...)
				return len(b), true
			}
			return 0, false
		}
		body := string(b[2 : 2+end])
		if b[1] == 'P' && strings.HasPrefix(body, ">|") {
			p.xtversion(body[2:])
		}
		if b[1] == '_' && strings.HasPrefix(body, "G") {
			// "Gi=31;OK": the terminal loaded the query image.
			if i := strings.IndexByte(body, ';'); i >= 0 && strings.HasPrefix(body[i+1:], "OK") &&
				strings.Contains(body[:i], "i=31") {
				p.caps.Kitty = true
			}
		}
		return 2 + end + 2, true
	}
	p.rest = append(p.rest, b[:2]...)
	return 2, true
}

func (p *replyParser) csi(params string, final byte, raw []byte) {
	switch {
	case final == 'c' && strings.HasPrefix(params, "?"):
		for _, f := range strings.Split(params[1:], ";") {
			if f == "4" {
				p.caps.Sixel = true
			}
		}
		p.done = true
	case final == 't' && strings.HasPrefix(params, "6;"):
		f := strings.Split(params, ";")
		if len(f) == 3 {
			h, err1 := strconv.Atoi(f[1])
			w, err2 := strconv.Atoi(f[2])
			if err1 == nil && err2 == nil && h > 0 && w > 0 {
				p.caps.CellW, p.caps.CellH = ClampCell(w, h)
			}
		}
	default:
		p.rest = append(p.rest, raw...)
	}
}

// xtversion parses "name(version)" or "name version".
func (p *replyParser) xtversion(s string) {
	s = sanitize.Truncate(s, 80)
	name, ver := s, ""
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		name, ver = s[:i], s[i+1:len(s)-1]
	} else if i := strings.IndexByte(s, ' '); i > 0 {
		name, ver = s[:i], strings.TrimSpace(s[i+1:])
	}
	p.caps.Term, p.caps.Version = strings.TrimSpace(name), ver
	switch l := strings.ToLower(name); {
	case strings.HasPrefix(l, "kitty"), strings.HasPrefix(l, "ghostty"), strings.HasPrefix(l, "wezterm"),
		strings.HasPrefix(l, "foot"), strings.HasPrefix(l, "iterm"), strings.HasPrefix(l, "konsole"),
		strings.HasPrefix(l, "contour"), strings.HasPrefix(l, "mlterm"):
		p.caps.TrueColor = true
	}
}

// readChunks reads r into chunks, one read at a time: after each it waits
// for next (another read is wanted) or done, so no read is left pending
// once the replies are complete.
func readChunks(r io.Reader, chunks chan<- reading, next, done <-chan struct{}) {
	buf := make([]byte, 1024)
	for {
		n, err := r.Read(buf)
		chunks <- reading{append([]byte(nil), buf[:n]...), err}
		if err != nil {
			return
		}
		select {
		case <-next:
		case <-done:
			return
		}
	}
}

// collectReplies feeds p what readChunks reads until the replies are
// complete, the input fails or the budget (expired) runs out; pending
// reports whether a read is still in flight.
func collectReplies(p *replyParser, chunks <-chan reading, next chan<- struct{}, expired <-chan time.Time) (pending bool, readErr error) {
	pending = true // a read is in flight
	for !p.done && readErr == nil {
		select {
		case rd := <-chunks:
			pending = false
			p.feed(rd.b)
			if rd.err != nil {
				readErr = rd.err
				break
			}
			if !p.done {
				next <- struct{}{}
				pending = true
			}
		case <-expired:
			readErr = ErrNoReply
		}
	}
	return pending, readErr
}
