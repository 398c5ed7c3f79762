package sshserve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/snapdash/snapdash/internal/keyinput"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// liveSession is one running dashboard, as the server sees it.
type liveSession struct {
	id string
	// hangUp closes the session's connection (once), logging why: the
	// last resort when the session cannot end by itself.
	hangUp func(reason string)
	// done is closed when the session's handler has finished.
	done chan struct{}

	mu     sync.Mutex
	prog   *tea.Program
	reason string // why the server ended the session; "" when the user quit
	code   int
	ending bool
}

// end stops the session's program; the reason is shown to the user after
// the terminal is restored. The first reason wins. A session that has not
// stopped endGrace later (its output is stuck on a client that reads
// nothing) has its connection closed.
func (ss *liveSession) end(reason string, code int) {
	ss.mu.Lock()
	if ss.reason == "" {
		ss.reason, ss.code = reason, code
	}
	p := ss.prog
	first := !ss.ending
	ss.ending = true
	ss.mu.Unlock()
	if p != nil {
		p.Kill()
	}
	if first && ss.done != nil && ss.hangUp != nil {
		go func() {
			select {
			case <-ss.done:
			case <-time.After(endGrace):
				ss.hangUp("the session did not stop after it was ended (" + reason + ")")
			}
		}()
	}
}

// start records the program unless the session was already ended.
func (ss *liveSession) start(p *tea.Program) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.prog = p
	return ss.reason == ""
}

// result returns the reason and exit code set by end.
func (ss *liveSession) result() (string, int) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.reason, ss.code
}

// middleware is the wish middleware running the dashboard.
func (s *Server) middleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.handle(sess)
		next(sess)
	}
}

// refuse tells the client why the session cannot run and ends it. A
// client that reads nothing has its connection closed after
// goodbyeTimeout.
func refuse(sess ssh.Session, msg string) {
	w := &deadlineWriter{w: sess.Stderr(), timeout: goodbyeTimeout, expire: func() { _ = sess.Close(); closeConnOf(sess) }}
	_, _ = fmt.Fprintf(w, "snapdash: %s\r\n", msg)
	_ = sess.Exit(1)
}

// connOf returns the SSH connection a session runs on.
func connOf(sess ssh.Session) sshConn {
	c, _ := sess.Context().Value(ssh.ContextKeyConn).(sshConn)
	return c
}

// closeConnOf closes the connection a session runs on.
func closeConnOf(sess ssh.Session) {
	if c := connOf(sess); c != nil {
		_ = c.Close()
	}
}

// handle runs one session from authentication to exit.
func (s *Server) handle(sess ssh.Session) {
	id := newSessionID()
	log := s.log.With("session", id, "remote", sess.RemoteAddr().String(), "user", cleanLine(sess.User()))
	defer func() {
		if r := recover(); r != nil {
			log.Error("session handler panicked", "panic", describePanic(r), "stack", string(debug.Stack()))
			refuse(sess, "internal error; the session is closed")
		}
	}()

	who, ok := s.keys.lookup(sess.PublicKey())
	if !ok {
		log.Warn("session refused: key no longer authorized")
		refuse(sess, "your key is not authorized")
		return
	}
	log = log.With("fingerprint", who.Fingerprint, "comment", who.Comment, "role", who.Role)
	if sess.RawCommand() != "" || sess.Subsystem() != "" {
		log.Info("session refused: command requested", "command", cleanLine(sess.RawCommand()))
		refuse(sess, "commands are not supported; connect without one: ssh -t user@host")
		return
	}
	pty, _, hasPty := sess.Pty()
	if !hasPty {
		log.Info("session refused: no terminal requested")
		refuse(sess, "the dashboard needs a terminal; connect with: ssh -t user@host")
		return
	}
	if !s.acquire() {
		log.Warn("session refused: session limit reached", "max_sessions", s.opts.MaxSessions)
		refuse(sess, fmt.Sprintf("the server is at its limit of %d sessions; try again later", s.opts.MaxSessions))
		return
	}
	var hangOnce sync.Once
	ss := &liveSession{id: id, done: make(chan struct{}), hangUp: func(reason string) {
		hangOnce.Do(func() {
			log.Warn("connection closed: "+reason, "max_sessions", s.opts.MaxSessions)
			closeConnOf(sess)
		})
	}}
	defer close(ss.done)
	if !s.register(ss) {
		s.release()
		refuse(sess, "server shutting down")
		return
	}
	defer s.unregister(ss)
	// Released before unregistering: a session Sessions no longer counts
	// has given its slot back.
	defer s.release()
	s.run(sess, ss, who, pty, log)
}

// run probes the terminal, builds the model and runs the program.
func (s *Server) run(sess ssh.Session, ss *liveSession, who identity, pty ssh.Pty, log *slog.Logger) {
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	in := newSessionInput(sess, s.opts.Clock.Now)
	defer func() { _ = in.Close() }()

	started := time.Now()
	env := sessionEnv(sess.Environ())
	pr := s.probe(sess, in, env, pty.Term)
	renderer := makeRenderer(sess, pr.background)
	info := SessionInfo{
		ID: ss.id, User: cleanLine(sess.User()), Fingerprint: who.Fingerprint, Comment: who.Comment,
		Role: who.Role, RemoteAddr: sess.RemoteAddr().String(), Term: cleanLine(pty.Term), Env: env,
		Width: pty.Window.Width, Height: pty.Window.Height, Renderer: renderer,
		DarkBackground: renderer.HasDarkBackground(), Context: ctx,
	}
	// The session cannot be ioctl'd for its pixel size (Detect's fallback
	// when the terminal does not answer CSI 16 t): the pty request has it.
	w := pty.Window
	pr.caps = pr.caps.WithWindowPixels(w.Width, w.Height, w.WidthPixels, w.HeightPixels)
	s.fillCaps(&info, pr)
	log = log.With("term", info.Term, "size", fmt.Sprintf("%dx%d", info.Width, info.Height))

	// Every write to the session has a deadline: a client that reads
	// nothing (its window stays closed) or whose connection takes nothing
	// loses its connection, and so its slot.
	output := &deadlineWriter{w: sess, timeout: s.opts.WriteTimeout, expire: func() {
		ss.end("the client stopped reading", 1)
		ss.hangUp(fmt.Sprintf("client stopped reading for %s", s.opts.WriteTimeout))
	}}
	model, out, err := s.build(info, output)
	if err != nil {
		log.Error("session refused: could not build the dashboard", "err", err)
		refuse(sess, "could not start the dashboard: "+cleanLine(err.Error()))
		return
	}
	safe := newSafeModel(model, func(v any, stack []byte) {
		log.Error("dashboard panicked; ending this session only", "panic", describePanic(v), "stack", string(stack))
	})
	// Keys as the terminal sent them: an ESC that begins no known sequence
	// is an Escape, a sequence split across SSH packets is completed.
	keys := keyinput.New(in, keyinput.Options{})
	defer func() { _ = keys.Close() }()
	popts := []tea.ProgramOption{tea.WithInput(keys), tea.WithOutput(out), tea.WithContext(ctx),
		tea.WithAltScreen(), tea.WithoutSignalHandler()}
	if d, ok := model.(interface{ ProgramOptions() []tea.ProgramOption }); ok {
		popts = append(popts, d.ProgramOptions()...) // the mouse, unless the options turn it off
	}
	p := tea.NewProgram(safe, popts...)
	if !ss.start(p) {
		reason, code := ss.result()
		bye := &deadlineWriter{w: sess, timeout: goodbyeTimeout, expire: func() { ss.hangUp("client stopped reading") }}
		_, _ = fmt.Fprintf(bye, "snapdash: %s\r\n", reason)
		_ = sess.Exit(code)
		return
	}
	if f := filterOf(sess); f != nil {
		go forwardResizes(ctx, p, f, pty.Window)
	} else {
		go p.Send(tea.WindowSizeMsg{Width: pty.Window.Width, Height: pty.Window.Height})
	}
	go s.watch(ctx, ss, in)
	if conn := connOf(sess); conn != nil {
		go s.keepalive(ctx, conn, func() {
			ss.end("the client stopped answering", 1)
			ss.hangUp(fmt.Sprintf("client did not answer %d keepalives %s apart", s.opts.KeepaliveCountMax, s.opts.KeepaliveInterval))
		})
	}
	log.Info("session start", "probe", pr.elapsed.Round(time.Millisecond).String(), "caps", info.capsString(),
		"dark_background", info.DarkBackground)

	_, runErr := p.Run()
	cancel()
	closeModel(safe.inner, log)
	reason, code := ss.result()
	if safe.Crashed() {
		reason, code = "internal error; this session was closed (the server keeps running)", 1
	}
	if reason != "" {
		bye := &deadlineWriter{w: sess, timeout: goodbyeTimeout, expire: func() { ss.hangUp("client stopped reading") }}
		_, _ = fmt.Fprintf(bye, "\r\nsnapdash: %s\r\n", reason)
	}
	attrs := []any{"duration", time.Since(started).Round(time.Millisecond).String()}
	switch {
	case reason != "":
		attrs = append(attrs, "reason", reason)
	case sess.Context().Err() != nil:
		attrs = append(attrs, "reason", "the connection was closed")
	case in.ended():
		attrs = append(attrs, "reason", "the client closed its input")
	default:
		attrs = append(attrs, "reason", "the user quit")
	}
	if runErr != nil && reason == "" && !safe.Crashed() && sess.Context().Err() == nil {
		attrs = append(attrs, "err", runErr)
	}
	log.Info("session end", attrs...)
	_ = sess.Exit(code)
}

// closeModel releases what the dashboard holds (its event stream and
// requests in flight), whatever way the program ended.
func closeModel(m any, log *slog.Logger) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("dashboard Close panicked", "panic", describePanic(r))
		}
	}()
	switch c := m.(type) {
	case interface{ Close() }:
		c.Close()
	case interface{ Close() error }:
		_ = c.Close()
	}
}

// forwardResizes turns the client's window changes into WindowSizeMsg, at
// most one per resizeEvery (the latest size wins), until ctx is done. The
// pty request's size is the program's first.
func forwardResizes(ctx context.Context, p *tea.Program, f *requestFilter, first ssh.Window) {
	p.Send(tea.WindowSizeMsg{Width: first.Width, Height: first.Height})
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.resized:
		}
		if w, ok := f.latestWindow(); ok {
			p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(resizeEvery):
		}
	}
}

// watch ends the session when the user has typed nothing for IdleTimeout,
// and when the client closes its input.
func (s *Server) watch(ctx context.Context, ss *liveSession, in *sessionInput) {
	idle := s.opts.IdleTimeout
	var tick <-chan time.Time
	if idle > 0 {
		tick = s.opts.Clock.After(idle)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-in.done:
			ss.end("", 0)
			return
		case now := <-tick:
			d := in.idleFor(now)
			if d >= idle {
				ss.end(fmt.Sprintf("no input for %s; the session is closed", idle), 0)
				return
			}
			tick = s.opts.Clock.After(idle - d)
		}
	}
}

// sessionEnv turns the client's environment (including TERM from the pty
// request) into a map, sanitized and bounded: it is client-controlled.
func sessionEnv(kv []string) map[string]string {
	env := make(map[string]string, len(kv))
	for _, e := range kv {
		if len(env) >= 64 {
			break
		}
		k, v, ok := strings.Cut(e, "=")
		if !ok || k == "" || len(k) > 64 {
			continue
		}
		env[cleanLine(k)] = sanitize.Truncate(cleanLine(v), 256)
	}
	return env
}

// cleanLine makes a client-supplied string safe for logs and terminals.
func cleanLine(s string) string { return sanitize.Truncate(sanitize.Line(s), 200) }

// newSessionID returns a short random id for log correlation.
func newSessionID() string {
	var b [6]byte
	_, _ = io.ReadFull(rand.Reader, b[:])
	return hex.EncodeToString(b[:])
}
