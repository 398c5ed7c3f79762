package sshserve

import (
	"context"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// churn is a connection flood: rate new connections a second from the
// given loopback addresses, each sending an SSH version line and then
// nothing, the hold most recent ones kept open (the oldest closed as each
// new one opens).
type churn struct {
	opened atomic.Int64
	failed atomic.Int64
	stop   chan struct{}
	wg     sync.WaitGroup

	mu   sync.Mutex
	held []net.Conn
}

// startChurn starts the flood against addr with workers dialing in
// parallel; stop it with (*churn).close.
func startChurn(addr string, rate, hold int, sources []string) *churn {
	c := &churn{stop: make(chan struct{})}
	const workers = 4
	const tick = 10 * time.Millisecond
	perTick := float64(rate) / workers * tick.Seconds()
	for w := range workers {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			t := time.NewTicker(tick)
			defer t.Stop()
			owed, n := 0.0, w
			for {
				select {
				case <-c.stop:
					return
				case <-t.C:
				}
				for owed += perTick; owed >= 1; owed-- {
					n += workers
					conn, err := dialFrom(sources[n%len(sources)], addr)
					if err != nil {
						c.failed.Add(1)
						continue
					}
					c.opened.Add(1)
					_, _ = conn.Write([]byte("SSH-2.0-churn\r\n"))
					c.mu.Lock()
					c.held = append(c.held, conn)
					var old net.Conn
					if len(c.held) > hold {
						old, c.held = c.held[0], c.held[1:]
					}
					c.mu.Unlock()
					if old != nil {
						_ = old.Close()
					}
				}
				if owed > 4*perTick+1 {
					owed = 4*perTick + 1 // behind: do not catch up in a burst
				}
			}
		}()
	}
	return c
}

func (c *churn) close() {
	close(c.stop)
	c.wg.Wait()
	c.mu.Lock()
	for _, conn := range c.held {
		_ = conn.Close()
	}
	c.held = nil
	c.mu.Unlock()
}

// reviewerRTT is the reviewer's round trip to the server: a reviewer is not
// on the server's loopback, and a login takes several round trips.
const reviewerRTT = 100 * time.Millisecond

// slowConn delays every write by rtt: request and answer take a round trip.
type slowConn struct {
	net.Conn
	rtt time.Duration
}

func (c slowConn) Write(p []byte) (int, error) {
	time.Sleep(c.rtt)
	return c.Conn.Write(p)
}

// loginFrom logs in with key from the loopback address ip, over a link of
// reviewerRTT, and returns how long the login took.
func loginFrom(ip, addr string, key testKey, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: timeout}
	raw, err := d.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	_ = raw.SetDeadline(start.Add(timeout))
	conn := slowConn{Conn: raw, rtt: reviewerRTT}
	cc, chans, reqs, err := gossh.NewClientConn(conn, addr, &gossh.ClientConfig{User: "reviewer",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(key.signer)}, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: timeout})
	if err != nil {
		_ = conn.Close()
		return 0, err
	}
	took := time.Since(start)
	client := gossh.NewClient(cc, chans, reqs)
	_ = client.Close()
	return took, nil
}

// churnResult is what a reviewer saw during a flood.
type churnResult struct {
	in, tried int
	times     []time.Duration
	errs      []string
}

func (r churnResult) String() string {
	s := fmt.Sprintf("%d/%d logins", r.in, r.tried)
	if len(r.times) > 0 {
		t := slices.Clone(r.times)
		slices.Sort(t)
		s += fmt.Sprintf(", login p50 %s max %s", t[len(t)/2].Round(time.Millisecond), t[len(t)-1].Round(time.Millisecond))
	}
	if len(r.errs) > 0 {
		s += " (" + strings.Join(firstN(r.errs, 3), "; ") + ")"
	}
	return s
}

// reviewerLogins tries n logins from ip, one after the other.
func reviewerLogins(ip, addr string, key testKey, n int, timeout time.Duration) churnResult {
	var r churnResult
	for range n {
		r.tried++
		took, err := loginFrom(ip, addr, key, timeout)
		if err != nil {
			r.errs = append(r.errs, err.Error())
		} else {
			r.in++
			r.times = append(r.times, took)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return r
}

// floodSources are 100 loopback addresses in 127.0.0.0/24.
func floodSources() []string {
	var ips []string
	for i := 1; i <= 100; i++ {
		ips = append(ips, fmt.Sprintf("127.0.0.%d", i))
	}
	return ips
}

// canDialFrom reports whether this system routes all of 127/8 to loopback.
func canDialFrom(t *testing.T, addr string, ips ...string) bool {
	for _, ip := range ips {
		c, err := dialFrom(ip, addr)
		if err != nil {
			t.Logf("cannot dial from %s: %v", ip, err)
			return false
		}
		_ = c.Close()
	}
	return true
}

// The churn tests' reviewers: one from another /24 than the flood's, and a
// regular from the flood's own /24 who logged in before it.
const churnStranger, churnRegular = "127.0.1.1", "127.0.0.250"

// churnAtFullStrength starts a server that lets key in, skips the test where
// 127/8 is not routed to loopback, logs the regular reviewer in once, then
// starts the flood at rate connections a second and waits (10 s at most)
// until it is at full strength: half a second's worth open at once.
func churnAtFullStrength(t *testing.T, opts Options, key testKey, rate int) (addr string, c *churn, start time.Time) {
	t.Helper()
	ts := startServer(t, opts, key)
	addr = ts.Addr().String()
	if !canDialFrom(t, addr, churnStranger, churnRegular, "127.0.0.100") {
		t.Skip("this system does not route 127/8 to loopback")
	}
	if _, err := loginFrom(churnRegular, addr, key, 10*time.Second); err != nil {
		t.Fatalf("login before the flood: %v", err)
	}
	c = startChurn(addr, rate, 200, floodSources())
	start = time.Now()
	for c.opened.Load() < int64(rate/2) && time.Since(start) < 10*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	return addr, c, start
}

// TestChurnLocksNoReviewerOut: while 100 addresses hold 200 sockets and
// open 1,000 new ones a second, reviewers (100 ms away) from another /24,
// from the flood's own /24 having logged in before, and from the flood's
// /24 never having logged in all log in 5 times out of 5.
// The login times are logged here; bench/ssh-churn.sh measures them.
func TestChurnLocksNoReviewerOut(t *testing.T) {
	alice := newTestKey(t, "alice")
	addr, c, start := churnAtFullStrength(t, Options{}, alice, 1000)
	other := reviewerLogins(churnStranger, addr, alice, 5, 10*time.Second)
	same := reviewerLogins(churnRegular, addr, alice, 5, 10*time.Second)
	newcomer := reviewerLogins("127.0.0.251", addr, alice, 5, 10*time.Second)
	elapsed := time.Since(start)
	c.close()
	t.Logf("flood: %d connections in %s (%.0f/s), %d dials failed", c.opened.Load(), elapsed.Round(time.Millisecond),
		float64(c.opened.Load())/elapsed.Seconds(), c.failed.Load())
	t.Logf("reviewer from another /24: %s", other)
	t.Logf("reviewer from the flood's /24, logged in before: %s", same)
	t.Logf("reviewer from the flood's /24, never logged in: %s", newcomer)
	if other.in != other.tried || same.in != same.tried || newcomer.in != newcomer.tried {
		t.Errorf("reviewers locked out: another /24 %s; same /24 %s; same /24, new %s", other, same, newcomer)
	}
}

// TestChurnFigures is bench/ssh-churn.sh's measurement (skipped unless
// SNAPDASH_CHURN=1): the flood at SNAPDASH_CHURN_RATE connections a second
// for SNAPDASH_CHURN_LOGINS logins of each reviewer, printed as one line.
func TestChurnFigures(t *testing.T) {
	if os.Getenv("SNAPDASH_CHURN") != "1" {
		t.Skip("set SNAPDASH_CHURN=1 (bench/ssh-churn.sh)")
	}
	rate, err := strconv.Atoi(os.Getenv("SNAPDASH_CHURN_RATE"))
	if err != nil || rate < 0 {
		rate = 1000 // 0 is the baseline: no flood
	}
	logins, _ := strconv.Atoi(os.Getenv("SNAPDASH_CHURN_LOGINS"))
	if logins <= 0 {
		logins = 10
	}
	alice := newTestKey(t, "alice")
	addr, c, start := churnAtFullStrength(t, Options{Logger: slog.New(slog.DiscardHandler)}, alice, rate)
	other := reviewerLogins(churnStranger, addr, alice, logins, 10*time.Second)
	same := reviewerLogins(churnRegular, addr, alice, logins, 10*time.Second)
	openssh, newcomer := "OpenSSH client not installed", "-"
	if _, err := exec.LookPath("ssh"); err == nil {
		openssh = opensshLogins(t, "127.0.1.2", addr, alice, logins).String()
		// The case no cap can help: a stranger inside the flood's /24.
		newcomer = opensshLogins(t, "127.0.0.251", addr, alice, logins).String()
	}
	elapsed := time.Since(start)
	c.close()
	line := fmt.Sprintf("churn %4d/s asked, %4.0f/s reached:\n  x/crypto, 100 ms away, other /24:         %s\n"+
		"  x/crypto, 100 ms away, same /24, known: %s\n  OpenSSH ssh, loopback, other /24:       %s\n"+
		"  OpenSSH ssh, loopback, same /24, new:   %s\n",
		rate, float64(c.opened.Load())/elapsed.Seconds(), other, same, openssh, newcomer)
	if out := os.Getenv("SNAPDASH_CHURN_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Log(line)
}

// opensshLogins logs in n times with the OpenSSH client from ip (no
// terminal: the server answers "the dashboard needs a terminal" once the
// login has succeeded, which is what is timed).
func opensshLogins(t *testing.T, ip, addr string, key testKey, n int) churnResult {
	dir := t.TempDir()
	block, err := gossh.MarshalPrivateKey(key.priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(addr)
	var r churnResult
	for range n {
		r.tried++
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, "ssh", "-T", "-F", "/dev/null", "-i", keyFile, "-p", port, "-b", ip,
			"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", "reviewer@"+host)
		start := time.Now()
		out, _ := cmd.CombinedOutput()
		took := time.Since(start)
		cancel()
		if strings.Contains(string(out), "needs a terminal") {
			r.in++
			r.times = append(r.times, took)
		} else {
			r.errs = append(r.errs, strings.TrimSpace(string(out)))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return r
}
