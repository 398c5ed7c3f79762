package sshserve

import (
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Defaults of the connection limits in Options.
const (
	DefaultLoginTimeout       = 30 * time.Second
	DefaultMaxUnauthenticated = 64
	DefaultMaxPerAddress      = 8
)

// Limits on what a session channel's env requests may hold: a client sends
// them before asking for a shell, and the SSH library keeps every one.
const (
	maxEnvVars  = 64
	maxEnvBytes = 64 << 10
)

// connState is where a connection stands in the gate.
type connState int

const (
	statePending connState = iota // not logged in yet
	stateAuthed                   // logged in, counted in authed
	stateClosed                   // gone, or closed by the gate
)

// gatedConn is one connection the gate admitted.
type gatedConn struct {
	conn  net.Conn
	host  string // remote IP, the per-address key
	timer *time.Timer
	state connState
}

// connGate keeps connections that have not logged in yet apart from those
// that have: strangers share a pool of MaxUnauthenticated slots, at most
// MaxPerAddress of them from one address, and each must log in within
// LoginTimeout. A stranger's connection beyond a cap closes the oldest
// pending one (of its own address first), so a flood of idle or trickling
// sockets delays a real login by at most one handshake instead of locking
// it out. Logged-in connections have their own cap (authedCap), which no
// stranger can fill.
type connGate struct {
	log          *slog.Logger
	loginTimeout time.Duration
	maxPending   int
	maxPerAddr   int
	authedCap    int

	mu      sync.Mutex
	pending []*gatedConn // oldest first
	perAddr map[string]int
	authed  int
}

func newConnGate(o Options, log *slog.Logger) *connGate {
	return &connGate{
		log:          log,
		loginTimeout: o.LoginTimeout,
		maxPending:   o.MaxUnauthenticated,
		maxPerAddr:   o.MaxPerAddress,
		authedCap:    2*o.MaxSessions + 16,
		perAddr:      map[string]int{},
	}
}

// gateKey holds a connection's *gatedConn in its ssh.Context.
type gateKey struct{}

// admit is the server's ConnCallback: it registers c as pending, making
// room by closing the oldest pending connection when a cap is reached, and
// arms the login deadline.
func (g *connGate) admit(ctx ssh.Context, c net.Conn) net.Conn {
	host := remoteHost(c.RemoteAddr())
	gc := &gatedConn{conn: c, host: host}
	g.mu.Lock()
	var evicted *gatedConn
	var why string
	switch {
	case g.perAddr[host] >= g.maxPerAddr:
		evicted, why = g.oldestLocked(host), "too many connections not logged in from one address"
	case len(g.pending) >= g.maxPending:
		evicted, why = g.oldestLocked(""), "too many connections not logged in"
	}
	if evicted != nil {
		g.removeLocked(evicted)
	}
	g.pending = append(g.pending, gc)
	g.perAddr[host]++
	gc.timer = time.AfterFunc(g.loginTimeout, func() { g.expire(gc) })
	g.mu.Unlock()
	if evicted != nil {
		g.log.Warn("connection closed: "+why, "remote", evicted.conn.RemoteAddr().String(),
			"max_unauthenticated", g.maxPending, "max_per_address", g.maxPerAddr)
		_ = evicted.conn.Close()
	}
	ctx.SetValue(gateKey{}, gc)
	go func() {
		<-ctx.Done()
		g.release(gc)
	}()
	return c
}

// oldestLocked returns the oldest pending connection, from host when host
// is not empty.
func (g *connGate) oldestLocked(host string) *gatedConn {
	for _, p := range g.pending {
		if host == "" || p.host == host {
			return p
		}
	}
	return nil
}

// removeLocked takes a pending connection out of the pool and disarms its
// deadline; the caller closes it or moves it on.
func (g *connGate) removeLocked(gc *gatedConn) {
	for i, p := range g.pending {
		if p == gc {
			g.pending = append(g.pending[:i], g.pending[i+1:]...)
			break
		}
	}
	if g.perAddr[gc.host]--; g.perAddr[gc.host] <= 0 {
		delete(g.perAddr, gc.host)
	}
	gc.timer.Stop()
	gc.state = stateClosed
}

// expire closes a connection that has not logged in by its deadline.
func (g *connGate) expire(gc *gatedConn) {
	g.mu.Lock()
	if gc.state != statePending {
		g.mu.Unlock()
		return
	}
	g.removeLocked(gc)
	g.mu.Unlock()
	g.log.Info("connection closed: no login within the deadline", "remote", gc.conn.RemoteAddr().String(),
		"login_timeout", g.loginTimeout.String())
	_ = gc.conn.Close()
}

// loggedIn moves a connection from the pending pool to the logged-in
// ones; beyond their cap it is closed instead.
func (g *connGate) loggedIn(ctx ssh.Context) {
	gc, _ := ctx.Value(gateKey{}).(*gatedConn)
	if gc == nil {
		return
	}
	g.mu.Lock()
	if gc.state != statePending {
		g.mu.Unlock()
		return
	}
	g.removeLocked(gc)
	if g.authed >= g.authedCap {
		g.mu.Unlock()
		g.log.Warn("connection closed: too many open connections", "remote", gc.conn.RemoteAddr().String(), "max", g.authedCap)
		_ = gc.conn.Close()
		return
	}
	g.authed++
	gc.state = stateAuthed
	g.mu.Unlock()
}

// release forgets a connection that has ended.
func (g *connGate) release(gc *gatedConn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch gc.state {
	case statePending:
		g.removeLocked(gc)
	case stateAuthed:
		g.authed--
	}
	gc.state = stateClosed
}

// serverConfig returns each connection's SSH configuration: its
// authentication log tells the gate when the connection has logged in (a
// public key query, which proves nothing, is not logged there).
func (g *connGate) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		AuthLogCallback: func(_ gossh.ConnMetadata, _ string, err error) {
			if err == nil {
				g.loggedIn(ctx)
			}
		},
	}
}

// remoteHost is the IP of addr without its port.
func remoteHost(addr net.Addr) string {
	if ta, ok := addr.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	return host
}
