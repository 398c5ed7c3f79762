package sshserve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// dialFrom opens a TCP connection to addr from the loopback address ip.
func dialFrom(ip, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return d.Dial("tcp", addr)
}

// strangerAddrs are the loopback addresses the idle sockets come from: all
// of 127/8 is loopback on Linux; elsewhere only 127.0.0.1 may be usable,
// which still exercises the per-address cap.
func strangerAddrs(t *testing.T, addr string) []string {
	ips := []string{"127.0.0.1"}
	for i := 2; i <= 6; i++ {
		ip := fmt.Sprintf("127.0.0.%d", i)
		c, err := dialFrom(ip, addr)
		if err != nil {
			t.Logf("cannot dial from %s (%v); using fewer addresses", ip, err)
			break
		}
		_ = c.Close()
		ips = append(ips, ip)
	}
	return ips
}

// awaitAdmitted waits until the server has either sent its version line on
// c (the connection was admitted and is waiting for the client) or closed
// it (it was evicted by a later one): either way admit has run.
func awaitAdmitted(t *testing.T, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	_ = c.SetReadDeadline(time.Time{})
	if err != nil && !errors.Is(err, io.EOF) && !isReset(err) {
		t.Fatalf("idle connection: %v", err)
	}
	if err == nil && !strings.HasPrefix(line, "SSH-2.0-") {
		t.Fatalf("server greeting %q", line)
	}
}

func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && !ne.Timeout()
}

// awaitClosed waits until the server closes c, reading whatever it sends.
func awaitClosed(c net.Conn, within time.Duration) error {
	_ = c.SetReadDeadline(time.Now().Add(within))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("still open after %s", within)
	}
	return nil
}

// trickle writes one byte of a client greeting every interval until stop.
func trickle(c net.Conn, interval time.Duration, stop <-chan struct{}) {
	greeting := []byte("SSH-2.0-slowloris-and-more-bytes-than-anyone-needs")
	for i := 0; ; i = (i + 1) % len(greeting) {
		select {
		case <-stop:
			return
		case <-time.After(interval):
		}
		if _, err := c.Write(greeting[i : i+1]); err != nil {
			return
		}
	}
}

func TestIdleSocketsDoNotLockOutReviewers(t *testing.T) {
	alice := newTestKey(t, "alice")
	// Before the fix, connections were capped at 2*1+16 = 18, logged in or
	// not, with no login deadline: 30 idle sockets locked everyone out.
	ts := startServer(t, Options{MaxSessions: 1, MaxUnauthenticated: 6, MaxPerAddress: 2}, alice)
	addr := ts.Addr().String()
	ips := strangerAddrs(t, addr)

	stop := make(chan struct{})
	defer close(stop)
	slow, err := dialFrom(ips[len(ips)-1], addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	awaitAdmitted(t, slow)
	go trickle(slow, 20*time.Millisecond, stop)

	for i := range 30 {
		c, err := dialFrom(ips[i%len(ips)], addr)
		if err != nil {
			t.Fatalf("idle connection %d: %v", i, err)
		}
		defer c.Close()
		awaitAdmitted(t, c)
	}
	c := dial(t, addr, alice, clientOpts{})
	c.WaitFor("count=0")
	c.Send("j")
	c.WaitFor("count=1")
	if !strings.Contains(ts.log.String(), "not logged in") {
		t.Error("the log does not say why idle connections were closed")
	}
	ts.gate.mu.Lock()
	pending, authed := len(ts.gate.pending), ts.gate.authed
	ts.gate.mu.Unlock()
	if pending > 6 || authed != 1 {
		t.Errorf("gate holds %d pending (cap 6), %d logged in (want 1)", pending, authed)
	}
}

func TestLoginDeadlineClosesIdleAndTricklingSockets(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{LoginTimeout: 300 * time.Millisecond}, alice)
	addr := ts.Addr().String()

	// A session logged in before the strangers arrive outlives their
	// deadline: the deadline is for logging in only.
	c := dial(t, addr, alice, clientOpts{})
	c.WaitFor("count=0")

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	stop := make(chan struct{})
	defer close(stop)
	go trickle(slow, 20*time.Millisecond, stop)

	for name, conn := range map[string]net.Conn{"idle": idle, "trickling": slow} {
		if err := awaitClosed(conn, 10*time.Second); err != nil {
			t.Fatalf("%s connection: %v", name, err)
		}
	}
	if !strings.Contains(ts.log.String(), "no login within the deadline") {
		t.Error("the log does not say why the connections were closed")
	}
	c.Send("j")
	c.WaitFor("count=1")
}

func TestEnvRequestsCapped(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{}, alice)
	conn := login(t, ts.Addr().String(), alice, "tester")
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()

	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	const n, size = 2000, 16 << 10
	value := strings.Repeat("x", size)
	accepted := 0
	for i := range n {
		// Setenv waits for the server's answer, so every request has been
		// handled when the loop ends.
		if sess.Setenv(fmt.Sprintf("V%d", i), value) == nil {
			accepted++
		}
	}
	after := heap()
	if accepted == 0 || accepted > maxEnvVars || accepted*size > maxEnvBytes {
		t.Errorf("%d env requests of %d bytes accepted; want 1 to %d and at most %d bytes", accepted, size, maxEnvVars, maxEnvBytes)
	}
	// 2000 × 16 KiB is 32 MiB; the session may keep at most 64 KiB of it.
	if grown := int64(after) - int64(before); grown > 8<<20 {
		t.Errorf("server heap grew by %d MiB after %d env requests", grown>>20, n)
	}
	if !strings.Contains(ts.log.String(), "env requests refused") {
		t.Error("the cap is not logged")
	}
	// The session still works within the cap.
	small, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if err := small.Setenv("SNAPDASH_THEME", "light"); err != nil {
		t.Errorf("a small env request on a new channel: %v", err)
	}
}

// TestLoginDeadlineShortensUnderPressure: while the pool of connections
// not logged in is half full, new ones get the shorter deadline; those
// admitted before keep theirs.
func TestLoginDeadlineShortensUnderPressure(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{LoginTimeout: time.Minute, MaxUnauthenticated: 4, MaxPerAddress: 4}, alice)
	ts.gate.mu.Lock()
	ts.gate.pressureTimeout = 300 * time.Millisecond
	ts.gate.mu.Unlock()
	addr := ts.Addr().String()
	calm, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer calm.Close()
	awaitAdmitted(t, calm)
	pressed, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer pressed.Close()
	awaitAdmitted(t, pressed)
	if err := awaitClosed(pressed, 10*time.Second); err != nil {
		t.Fatalf("the connection admitted under pressure: %v", err)
	}
	ts.gate.mu.Lock()
	pending := len(ts.gate.pending)
	ts.gate.mu.Unlock()
	if pending != 1 {
		t.Errorf("%d connections pending after the pressed one closed, want the calm one", pending)
	}
}
