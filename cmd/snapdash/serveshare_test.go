//go:build !windows

package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/termtest"
	"golang.org/x/crypto/ssh"
)

// TestServeSharesOneUpstream: four SSH sessions on one `snapdash serve`
// cost the platform one user endpoint and one event stream, and one
// listing of the interactions at start, not four.
func TestServeSharesOneUpstream(t *testing.T) {
	t.Parallel()
	s, err := sim.New(sim.Options{Seed: 7, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path]++
		mu.Unlock()
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	count := func(what string) int {
		mu.Lock()
		defer mu.Unlock()
		return seen[what]
	}

	dir := t.TempDir()
	user := newKey(t)
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, ssh.MarshalAuthorizedKey(user.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	hostKey := filepath.Join(dir, "host_ed25519")
	cfg := writeConfig(t, "ssh:\n  authorized_keys: "+authorized+"\n  host_key: "+hostKey+"\n", 0o600)
	c := newCLI(t, map[string]string{"SNAPDASH_SERVER": front.URL, "SNAPDASH_TOKEN": s.IssueToken(sim.RoleAgent, time.Hour),
		"SNAPDASH_CONFIG": cfg})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := c.command(ctx, "serve", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("serve: %v (stderr %s)", err, stderr.String())
	}
	addr := strings.TrimSpace(first[strings.LastIndex(first, " ")+1:])
	hk, err := os.ReadFile(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	hostSigner, err := ssh.ParsePrivateKey(hk)
	if err != nil {
		t.Fatal(err)
	}
	conf := &ssh.ClientConfig{User: "reviewer", Auth: []ssh.AuthMethod{ssh.PublicKeys(user)},
		HostKeyCallback: ssh.FixedHostKey(hostSigner.PublicKey()), Timeout: 10 * time.Second}

	const sessions = 4
	var screens [sessions]*termtest.Term
	for i := range sessions {
		conn, err := ssh.Dial("tcp", addr, conf)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		defer conn.Close()
		sess, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		if err := sess.RequestPty("xterm-256color", 40, 120, ssh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		in, _ := sess.StdinPipe()
		out, _ := sess.StdoutPipe()
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		screens[i] = termtest.New(t, in, out, termtest.Options{Width: 120, Height: 40})
	}
	for _, sc := range screens {
		sc.WaitFor("Kenji Watanabe", "live")
	}
	if want := "snapdash: host key " + ssh.FingerprintSHA256(hostSigner.PublicKey()); !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr does not give the host key's fingerprint %q: %q", want, stderr.String())
	}
	if n := count("POST /rtc-api/users/endpoints"); n != 1 {
		t.Errorf("%d user endpoints registered, want 1", n)
	}
	if n := count("GET /rtc-api/events"); n != 1 {
		t.Errorf("%d event streams opened for %d sessions, want 1", n, sessions)
	}
	if n := count("GET /rtc-api/interactions"); n > 2 {
		t.Errorf("%d interaction listings for %d sessions starting together, want 1 (2 at most: a TTL may end between them)", n, sessions)
	}
	mu.Lock()
	t.Logf("requests: %v", seen) // the handlers still run
	mu.Unlock()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, stdout)
	_ = cmd.Wait()
}
