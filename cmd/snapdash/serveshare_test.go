//go:build !windows

package main

import (
	"net/http"
	"net/http/httptest"
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

	r := startServe(t, map[string]string{"SNAPDASH_SERVER": front.URL, "SNAPDASH_TOKEN": s.IssueToken(sim.RoleAgent, time.Hour)},
		"reviewer@e2e", "", 2*time.Minute)
	hostSigner, stderr := r.host, r.stderr

	const sessions = 4
	var screens [sessions]*termtest.Term
	for i := range sessions {
		_, _, screens[i] = r.shell(t)
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
	_ = r.stop(t)
}
