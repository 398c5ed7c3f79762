package sshserve

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/internal/termtest"
	"github.com/snapdash/snapdash/tui"
	gossh "golang.org/x/crypto/ssh"
)

func TestSessionShowsModelWithSizeAndRole(t *testing.T) {
	alice := newTestKey(t, "alice@laptop")
	ts := startServer(t, Options{}, alice)
	c := dial(t, ts.Addr().String(), alice, clientOpts{w: 100, h: 30})
	c.WaitFor("size=100x30 role=reviewer ro=false")
	c.Send("jjj")
	c.WaitFor("count=3")
	c.Send("q")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	log := ts.log.String()
	for _, want := range []string{"session start", "session end", alice.fingerprint(), "alice@laptop"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

func TestWrongKeyAndPasswordRefused(t *testing.T) {
	alice, mallory := newTestKey(t, "alice"), newTestKey(t, "mallory")
	ts := startServer(t, Options{}, alice)
	if conn, err := dialSSH(t, ts.Addr().String(), mallory, "alice"); err == nil {
		_ = conn.Close()
		t.Fatal("an unknown key was accepted")
	} else if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("unexpected error: %v", err)
	}
	for name, auth := range map[string]gossh.AuthMethod{
		"password": gossh.Password("hunter2"),
		"keyboard-interactive": gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			return []string{"hunter2"}, nil
		}),
	} {
		cfg := &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{auth},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second}
		if conn, err := gossh.Dial("tcp", ts.Addr().String(), cfg); err == nil {
			_ = conn.Close()
			t.Fatalf("%s authentication was accepted", name)
		}
	}
	if !strings.Contains(ts.log.String(), mallory.fingerprint()) {
		t.Error("the refused key is not in the log")
	}
}

func TestAuthorizedKeysReloadedWhenChanged(t *testing.T) {
	alice, bob := newTestKey(t, "alice"), newTestKey(t, "bob")
	ts := startServer(t, Options{}, alice)
	path := filepath.Join(ts.dir, "authorized_keys")
	if _, err := dialSSH(t, ts.Addr().String(), bob, "bob"); err == nil {
		t.Fatal("bob got in before being added")
	}
	writeAuthorized(t, path, alice, bob)
	conn, err := dialSSH(t, ts.Addr().String(), bob, "bob")
	if err != nil {
		t.Fatalf("bob refused after being added: %v", err)
	}
	_ = conn.Close()
	writeAuthorized(t, path, bob)
	if _, err := dialSSH(t, ts.Addr().String(), alice, "alice"); err == nil {
		t.Fatal("alice still gets in after being removed")
	}
}

func TestRolesByFingerprintAndComment(t *testing.T) {
	rev, sup, sup2 := newTestKey(t, "rev"), newTestKey(t, "boss@hq"), newTestKey(t, "other")
	ts := startServer(t, Options{Roles: map[string]string{
		"boss@hq":          RoleSupervisor,
		sup2.fingerprint(): RoleSupervisor,
		"rev":              RoleReviewer,
	}}, rev, sup, sup2)
	for _, tc := range []struct {
		key  testKey
		want string
	}{
		{rev, "role=reviewer ro=false"},
		{sup, "role=supervisor ro=true"},
		{sup2, "role=supervisor ro=true"},
	} {
		c := dial(t, ts.Addr().String(), tc.key, clientOpts{})
		c.WaitFor(tc.want)
		c.Send("q")
		c.waitExit()
	}
}

func TestBadRoleRejected(t *testing.T) {
	dir := t.TempDir()
	k := newTestKey(t, "k")
	path := filepath.Join(dir, "ak")
	writeAuthorized(t, path, k)
	_, err := New(Options{AuthorizedKeys: path, HostKeyPath: filepath.Join(dir, "hk"), Addr: "127.0.0.1:0",
		Roles:      map[string]string{"k": "admin"},
		NewSession: func(SessionInfo) (tui.Options, error) { return tui.Options{}, nil }})
	if err == nil || !strings.Contains(err.Error(), "admin") {
		t.Fatalf("err = %v, want an unknown role error", err)
	}
}

func TestHostKeyCreatedPrivateAndReused(t *testing.T) {
	alice := newTestKey(t, "alice")
	dir := t.TempDir()
	t.Chdir(dir) // wish must not write id_ed25519 here
	hk := filepath.Join(dir, "data", "snapdash", "ssh_host_ed25519")
	ak := filepath.Join(dir, "authorized_keys")
	writeAuthorized(t, ak, alice)

	hostKeyOf := func() string {
		ts := startServer(t, Options{HostKeyPath: hk, AuthorizedKeys: ak}, alice)
		var got string
		cfg := &gossh.ClientConfig{User: "a", Auth: []gossh.AuthMethod{gossh.PublicKeys(alice.signer)},
			HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
				got = gossh.FingerprintSHA256(key)
				return nil
			}, Timeout: 5 * time.Second}
		conn, err := gossh.Dial("tcp", ts.Addr().String(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.Close()
		if err := ts.stop(t); err != nil {
			t.Fatalf("Serve: %v", err)
		}
		return got
	}
	first := hostKeyOf()
	st, err := os.Stat(hk)
	if err != nil {
		t.Fatalf("host key not written: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %o, want 600", st.Mode().Perm())
	}
	if dst, _ := os.Stat(filepath.Dir(hk)); dst.Mode().Perm() != 0o700 {
		t.Errorf("host key dir mode %o, want 700", dst.Mode().Perm())
	}
	if second := hostKeyOf(); second != first {
		t.Fatalf("host key changed across restarts: %s then %s", first, second)
	}
	if _, err := os.Stat(filepath.Join(dir, "id_ed25519")); err == nil {
		t.Fatal("id_ed25519 written into the working directory")
	}
	if err := os.Chmod(hk, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = New(Options{HostKeyPath: hk, AuthorizedKeys: ak, Addr: "127.0.0.1:0",
		NewSession: func(SessionInfo) (tui.Options, error) { return tui.Options{}, nil }})
	if err == nil || !strings.Contains(err.Error(), "0644") {
		t.Fatalf("a world-readable host key was accepted: %v", err)
	}
}

func TestDefaultHostKeyPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/srv/data")
	p, err := DefaultHostKeyPath()
	if err != nil || p != "/srv/data/snapdash/ssh_host_ed25519" {
		t.Fatalf("DefaultHostKeyPath = %q, %v", p, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultHostKeyPath(); p != "/home/u/.local/share/snapdash/ssh_host_ed25519" {
		t.Fatalf("DefaultHostKeyPath without XDG_DATA_HOME = %q", p)
	}
}

func TestNoPtyGetsMessage(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{}, alice)
	c := dial(t, ts.Addr().String(), alice, clientOpts{noPty: true})
	if code := c.waitExit(); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	if !strings.Contains(c.stderr.String(), "needs a terminal") {
		t.Fatalf("stderr = %q", c.stderr.String())
	}
}

func TestCommandRefused(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{}, alice)
	conn := login(t, ts.Addr().String(), alice, "alice")
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.CombinedOutput("cat /etc/passwd")
	if err == nil || !strings.Contains(string(out), "commands are not supported") {
		t.Fatalf("command: err=%v out=%q", err, out)
	}
}

func TestSessionCap(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{MaxSessions: 1}, alice)
	first := dial(t, ts.Addr().String(), alice, clientOpts{})
	first.WaitFor("count=0")
	second := dial(t, ts.Addr().String(), alice, clientOpts{})
	if code := second.waitExit(); code != 1 {
		t.Fatalf("extra session exit %d, want 1", code)
	}
	if !strings.Contains(second.output(), "limit of 1 sessions") {
		t.Fatalf("extra session output %q", second.output())
	}
	first.Send("j")
	first.WaitFor("count=1")
	first.Send("q")
	first.waitExit()
	// The slot is free again once the server has ended the session (its
	// client hears the end a moment before).
	waitSessions(t, ts.Server, 0)
	third := dial(t, ts.Addr().String(), alice, clientOpts{})
	third.WaitFor("count=0")
}

func TestPanicEndsOnlyItsSession(t *testing.T) {
	for _, key := range []string{"p", "P"} {
		t.Run(key, func(t *testing.T) {
			alice, bob := newTestKey(t, "alice"), newTestKey(t, "bob")
			ts := startServer(t, Options{}, alice, bob)
			a := dial(t, ts.Addr().String(), alice, clientOpts{})
			b := dial(t, ts.Addr().String(), bob, clientOpts{w: 80, h: 24})
			a.WaitFor("count=0")
			b.WaitFor("count=0")
			a.Send(key)
			if code := a.waitExit(); code != 1 {
				t.Fatalf("panicking session exit %d, want 1", code)
			}
			if !strings.Contains(a.output(), "internal error") {
				t.Errorf("panicking session was not told: %q", a.output())
			}
			b.Send("jj")
			b.WaitFor("count=2")
			c := dial(t, ts.Addr().String(), alice, clientOpts{})
			c.WaitFor("count=0")
			if !strings.Contains(ts.log.String(), "test panic in") {
				t.Error("the panic is not in the log")
			}
		})
	}
}

func TestShutdownTellsSessions(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{}, alice)
	var cs []*sshClient
	for range 3 {
		c := dial(t, ts.Addr().String(), alice, clientOpts{})
		c.WaitFor("count=0")
		cs = append(cs, c)
	}
	start := time.Now()
	if err := ts.stop(t); err != nil {
		t.Fatalf("Serve returned %v", err)
	}
	for _, c := range cs {
		c.waitExit()
		if !strings.Contains(c.output(), "server shutting down") {
			t.Errorf("session not told: %q", c.output())
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	if _, err := dialSSH(t, ts.Addr().String(), alice, "a"); err == nil {
		t.Error("still accepting after shutdown")
	}
}

// fakeClock is a Clock that moves only when the test advances it.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	added   chan struct{} // signalled when a waiter is added
}

type fakeWaiter struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), added: make(chan struct{}, 64)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := make(chan time.Time, 1)
	f.waiters = append(f.waiters, fakeWaiter{f.now.Add(d), c})
	select {
	case f.added <- struct{}{}:
	default: // a signal is pending already
	}
	return c
}

// advance moves the clock by d and fires the timers it passes.
func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	kept := f.waiters[:0]
	for _, w := range f.waiters {
		if w.at.After(f.now) {
			kept = append(kept, w)
			continue
		}
		w.c <- f.now
	}
	f.waiters = kept
}

// pending is how many timers have not fired yet.
func (f *fakeClock) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}

// waitTimer waits until a timer has been set since the last call.
func (f *fakeClock) waitTimer(t *testing.T) {
	t.Helper()
	select {
	case <-f.added:
	case <-time.After(termtest.DefaultTimeout):
		t.Fatal("the server set no idle timer")
	}
}

func TestIdleTimeout(t *testing.T) {
	alice := newTestKey(t, "alice")
	clock := newFakeClock()
	ts := startServer(t, Options{IdleTimeout: 400 * time.Millisecond, Clock: clock}, alice)
	c := dial(t, ts.Addr().String(), alice, clientOpts{})
	c.WaitFor("count=0")
	clock.waitTimer(t)
	// Typing every 300ms (by the session's clock) keeps it alive, however
	// slowly the machine runs: each key is seen before the clock moves on.
	for i := 1; i <= 4; i++ {
		clock.advance(300 * time.Millisecond)
		c.Send("j")
		c.WaitFor(fmt.Sprintf("count=%d", i))
	}
	select {
	case <-c.Done():
		t.Fatalf("the session ended while typed in: %q", c.output())
	default:
	}
	// Silence: the session ends once 400ms have passed since the last key,
	// and not before. The clock moves 100ms at a time, each time the
	// server has a timer set (or has ended the session).
	var silent time.Duration
	for ended := false; !ended; {
		for clock.pending() == 0 && !ended {
			select {
			case <-c.Done():
				ended = true
			case <-clock.added:
			case <-time.After(termtest.DefaultTimeout):
				t.Fatal("the server set no idle timer")
			}
		}
		if ended {
			break
		}
		if silent > 2*time.Second {
			t.Fatalf("the session outlived 400ms of silence by far (%s)", silent)
		}
		clock.advance(100 * time.Millisecond)
		silent += 100 * time.Millisecond
	}
	if silent < 400*time.Millisecond {
		t.Fatalf("the session ended after %s of silence, before 400ms", silent)
	}
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(c.output(), "no input for 400ms") {
		t.Fatalf("idle session not told: %q", c.output())
	}
}

// Keys typed while the server waits for a terminal that never answers the
// capability query must all reach the program.
func TestKeysTypedDuringProbeAreKept(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{QueryBudget: 300 * time.Millisecond}, alice)
	c := dial(t, ts.Addr().String(), alice, clientOpts{noReplies: true})
	c.Send("j")
	time.Sleep(50 * time.Millisecond)
	c.Send("jj\x1b[B") // an arrow key is a CSI sequence too, but not a reply
	c.Send("jj")
	c.WaitFor("count=5")
	time.Sleep(400 * time.Millisecond)
	c.Send("j")
	c.WaitFor("count=6")
	if !strings.Contains(ts.log.String(), "probe=3") {
		t.Errorf("the probe did not wait for the silent terminal:\n%s", ts.log.String())
	}
}

func TestNewSessionErrorRefuses(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{NewSession: func(SessionInfo) (tui.Options, error) {
		return tui.Options{}, errors.New("no endpoint\x1b[31m today")
	}}, alice)
	c := dial(t, ts.Addr().String(), alice, clientOpts{})
	if code := c.waitExit(); code != 1 {
		t.Fatalf("exit %d", code)
	}
	out := c.stderr.String()
	if !strings.Contains(out, "could not start the dashboard: no endpoint") || strings.Contains(out, "\x1b[31m") {
		t.Fatalf("stderr %q", out)
	}
}

func TestTwoSessionsIndependent(t *testing.T) {
	alice, bob := newTestKey(t, "alice"), newTestKey(t, "bob")
	var mu sync.Mutex
	infos := map[string]SessionInfo{}
	ts := startServer(t, Options{NewSession: func(info SessionInfo) (tui.Options, error) {
		mu.Lock()
		infos[info.Comment] = info
		mu.Unlock()
		theme := "dark"
		if !info.DarkBackground {
			theme = "light"
		}
		if v := info.Env["SNAPDASH_THEME"]; v != "" {
			theme = v
		}
		return tui.Options{API: nopAPI{}, Theme: theme}, nil
	}}, alice, bob)
	a := dial(t, ts.Addr().String(), alice, clientOpts{w: 100, h: 30, env: map[string]string{"COLORTERM": "truecolor"}})
	b := dial(t, ts.Addr().String(), bob, clientOpts{w: 72, h: 20, lightBg: true, term: "xterm", env: map[string]string{"NO_COLOR": "1"}})
	a.WaitFor("size=100x30 role=reviewer ro=false theme=dark dark=true")
	b.WaitFor("size=72x20 role=reviewer ro=false theme=light dark=false")
	a.Send("jjj")
	b.Send("j")
	a.WaitFor("count=3")
	b.WaitFor("count=1")
	mu.Lock()
	ia, ib := infos["alice"], infos["bob"]
	mu.Unlock()
	if ia.Renderer == ib.Renderer {
		t.Fatal("sessions share a renderer")
	}
	if got := fmt.Sprint(ia.Renderer.ColorProfile()); got != "0" { // termenv.TrueColor
		t.Errorf("alice's profile %s, want TrueColor (0)", got)
	}
	if got := fmt.Sprint(ib.Renderer.ColorProfile()); got != "3" { // termenv.Ascii (NO_COLOR)
		t.Errorf("bob's profile %s, want Ascii (3)", got)
	}
	if ia.Term != "xterm-256color" || ib.Term != "xterm" {
		t.Errorf("terms %q %q", ia.Term, ib.Term)
	}
}

func TestResizeReachesTheModel(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{}, alice)
	c := dial(t, ts.Addr().String(), alice, clientOpts{w: 100, h: 30})
	c.WaitFor("size=100x30")
	if err := c.sess.WindowChange(40, 120); err != nil {
		t.Fatal(err)
	}
	c.WaitFor("size=120x40")
}

func TestConnectionCaps(t *testing.T) {
	alice := newTestKey(t, "alice")
	// Logged-in connections: 2*1+16 = 18; strangers: 4, whatever address.
	ts := startServer(t, Options{MaxSessions: 1, MaxUnauthenticated: 4, MaxPerAddress: 100}, alice)
	addr := ts.Addr().String()
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			_ = c.Close()
		}
	}()
	for range 5 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
		awaitAdmitted(t, c)
	}
	// The fifth stranger closed the first one, the oldest.
	if err := awaitClosed(idle[0], 10*time.Second); err != nil {
		t.Fatalf("oldest stranger: %v", err)
	}
	if !strings.Contains(ts.log.String(), "too many connections not logged in") {
		t.Error("the stranger cap is not logged")
	}

	var logged []*gossh.Client
	defer func() {
		for _, c := range logged {
			_ = c.Close()
		}
	}()
	for i := range 18 {
		c, err := dialSSH(t, addr, alice, "alice")
		if err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
		logged = append(logged, c)
	}
	if c, err := dialSSH(t, addr, alice, "alice"); err == nil {
		_ = c.Close()
		t.Fatal("a 19th logged-in connection was kept")
	}
	if !strings.Contains(ts.log.String(), "too many open connections") {
		t.Error("the connection cap is not logged")
	}
	_ = logged[0].Close()
	logged = logged[1:]
	// The slot is given back once the server has seen the close.
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := dialSSH(t, addr, alice, "alice")
		if err == nil {
			_ = conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still refused after a connection closed: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
