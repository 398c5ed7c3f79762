package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// TestOpaqueTokenEndpointStaysAlive: with a token that is not a JWT and no
// configured user id, an endpoint is still opened and kept alive, by
// registering its id again (keepalives would need the user id).
func TestOpaqueTokenEndpointStaysAlive(t *testing.T) {
	s, err := sim.New(sim.Options{Seed: 3, Demo: true, OpaqueTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var mu sync.Mutex
	var registered []string // the ids asked for, "" for a new one
	keepalives := 0
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		switch r.URL.Path {
		case "/rtc-api/users/endpoints":
			var cmd client.RegisterEndpointCommand
			json.Unmarshal(body, &cmd)
			registered = append(registered, cmd.UserEndpointID)
		case "/rtc-api/users/endpoints/keepalive":
			keepalives++
		}
		mu.Unlock()
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	c, err := client.New(client.Config{Server: front.URL, Token: s.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Identity(ctx); err == nil {
		t.Fatal("Identity of an opaque token without a user id: no error")
	}
	ep, err := c.OpenEndpoint(ctx, "", 2*time.Second) // refreshed every second
	if err != nil {
		t.Fatalf("OpenEndpoint with an opaque token: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(registered)
		refreshed := n >= 2 && registered[n-1] == ep.ID()
		mu.Unlock()
		if refreshed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the endpoint was never refreshed: %q", registered)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := ep.Close(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if registered[0] != "" || keepalives != 0 {
		t.Errorf("registrations %q, %d keepalives", registered, keepalives)
	}
}
