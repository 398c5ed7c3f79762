// Package sshserve serves the snapdash dashboard over SSH with wish: every
// session gets its own Bubble Tea program, lipgloss renderer, theme, key map,
// size and image mode, detected from that session's own terminal.
//
// Only public keys listed in an authorized_keys file get in (the file is
// re-read when it changes); each key has a role, reviewer or supervisor
// (read-only). The server keeps its ed25519 host key in a file it creates on
// first start. Sessions end after an idle time, beyond a session cap they are
// refused with a message, a panic ends only its own session, and on shutdown
// every session is told before it is closed. Connections that have not
// logged in have a deadline and caps of their own, fair across sources (see
// Options), so a flood of idle or churning sockets cannot lock reviewers
// out. A session whose client is gone or silent ends and gives its slot
// back: writes have a deadline, keepalives find vanished clients, and
// window-change and request floods are coalesced or refused without ever
// blocking the connection. Every action a session takes against the API is
// written to the log with the key that took it.
package sshserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"
)

// Defaults of Options.
const (
	DefaultAddr          = ":2222"
	DefaultIdleTimeout   = 30 * time.Minute
	DefaultMaxSessions   = 32
	DefaultQueryBudget   = 200 * time.Millisecond
	DefaultShutdownGrace = 2 * time.Second
)

// Server is the SSH server. Build it with New, run it with Serve.
type Server struct {
	opts Options
	log  *slog.Logger
	keys *keyStore
	ssh  *ssh.Server
	ln   net.Listener

	hostFP string // the host key's SHA256 fingerprint

	slots chan struct{} // one token per running session

	keepalivesAnswered atomic.Int64 // for tests: keepalives a client answered
	gate               *connGate    // connection caps and the login deadline

	mu       sync.Mutex
	sessions map[*liveSession]struct{}
	closing  bool
	served   bool
	handlers sync.WaitGroup
}

// New checks opts, loads or creates the host key, reads the authorized keys
// and starts listening (so Addr is valid on return). Call Serve to accept
// connections, or Close to release the port.
func New(opts Options) (*Server, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		slots:    make(chan struct{}, opts.MaxSessions),
		gate:     newConnGate(opts, opts.Logger),
		sessions: map[*liveSession]struct{}{},
	}
	keys, err := newKeyStore(opts.AuthorizedKeys, opts.Roles, opts.DefaultRole, s.log)
	if err != nil {
		return nil, err
	}
	s.keys = keys
	signer, created, err := loadOrCreateHostKey(opts.HostKeyPath)
	if err != nil {
		return nil, err
	}
	if created {
		s.log.Info("host key created", "path", opts.HostKeyPath, "fingerprint", gossh.FingerprintSHA256(signer.PublicKey()))
	}
	// The host signer is set before wish.NewServer looks for one, so wish
	// never generates id_ed25519 in the working directory.
	srv, err := wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithAddress(opts.Addr),
		wish.WithVersion("SSH-2.0-snapdash"),
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMiddleware(s.middleware),
		s.withTimeouts(),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	if len(srv.HostSigners) != 1 {
		return nil, errors.New("ssh server: unexpected host keys")
	}
	// No password or keyboard-interactive handler is set, so the server
	// offers public key authentication only; no forwarding callbacks are
	// set, so every forwarding request is refused.
	srv.ConnCallback = s.gate.admit
	srv.ServerConfigCallback = s.gate.serverConfig
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
	srv.ConnectionFailedCallback = func(c net.Conn, err error) {
		if !errors.Is(err, io.EOF) {
			s.log.Info("connection failed", "remote", c.RemoteAddr().String(), "err", err)
		}
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("ssh listen: %w", err)
	}
	s.ssh, s.ln, s.hostFP = srv, ln, gossh.FingerprintSHA256(signer.PublicKey())
	s.log.Info("ssh server listening", "addr", ln.Addr().String(),
		"host_key", gossh.FingerprintSHA256(signer.PublicKey()), "max_sessions", opts.MaxSessions,
		"login_timeout", opts.LoginTimeout.String(), "max_unauthenticated", opts.MaxUnauthenticated,
		"max_per_address", opts.MaxPerAddress, "max_per_prefix", opts.MaxPerPrefix,
		"keepalive", opts.KeepaliveInterval.String(), "write_timeout", opts.WriteTimeout.String())
	return s, nil
}

// withTimeouts bounds connections that never get to a session: the SSH
// connection's own idle timeout is a backstop well past the keystroke idle
// timeout enforced per session (output alone keeps a dashboard busy).
func (s *Server) withTimeouts() ssh.Option {
	return func(srv *ssh.Server) error {
		if s.opts.IdleTimeout > 0 {
			srv.IdleTimeout = s.opts.IdleTimeout + time.Minute
		}
		return nil
	}
}

// HostKeyFingerprint is the host key's SHA256 fingerprint, for reviewers
// to check on their first connection.
func (s *Server) HostKeyFingerprint() string { return s.hostFP }

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Sessions returns how many sessions are running.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Serve accepts connections until ctx is cancelled. It then refuses new
// sessions, tells every running session "server shutting down", waits up to
// ShutdownGrace for them to end, and closes every connection. It returns nil
// after such a shutdown, or the error that stopped the listener.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	if s.served {
		s.mu.Unlock()
		return errors.New("sshserve: Serve called twice")
	}
	s.served = true
	s.mu.Unlock()

	errc := make(chan error, 1)
	go func() { errc <- s.ssh.Serve(s.ln) }()
	select {
	case err := <-errc:
		s.shutdown()
		if errors.Is(err, ssh.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("ssh serve: %w", err)
	case <-ctx.Done():
	}
	s.shutdown()
	<-errc
	return nil
}

// shutdown ends every session with a message, then closes everything.
func (s *Server) shutdown() {
	s.mu.Lock()
	s.closing = true
	live := make([]*liveSession, 0, len(s.sessions))
	for ss := range s.sessions {
		live = append(live, ss)
	}
	s.mu.Unlock()
	s.log.Info("ssh server shutting down", "sessions", len(live))
	_ = s.ln.Close() // no new connections
	for _, ss := range live {
		ss.end("server shutting down", 1)
	}
	done := make(chan struct{})
	go func() { s.handlers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.opts.ShutdownGrace):
		s.log.Warn("sessions still running after the shutdown grace; closing their connections")
	}
	_ = s.ssh.Close()
	s.log.Info("ssh server stopped")
}

// Close stops the server at once, without telling sessions. Use it when
// Serve was never called; otherwise cancel Serve's context.
func (s *Server) Close() error {
	s.mu.Lock()
	served := s.served
	s.closing = true
	s.mu.Unlock()
	if served {
		return s.ssh.Close()
	}
	_ = s.ssh.Close()
	return s.ln.Close()
}

// authorize is the public key callback: the key must be in the authorized
// keys file now. The identity is resolved again from the session's
// authenticated key (never from state left by this callback, which a client
// can call with keys it does not hold).
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	who, ok := s.keys.lookup(key)
	if !ok {
		s.log.Info("public key refused", "remote", ctx.RemoteAddr().String(),
			"user", cleanLine(ctx.User()), "fingerprint", gossh.FingerprintSHA256(key))
		return false
	}
	s.log.Debug("public key accepted", "remote", ctx.RemoteAddr().String(),
		"fingerprint", who.Fingerprint, "comment", who.Comment)
	return true
}

// register adds a session unless the server is closing; shutdown waits for
// registered sessions to unregister.
func (s *Server) register(ss *liveSession) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.sessions[ss] = struct{}{}
	s.handlers.Add(1)
	return true
}

// unregister removes a session.
func (s *Server) unregister(ss *liveSession) {
	s.mu.Lock()
	delete(s.sessions, ss)
	s.mu.Unlock()
	s.handlers.Done()
}

// acquire takes a session slot without waiting.
func (s *Server) acquire() bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// release returns a session slot.
func (s *Server) release() { <-s.slots }
