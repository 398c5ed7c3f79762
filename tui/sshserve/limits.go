package sshserve

import (
	"log/slog"
	"math"
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
	DefaultMaxPerPrefix       = 16
)

// Pre-auth admission tuning: a quarter of the pool is kept for sources
// that logged in within recentLoginTTL (at most maxRecentSources are
// remembered); when the pool is half full, new connections get
// pressureLoginTimeout (or LoginTimeout when shorter) to log in; evictions
// and expiries are logged at most once per logEvery, with a count.
const (
	recentLoginTTL       = 24 * time.Hour
	maxRecentSources     = 4096
	pressureLoginTimeout = 10 * time.Second
	logEvery             = 5 * time.Second
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
	conn   net.Conn
	addr   string // remote IP, the per-address key
	prefix string // its /24 (IPv4) or /64 (IPv6), the per-prefix key
	source string // the address (IPv4) or /64 (IPv6): who opened it
	known  bool   // its source logged in recently
	timer  *time.Timer
	state  connState
}

// connGate keeps connections that have not logged in yet apart from those
// that have. Strangers share a pool of MaxUnauthenticated slots and each
// must log in within LoginTimeout (shorter when the pool is half full).
// Admission is fair across sources, not first come: one address holds at
// most MaxPerAddress pending connections and one /24 (IPv4) or /64 (IPv6)
// at most MaxPerPrefix. A new connection beyond its address's cap closes
// that address's oldest; beyond its network's cap or the pool, it closes
// the pending connection whose source opened the most connections lately
// (then: of the network holding the most; then the oldest), so a flood
// displaces itself, not the one handshake of a reviewer beside it, even in
// its own network. Sources that logged in recently (the address, or the
// /64) are outside the network caps and have a quarter of the pool kept
// for them: strangers cannot fill it, and a flood cannot close their
// connections. Logged-in connections have their own cap (authedCap),
// which no stranger can fill.
type connGate struct {
	log          *slog.Logger
	loginTimeout time.Duration
	// pressureTimeout is the login deadline while the pool is half full.
	pressureTimeout time.Duration
	maxPending      int
	maxPerAddr      int
	maxPerPrefix    int
	reserved        int
	authedCap       int

	mu        sync.Mutex
	pending   []*gatedConn // oldest first
	perAddr   map[string]int
	perPrefix map[string]int // strangers only
	strangers int
	authed    int
	recent    map[string]time.Time  // source key → last login
	churn     map[string]churnScore // source key → connections opened lately
	closed    map[string]int        // closures not logged yet, by reason
	lastLog   time.Time
}

func newConnGate(o Options, log *slog.Logger) *connGate {
	return &connGate{
		log:             log,
		loginTimeout:    o.LoginTimeout,
		pressureTimeout: pressureLoginTimeout,
		maxPending:      o.MaxUnauthenticated,
		maxPerAddr:      o.MaxPerAddress,
		maxPerPrefix:    o.MaxPerPrefix,
		reserved:        max(o.MaxUnauthenticated/4, 1),
		authedCap:       2*o.MaxSessions + 16,
		perAddr:         map[string]int{},
		perPrefix:       map[string]int{},
		recent:          map[string]time.Time{},
		churn:           map[string]churnScore{},
		closed:          map[string]int{},
	}
}

// gateKey holds a connection's *gatedConn in its ssh.Context.
type gateKey struct{}

// admit is the server's ConnCallback: it registers c as pending, making
// room when a cap is reached, and arms the login deadline.
func (g *connGate) admit(ctx ssh.Context, c net.Conn) net.Conn {
	ip := remoteIP(c.RemoteAddr())
	gc := &gatedConn{conn: c, addr: ip.String(), prefix: prefixOf(ip), source: sourceOf(ip)}
	now := time.Now()
	g.mu.Lock()
	if t, ok := g.recent[gc.source]; ok && now.Sub(t) < recentLoginTTL {
		gc.known = true
	}
	evicted, ok := g.enterLocked(gc, now)
	if ok {
		deadline := g.loginTimeout
		if 2*len(g.pending) >= g.maxPending {
			deadline = min(deadline, g.pressureTimeout)
		}
		gc.timer = time.AfterFunc(deadline, func() { g.expire(gc) })
	}
	g.mu.Unlock()
	for _, e := range evicted {
		_ = e.conn.Close()
	}
	if !ok {
		return nil // the library closes it
	}
	ctx.SetValue(gateKey{}, gc)
	go func() {
		<-ctx.Done()
		g.release(gc)
	}()
	return c
}

// enterLocked adds gc to the pending pool. It returns the pending
// connections it took out to make room (the caller closes them), and
// false when gc itself is refused: a stranger when the pool holds only
// recent logins.
func (g *connGate) enterLocked(gc *gatedConn, now time.Time) (evicted []*gatedConn, ok bool) {
	g.openedLocked(gc.source, now)
	evict := func(victim *gatedConn, reason string) {
		if victim != nil {
			g.removeLocked(victim)
			evicted = append(evicted, victim)
			g.noteLocked(reason, now)
		}
	}
	if g.perAddr[gc.addr] >= g.maxPerAddr {
		evict(g.oldestLocked(func(p *gatedConn) bool { return p.addr == gc.addr }),
			"too many connections not logged in from one address")
	}
	if !gc.known && g.perPrefix[gc.prefix] >= g.maxPerPrefix {
		evict(g.busiestLocked(func(p *gatedConn) bool { return !p.known && p.prefix == gc.prefix }, now),
			"too many connections not logged in from one network")
	}
	if !gc.known && g.strangers >= g.maxPending-g.reserved {
		evict(g.busiestLocked(func(p *gatedConn) bool { return !p.known }, now), "too many connections not logged in")
	}
	if len(g.pending) >= g.maxPending {
		victim := g.busiestLocked(func(p *gatedConn) bool { return !p.known }, now)
		if victim == nil && !gc.known {
			// Only recent logins wait: a stranger closes none of them.
			g.noteLocked("too many connections not logged in", now)
			return evicted, false
		}
		if victim == nil {
			victim = g.oldestLocked(func(*gatedConn) bool { return true })
		}
		evict(victim, "too many connections not logged in")
	}
	g.pending = append(g.pending, gc)
	g.perAddr[gc.addr]++
	if !gc.known {
		g.perPrefix[gc.prefix]++
		g.strangers++
	}
	return evicted, true
}

// noteLocked counts a closure and logs the counts at most once per
// logEvery: a flood would otherwise write a line per connection.
func (g *connGate) noteLocked(reason string, now time.Time) {
	g.closed[reason]++
	if now.Sub(g.lastLog) < logEvery {
		return
	}
	g.lastLog = now
	for r, n := range g.closed {
		g.log.Warn("connections closed: "+r, "count", n, "max_unauthenticated", g.maxPending,
			"max_per_address", g.maxPerAddr, "max_per_prefix", g.maxPerPrefix, "login_timeout", g.loginTimeout.String())
	}
	clear(g.closed)
}

// oldestLocked returns the oldest pending connection match accepts.
func (g *connGate) oldestLocked(match func(*gatedConn) bool) *gatedConn {
	for _, p := range g.pending {
		if match(p) {
			return p
		}
	}
	return nil
}

// busiestLocked returns the pending connection match accepts whose source
// opened the most connections lately; among equals, one of the network
// holding the most pending strangers; then the oldest. A source that
// churns connections pays for its churn, not the one connection of a
// reviewer beside it, even in its own network.
func (g *connGate) busiestLocked(match func(*gatedConn) bool, now time.Time) *gatedConn {
	var best *gatedConn
	var bestScore float64
	for _, p := range g.pending {
		if !match(p) {
			continue
		}
		score := g.scoreLocked(p.source, now)
		switch {
		case best == nil, score > bestScore+0.5:
		case score < bestScore-0.5:
			continue
		case g.perPrefix[p.prefix] > g.perPrefix[best.prefix]:
		default:
			continue // older ones come first: best stays
		}
		best, bestScore = p, score
	}
	return best
}

// churnTau is how fast a source's count of connections opened fades.
const churnTau = 10 * time.Second

// maxChurnSources bounds the sources whose churn is remembered.
const maxChurnSources = 16384

// churnScore is a source's count of connections opened, fading with churnTau.
type churnScore struct {
	n  float64
	at time.Time
}

// scoreLocked returns the source's faded count of connections opened.
func (g *connGate) scoreLocked(source string, now time.Time) float64 {
	c, ok := g.churn[source]
	if !ok {
		return 0
	}
	return c.n * math.Exp(-now.Sub(c.at).Seconds()/churnTau.Seconds())
}

// openedLocked counts a connection opened by source.
func (g *connGate) openedLocked(source string, now time.Time) {
	if len(g.churn) >= maxChurnSources {
		for k := range g.churn {
			if g.scoreLocked(k, now) < 0.5 {
				delete(g.churn, k)
			}
		}
		if len(g.churn) >= maxChurnSources {
			clear(g.churn) // a flood from more sources than that: start over
		}
	}
	g.churn[source] = churnScore{n: g.scoreLocked(source, now) + 1, at: now}
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
	if g.perAddr[gc.addr]--; g.perAddr[gc.addr] <= 0 {
		delete(g.perAddr, gc.addr)
	}
	if !gc.known {
		g.strangers--
		if g.perPrefix[gc.prefix]--; g.perPrefix[gc.prefix] <= 0 {
			delete(g.perPrefix, gc.prefix)
		}
	}
	if gc.timer != nil {
		gc.timer.Stop()
	}
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
	g.noteLocked("no login within the deadline", time.Now())
	g.mu.Unlock()
	_ = gc.conn.Close()
}

// loggedIn moves a connection from the pending pool to the logged-in
// ones, and remembers its source; beyond their cap it is closed instead.
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
	g.rememberLocked(gc.source, time.Now())
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

// rememberLocked records a login from source, forgetting the stalest
// sources beyond maxRecentSources.
func (g *connGate) rememberLocked(source string, now time.Time) {
	g.recent[source] = now
	if len(g.recent) <= maxRecentSources {
		return
	}
	for k, t := range g.recent {
		if now.Sub(t) >= recentLoginTTL {
			delete(g.recent, k)
		}
	}
	for len(g.recent) > maxRecentSources {
		oldest, when := "", now
		for k, t := range g.recent {
			if t.Before(when) {
				oldest, when = k, t
			}
		}
		delete(g.recent, oldest)
	}
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

// remoteIP is the IP of addr (unspecified when addr is not TCP/IP).
func remoteIP(addr net.Addr) net.IP {
	if ta, ok := addr.(*net.TCPAddr); ok {
		return ta.IP
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		host = addr.String()
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip
	}
	return net.IPv6unspecified
}

// prefixOf is the network ip belongs to for the per-prefix cap: its /24
// for IPv4, its /64 for IPv6 (one subscriber's usual allocation).
func prefixOf(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.Mask(net.CIDRMask(24, 32)).String() + "/24"
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// sourceOf is who a login is remembered for: the address for IPv4, the
// /64 for IPv6 (whose hosts change address within it).
func sourceOf(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return prefixOf(ip)
}
