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
	"github.com/snapdash/snapdash/internal/sanitize"
)

// liveSession is one running dashboard, as the server sees it.
type liveSession struct {
	id string

	mu     sync.Mutex
	prog   *tea.Program
	reason string // why the server ended the session; "" when the user quit
	code   int
}

// end stops the session's program; the reason is shown to the user after
// the terminal is restored. The first reason wins.
func (ss *liveSession) end(reason string, code int) {
	ss.mu.Lock()
	if ss.reason == "" {
		ss.reason, ss.code = reason, code
	}
	p := ss.prog
	ss.mu.Unlock()
	if p != nil {
		p.Kill()
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

// refuse tells the client why the session cannot run and ends it.
func refuse(sess ssh.Session, msg string) {
	_, _ = fmt.Fprintf(sess.Stderr(), "snapdash: %s\r\n", msg)
	_ = sess.Exit(1)
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
	pty, winCh, hasPty := sess.Pty()
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
	ss := &liveSession{id: id}
	if !s.register(ss) {
		s.release()
		refuse(sess, "server shutting down")
		return
	}
	defer s.unregister(ss)
	// Released before unregistering: a session Sessions no longer counts
	// has given its slot back.
	defer s.release()
	s.run(sess, ss, who, pty, winCh, log)
}

// run probes the terminal, builds the model and runs the program.
func (s *Server) run(sess ssh.Session, ss *liveSession, who identity, pty ssh.Pty, winCh <-chan ssh.Window, log *slog.Logger) {
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

	model, out, err := s.build(info, sess)
	if err != nil {
		log.Error("session refused: could not build the dashboard", "err", err)
		refuse(sess, "could not start the dashboard: "+cleanLine(err.Error()))
		return
	}
	safe := newSafeModel(model, func(v any, stack []byte) {
		log.Error("dashboard panicked; ending this session only", "panic", describePanic(v), "stack", string(stack))
	})
	popts := []tea.ProgramOption{tea.WithInput(in), tea.WithOutput(out), tea.WithContext(ctx),
		tea.WithAltScreen(), tea.WithoutSignalHandler()}
	if d, ok := model.(interface{ ProgramOptions() []tea.ProgramOption }); ok {
		popts = append(popts, d.ProgramOptions()...) // the mouse, unless the options turn it off
	}
	p := tea.NewProgram(safe, popts...)
	if !ss.start(p) {
		reason, code := ss.result()
		_, _ = fmt.Fprintf(sess, "snapdash: %s\r\n", reason)
		_ = sess.Exit(code)
		return
	}
	go forwardResizes(ctx, p, winCh)
	go s.watch(ctx, ss, in)
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
		_, _ = fmt.Fprintf(sess, "\r\nsnapdash: %s\r\n", reason)
	}
	attrs := []any{"duration", time.Since(started).Round(time.Millisecond).String()}
	if reason != "" {
		attrs = append(attrs, "reason", reason)
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

// forwardResizes turns the client's window changes (the first one is the
// pty request's size) into WindowSizeMsg.
func forwardResizes(ctx context.Context, p *tea.Program, winCh <-chan ssh.Window) {
	for {
		select {
		case <-ctx.Done():
			return
		case w, ok := <-winCh:
			if !ok {
				return
			}
			p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
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
