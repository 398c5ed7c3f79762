package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// seenRequest is one request a collector server received.
type seenRequest struct {
	method, path, auth, body string
}

// collector is a loopback server that records every request it receives.
type collector struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seenRequest
}

func newCollector(t *testing.T) *collector {
	c := &collector{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		c.mu.Lock()
		c.reqs = append(c.reqs, seenRequest{r.Method, r.URL.Path, r.Header.Get("Authorization"), string(b)})
		c.mu.Unlock()
		ctWriteJSON(w, http.StatusOK, map[string]any{"access_token": "stolen", "id": "x"})
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *collector) received() []seenRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]seenRequest(nil), c.reqs...)
}

func TestTokenRequestFollowsNoRedirect(t *testing.T) {
	for _, code := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			elsewhere := newCollector(t)
			c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/security/oauth/token" {
					http.Redirect(w, r, elsewhere.URL+"/token", code)
					return
				}
				t.Errorf("API request %s without a token", r.URL.Path)
			}), ctWithOAuth)
			_, err := c.GetSnapshot(context.Background(), "s1")
			if err == nil {
				t.Fatal("a redirected token request succeeded")
			}
			if got := elsewhere.received(); len(got) != 0 {
				t.Fatalf("the token request followed the redirect: %+v", got)
			}
			if !strings.Contains(err.Error(), "redirect") || strings.Contains(err.Error(), "client-secret-abc") {
				t.Errorf("error %q", err)
			}
		})
	}
}

func TestAuthorizationOnlyToItsOrigin(t *testing.T) {
	// Both servers are 127.0.0.1: net/http, comparing host names only,
	// would carry the token to the other port.
	elsewhere := newCollector(t)
	home := newCollector(t)
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rtc-api/snapshots/away":
			http.Redirect(w, r, elsewhere.URL+"/rtc-api/snapshots/away", http.StatusTemporaryRedirect)
		case "/rtc-api/snapshots/stay":
			http.Redirect(w, r, "/rtc-api/snapshots/final", http.StatusTemporaryRedirect)
		case "/rtc-api/snapshots/final":
			// Record what arrived, on this origin.
			home.Config.Handler.ServeHTTP(w, r)
		default:
			t.Errorf("unexpected %s", r.URL.Path)
		}
	}))
	_, _ = c.GetSnapshot(context.Background(), "away")
	got := elsewhere.received()
	if len(got) != 1 {
		t.Fatalf("the other origin got %d requests, want the one redirected", len(got))
	}
	if got[0].auth != "" {
		t.Errorf("the token went to another port: Authorization %q", got[0].auth)
	}
	_, _ = c.GetSnapshot(context.Background(), "stay")
	if got := home.received(); len(got) != 1 || got[0].auth != "Bearer "+ctStaticToken {
		t.Errorf("a redirect within the origin lost the token: %+v", got)
	}

	// The event stream's transport sets the token itself: it too keeps it
	// to the server's origin.
	req, err := http.NewRequest(http.MethodGet, elsewhere.URL+"/rtc-api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ctStaticToken)
	resp, err := c.authTransport().RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := elsewhere.received(); len(got) != 2 || got[1].auth != "" {
		t.Errorf("the stream transport sent the token to another origin: %+v", got)
	}
}

func TestPlainHTTPOnlyForLoopback(t *testing.T) {
	for _, cfg := range []Config{
		{Server: "http://auvious.example", Token: "t"},
		{Server: "http://10.0.0.5:8080", Token: "t"},
		{Server: "https://auvious.example", TokenURL: "http://sso.example/token", ClientID: "i", ClientSecret: "s"},
	} {
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "plain http") {
			t.Errorf("%s %s: got %v", cfg.Server, cfg.TokenURL, err)
		}
		cfg.AllowInsecureHTTP = true
		if _, err := New(cfg); err != nil {
			t.Errorf("%s with AllowInsecureHTTP: %v", cfg.Server, err)
		}
	}
	for _, s := range []string{"http://127.0.0.1:9", "http://localhost:8080/gw", "http://[::1]"} {
		if _, err := New(Config{Server: s, Token: "t"}); err != nil {
			t.Errorf("%s refused: %v", s, err)
		}
	}
}
