package sshserve

import (
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"
)

// enter adds a pending connection from ip to g as admit would, and returns
// it (nil when refused) with the connections it displaced.
func enter(t *testing.T, g *connGate, ip string) (*gatedConn, []*gatedConn) {
	t.Helper()
	addr := net.ParseIP(ip)
	if addr == nil {
		t.Fatalf("bad ip %q", ip)
	}
	gc := &gatedConn{addr: addr.String(), prefix: prefixOf(addr), source: sourceOf(addr)}
	g.mu.Lock()
	defer g.mu.Unlock()
	if at, ok := g.recent[sourceOf(addr)]; ok && time.Since(at) < recentLoginTTL {
		gc.known = true
	}
	evicted, ok := g.enterLocked(gc, time.Now())
	if !ok {
		return nil, evicted
	}
	return gc, evicted
}

func pendingIn(g *connGate, gc *gatedConn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return gc.state == statePending && g.oldestLocked(func(p *gatedConn) bool { return p == gc }) != nil
}

func newTestGate() *connGate {
	return newConnGate(Options{MaxUnauthenticated: 64, MaxPerAddress: 8, MaxPerPrefix: 16, MaxSessions: 4,
		LoginTimeout: time.Minute}, slog.New(slog.DiscardHandler))
}

func TestPrefixes(t *testing.T) {
	for ip, want := range map[string][2]string{
		"192.0.2.77":              {"192.0.2.0/24", "192.0.2.77"},
		"::ffff:192.0.2.77":       {"192.0.2.0/24", "192.0.2.77"},
		"2001:db8:1:2:aaaa::1":    {"2001:db8:1:2::/64", "2001:db8:1:2::/64"},
		"2001:db8:1:2:ffff::9999": {"2001:db8:1:2::/64", "2001:db8:1:2::/64"},
	} {
		a := net.ParseIP(ip)
		if got := [2]string{prefixOf(a), sourceOf(a)}; got != want {
			t.Errorf("%s: prefix, source %v, want %v", ip, got, want)
		}
	}
}

// TestGateIPv6NetworkIsOneSource: addresses of one /64 are capped
// together, so a host cycling through its /64 cannot fill the pool, and a
// reviewer's handshake from elsewhere is never displaced by it.
func TestGateIPv6NetworkIsOneSource(t *testing.T) {
	g := newTestGate()
	reviewer, _ := enter(t, g, "2001:db8:ffff::1")
	var flood []*gatedConn
	for i := range 1000 {
		gc, _ := enter(t, g, fmt.Sprintf("2001:db8:1:2::%x", i+1))
		flood = append(flood, gc)
	}
	g.mu.Lock()
	held := g.perPrefix["2001:db8:1:2::/64"]
	g.mu.Unlock()
	if held != 16 {
		t.Errorf("the flooding /64 holds %d pending connections, want its cap of 16", held)
	}
	if !pendingIn(g, reviewer) {
		t.Error("the reviewer's handshake was displaced by a flood from another /64")
	}
	if !pendingIn(g, flood[len(flood)-1]) || pendingIn(g, flood[0]) {
		t.Error("the flood's newest should wait and its oldest be displaced")
	}
}

// TestGatePoolOverflowsOntoTheHeaviestNetwork: with the pool full of a
// flood from many networks, a new connection displaces one of the network
// holding the most, and sources that logged in recently keep a quarter of
// the pool that no stranger can take.
func TestGatePoolOverflowsOntoTheHeaviestNetwork(t *testing.T) {
	g := newTestGate()
	g.mu.Lock()
	g.rememberLocked("198.51.100.7", time.Now())
	g.mu.Unlock()
	lone, _ := enter(t, g, "203.0.113.5")
	for n := range 10 {
		for h := range 16 {
			enter(t, g, fmt.Sprintf("10.0.%d.%d", n, h+1))
		}
	}
	g.mu.Lock()
	strangers, pending := g.strangers, len(g.pending)
	g.mu.Unlock()
	if strangers != 64-16 || pending != strangers {
		t.Errorf("%d strangers pending (%d in all), want 48: a quarter of 64 is kept", strangers, pending)
	}
	if !pendingIn(g, lone) {
		t.Error("the lone stranger was displaced though other networks held more")
	}
	// A regular gets in beside the flood, 16 times over, displacing nobody.
	for i := range 16 {
		gc, evicted := enter(t, g, "198.51.100.7")
		if gc == nil || !gc.known {
			t.Fatalf("regular %d refused", i)
		}
		if i < 8 && len(evicted) != 0 {
			t.Fatalf("regular %d displaced %d connections with room kept for it", i, len(evicted))
		}
	}
	// More strangers still cannot take the regular's connections.
	for i := range 100 {
		enter(t, g, fmt.Sprintf("10.1.%d.1", i))
	}
	g.mu.Lock()
	known := len(g.pending) - g.strangers
	g.mu.Unlock()
	if known != 8 { // its own per-address cap
		t.Errorf("%d of the regular's connections left, want 8", known)
	}
}

// TestGateChurnPaysForItself: in a network flooded by 100 addresses that
// each open connection after connection, a newcomer's one connection is
// not the one displaced: the addresses that opened the most are.
func TestGateChurnPaysForItself(t *testing.T) {
	g := newTestGate()
	for i := range 500 {
		enter(t, g, fmt.Sprintf("10.9.9.%d", i%100+1))
	}
	newcomer, _ := enter(t, g, "10.9.9.250")
	for i := range 500 {
		enter(t, g, fmt.Sprintf("10.9.9.%d", i%100+1))
	}
	if !pendingIn(g, newcomer) {
		t.Error("the newcomer's handshake was displaced by the flood of its own /24")
	}
	g.mu.Lock()
	held := g.perPrefix["10.9.9.0/24"]
	g.mu.Unlock()
	if held != 16 {
		t.Errorf("the /24 holds %d pending connections, want its cap of 16", held)
	}
}
