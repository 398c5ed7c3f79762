package sshserve

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Defaults of the liveness options.
const (
	DefaultKeepaliveInterval = 15 * time.Second
	DefaultKeepaliveCountMax = 3
	// defaultWriteTimeout is the write deadline when the idle timeout is off.
	defaultWriteTimeout = 30 * time.Minute
	// endGrace is how long a session the server ended may take to stop
	// before its connection is closed under it.
	endGrace = 2 * time.Second
	// goodbyeTimeout bounds the last message written to a session.
	goodbyeTimeout = time.Second
)

// Request limits per session channel: window changes are coalesced (only
// the latest is kept) and reach the dashboard at most one per resizeEvery;
// other requests get requestBurst at once and requestRate a second after
// that, and at most maxQueuedRequests wait. Requests beyond are refused,
// never waited on: the connection's single reader is never blocked by a
// channel.
const (
	resizeEvery       = 50 * time.Millisecond
	requestBurst      = 64
	requestRate       = 20
	maxQueuedRequests = 64
)

// maxChannelsPerConn caps the session channels one connection holds open
// at once: a session needs one; each costs goroutines until it closes.
const maxChannelsPerConn = 4

// channelCount counts a connection's open session channels (in its
// ssh.Context under channelCountKey).
type channelCount struct {
	mu sync.Mutex
	n  int
}

type channelCountKey struct{}

// sessionChannel is the "session" channel handler: the library's, behind a
// filter that caps the channel's requests, at most maxChannelsPerConn open
// per connection.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	ctx.Lock()
	count, _ := ctx.Value(channelCountKey{}).(*channelCount)
	if count == nil {
		count = &channelCount{}
		ctx.SetValue(channelCountKey{}, count)
	}
	ctx.Unlock()
	count.mu.Lock()
	if count.n >= maxChannelsPerConn {
		count.mu.Unlock()
		s.log.Warn("channel refused: too many open on one connection", "remote", conn.RemoteAddr().String(), "max", maxChannelsPerConn)
		_ = newChan.Reject(gossh.ResourceShortage, "too many channels")
		return
	}
	count.n++
	count.mu.Unlock()
	defer func() {
		count.mu.Lock()
		count.n--
		count.mu.Unlock()
	}()
	ssh.DefaultSessionHandler(srv, conn, &filteredChannel{NewChannel: newChan, log: s.log, remote: conn.RemoteAddr().String()}, ctx)
}

// filteredChannel accepts a session channel and passes its requests on
// through a requestFilter.
type filteredChannel struct {
	gossh.NewChannel
	log    *slog.Logger
	remote string
}

// Accept implements gossh.NewChannel.
func (c *filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, in, err := c.NewChannel.Accept()
	if err != nil {
		return ch, in, err
	}
	f := &requestFilter{log: c.log, remote: c.remote, tokens: requestBurst, last: time.Now(),
		out: make(chan *gossh.Request), inDone: make(chan struct{}), resized: make(chan struct{}, 1)}
	f.cond = sync.NewCond(&f.mu)
	go f.read(in)
	go f.forward()
	return &boundChannel{Channel: ch, f: f}, f.out, nil
}

// bindRequest is the name of the request a session "sends" to its own
// channel to find its filter (see boundChannel); it never leaves the server.
const bindRequest = "bind@snapdash.internal"

// filterBindings maps a session's bind id to its channel's filter.
var filterBindings sync.Map

// boundChannel is the channel the SSH library's session wraps. The
// library gives a session no way to its channel, so the session sends
// bindRequest with an id through its own SendRequest, which this channel
// answers by publishing its filter under that id.
type boundChannel struct {
	gossh.Channel
	f *requestFilter
}

// SendRequest implements gossh.Channel.
func (c *boundChannel) SendRequest(name string, wantReply bool, payload []byte) (bool, error) {
	if name == bindRequest {
		filterBindings.Store(string(payload), c.f)
		return true, nil
	}
	return c.Channel.SendRequest(name, wantReply, payload)
}

// filterOf returns the request filter of sess's channel, or nil.
func filterOf(sess ssh.Session) *requestFilter {
	id := newSessionID()
	if ok, err := sess.SendRequest(bindRequest, false, []byte(id)); !ok || err != nil {
		return nil
	}
	f, _ := filterBindings.LoadAndDelete(id)
	rf, _ := f.(*requestFilter)
	return rf
}

// requestFilter sits between a session channel's requests and the library
// handling them. Its reader takes every request at once; it answers
// window changes itself (keeping the latest size for the session: the
// library would block on a busy session and races on the size it keeps),
// and refuses env requests beyond maxEnvVars or maxEnvBytes and requests
// beyond the rate. Its forwarder hands the rest to the library, one at a
// time, in order.
type requestFilter struct {
	log     *slog.Logger
	remote  string
	out     chan *gossh.Request
	inDone  chan struct{} // closed when the channel's requests end
	resized chan struct{} // a new size is waiting

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []*gossh.Request
	ended   bool
	tokens  float64
	last    time.Time
	vars    int
	size    int
	logged  map[string]bool
	win     ssh.Window
	hasWin  bool
	resizes int
}

// read takes every request of the channel until it ends.
func (f *requestFilter) read(in <-chan *gossh.Request) {
	for req := range in {
		f.take(req)
	}
	f.mu.Lock()
	f.ended = true
	rest := f.queue
	f.queue = nil
	n := f.resizes
	f.cond.Broadcast()
	f.mu.Unlock()
	close(f.inDone)
	for _, r := range rest {
		_ = r.Reply(false, nil)
	}
	if n > 1000 {
		f.log.Info("window-change requests coalesced", "remote", f.remote, "requests", n)
	}
}

// take keeps, queues or refuses one request.
func (f *requestFilter) take(req *gossh.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if req.Type == "window-change" {
		w, ok := parseWindowChange(req.Payload)
		_ = req.Reply(ok, nil)
		if !ok {
			return
		}
		f.win, f.hasWin = w, true
		if f.resizes++; f.resizes == 1000 {
			f.logOnce("flood", "window-change requests flood: only the latest size is used", "remote", f.remote)
		}
		select {
		case f.resized <- struct{}{}:
		default:
		}
		return
	}
	now := time.Now()
	f.tokens = min(requestBurst, f.tokens+now.Sub(f.last).Seconds()*requestRate)
	f.last = now
	refuse := ""
	switch {
	case f.tokens < 1:
		refuse = "channel requests refused: rate limit"
	case len(f.queue) >= maxQueuedRequests:
		refuse = "channel requests refused: too many waiting"
	case req.Type == "env" && (f.vars+1 > maxEnvVars || f.size+len(req.Payload) > maxEnvBytes):
		refuse = "env requests refused: cap reached"
	}
	if refuse != "" {
		f.logOnce(refuse, refuse, "remote", f.remote, "type", cleanLine(req.Type),
			"max_vars", maxEnvVars, "max_bytes", maxEnvBytes, "rate", requestRate)
		_ = req.Reply(false, nil)
		return
	}
	f.tokens--
	if req.Type == "env" {
		f.vars++
		f.size += len(req.Payload)
	}
	f.queue = append(f.queue, req)
	f.cond.Broadcast()
}

// parseWindowChange reads a window-change body: columns, rows, then the
// size in pixels, each a uint32.
func parseWindowChange(p []byte) (ssh.Window, bool) {
	var w struct{ Cols, Rows, PW, PH uint32 }
	if err := gossh.Unmarshal(p, &w); err != nil || w.Cols > 1<<16 || w.Rows > 1<<16 {
		return ssh.Window{}, false
	}
	return ssh.Window{Width: int(w.Cols), Height: int(w.Rows), WidthPixels: int(w.PW), HeightPixels: int(w.PH)}, true
}

// latestWindow returns the newest size the client sent, if any since the
// last call.
func (f *requestFilter) latestWindow() (ssh.Window, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w, ok := f.win, f.hasWin
	f.hasWin = false
	return w, ok
}

// logOnce logs msg the first time key is seen on this channel; the caller
// holds mu.
func (f *requestFilter) logOnce(key, msg string, attrs ...any) {
	if f.logged == nil {
		f.logged = map[string]bool{}
	}
	if f.logged[key] {
		return
	}
	f.logged[key] = true
	f.log.Warn(msg, attrs...)
}

// forward hands the queued requests to the library in order until the
// channel ends.
func (f *requestFilter) forward() {
	defer close(f.out)
	for {
		f.mu.Lock()
		for !f.ended && len(f.queue) == 0 {
			f.cond.Wait()
		}
		if f.ended {
			f.mu.Unlock()
			return
		}
		req := f.queue[0]
		f.queue = f.queue[1:]
		f.mu.Unlock()
		select {
		case f.out <- req:
		case <-f.inDone:
			_ = req.Reply(false, nil)
			return
		}
	}
}

// deadlineWriter writes to a session and calls expire when one write has
// not finished within timeout: an SSH channel has no write deadline of its
// own, and a client that reads nothing would hold the writer forever.
type deadlineWriter struct {
	w       io.Writer
	timeout time.Duration
	expire  func()
}

// Write implements io.Writer.
func (d *deadlineWriter) Write(p []byte) (int, error) {
	t := time.AfterFunc(d.timeout, d.expire)
	defer t.Stop()
	return d.w.Write(p)
}

// sshConn is what the liveness code needs of a session's connection.
type sshConn interface {
	SendRequest(name string, wantReply bool, payload []byte) (bool, []byte, error)
	Close() error
}

// keepalive asks the client every KeepaliveInterval whether it is still
// there; after KeepaliveCountMax intervals without an answer it calls gone.
// Any answer counts, a refusal too (OpenSSH refuses requests it does not
// know). It returns when ctx is done.
func (s *Server) keepalive(ctx context.Context, conn sshConn, gone func()) {
	interval, max := s.opts.KeepaliveInterval, s.opts.KeepaliveCountMax
	if interval <= 0 {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
		answered := make(chan error, 1)
		go func() {
			_, _, err := conn.SendRequest("keepalive@openssh.com", true, nil)
			answered <- err
		}()
		for missed := 0; ; {
			select {
			case <-ctx.Done():
				return
			case err := <-answered:
				if err != nil {
					return // the connection is gone: the session sees it too
				}
				s.keepalivesAnswered.Add(1)
			case <-time.After(interval):
				if missed++; missed >= max {
					gone()
					return
				}
				continue
			}
			break
		}
	}
}
