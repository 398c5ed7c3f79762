package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ctOAuthServer is a token endpoint plus a protected resource: tokens are
// "tok-N"; the resource accepts only the tokens in valid.
type ctOAuthServer struct {
	t         *testing.T
	issued    atomic.Int32
	expiresIn int
	mu        sync.Mutex
	valid     map[string]bool
	forms     []string
	authHdrs  []string
	uas       []string
	resource  atomic.Int32
}

func (s *ctOAuthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uas = append(s.uas, r.Header.Get("User-Agent"))
	if r.URL.Path == "/security/oauth/token" {
		if err := r.ParseForm(); err != nil {
			s.t.Error(err)
		}
		s.forms = append(s.forms, r.PostForm.Encode())
		if _, _, ok := r.BasicAuth(); ok {
			s.t.Error("client credentials sent as basic auth, want the form body")
		}
		if r.PostForm.Get("client_secret") != "client-secret-abc" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"Bad client credentials"}`)
			return
		}
		n := s.issued.Add(1)
		tok := fmt.Sprintf("tok-%d", n)
		s.valid[tok] = true
		ctWriteJSON(w, 200, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": s.expiresIn,
			"sub": "user-7", "organization": "org-1"})
		return
	}
	s.resource.Add(1)
	h := r.Header.Get("Authorization")
	s.authHdrs = append(s.authHdrs, h)
	if !s.valid[strings.TrimPrefix(h, "Bearer ")] {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_token"}`)
		return
	}
	if r.Method == http.MethodPost {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	ctWriteJSON(w, 200, Snapshot{ID: "s1"})
}

func (s *ctOAuthServer) revokeAll() {
	s.mu.Lock()
	s.valid = map[string]bool{}
	s.mu.Unlock()
}

func ctNewOAuth(t *testing.T, expiresIn int, mod ...func(*Config)) (*Client, *ctOAuthServer) {
	s := &ctOAuthServer{t: t, expiresIn: expiresIn, valid: map[string]bool{}}
	c, _ := ctNewClient(t, s, append([]func(*Config){ctWithOAuth}, mod...)...)
	return c, s
}

func TestOAuthTokenCachedAndShared(t *testing.T) {
	c, s := ctNewOAuth(t, 3600)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetSnapshot(ctx, "s1"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := s.issued.Load(); n != 1 {
		t.Errorf("%d tokens fetched for 20 calls, want 1", n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	form := s.forms[0]
	for _, want := range []string{"grant_type=client_credentials", "client_id=cid", "client_secret=client-secret-abc"} {
		if !strings.Contains(form, want) {
			t.Errorf("token form %q lacks %q", form, want)
		}
	}
	for _, ua := range s.uas {
		if ua != "snapdash/test" {
			t.Errorf("User-Agent %q", ua)
		}
	}
	if s.authHdrs[0] != "Bearer tok-1" {
		t.Errorf("Authorization %q", s.authHdrs[0])
	}
}

// TestOAuthRenewsEarly moves the token source's clock instead of waiting:
// an hour's token is kept until 40 s before it expires, then renewed.
func TestOAuthRenewsEarly(t *testing.T) {
	c, s := ctNewOAuth(t, 3600)
	var mu sync.Mutex
	now := time.Now()
	c.tokens.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	setNow := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	ctx := context.Background()
	if _, err := c.GetSnapshot(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	// The token expires an hour after it was fetched (by the wall clock,
	// which x/oauth2 reads); the first check allows a minute between the
	// fetch and this line.
	fetched := time.Now()
	setNow(fetched.Add(3600*time.Second - 40*time.Second - time.Minute))
	if _, err := c.GetSnapshot(ctx, "s1"); err != nil || s.issued.Load() != 1 {
		t.Fatalf("a minute before renewal is due: %v, %d tokens, want the first one kept", err, s.issued.Load())
	}
	setNow(fetched.Add(3600*time.Second - 39*time.Second))
	if _, err := c.GetSnapshot(ctx, "s1"); err != nil || s.issued.Load() != 2 {
		t.Fatalf("39 s before expiry: %v, %d tokens, want a renewal", err, s.issued.Load())
	}
	if got := renewTime(time.Unix(0, 0), time.Unix(3600, 0)); got != time.Unix(3560, 0) {
		t.Errorf("1 h token renewed at %v, want 40 s early", got)
	}
	if got := renewTime(time.Unix(0, 0), time.Unix(1, 0)); got != time.Unix(0, 750*int64(time.Millisecond)) {
		t.Errorf("1 s token renewed at %v, want after 0.75 s", got)
	}
}

// TestOAuth401RenewsOnce: a refused token is replaced and the call retried
// once, for GET and POST alike; a second 401 is returned.
func TestOAuth401RenewsOnce(t *testing.T) {
	c, s := ctNewOAuth(t, 3600)
	ctx := context.Background()
	if _, err := c.GetSnapshot(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	s.revokeAll()
	if _, err := c.GetSnapshot(ctx, "s1"); err != nil {
		t.Fatalf("GET after revocation: %v", err)
	}
	s.revokeAll()
	if err := c.Approve(ctx, SnapshotApproveCommand{SnapshotID: "s1", UserEndpointID: "e"}); err != nil {
		t.Fatalf("POST after revocation: %v", err)
	}
	if n := s.issued.Load(); n != 3 {
		t.Errorf("%d tokens, want 3", n)
	}

	// A server that refuses every token: one renewal, then the 401.
	c2, s2 := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/security/oauth/token" {
			ctWriteJSON(w, 200, map[string]any{"access_token": "never-good", "expires_in": 3600})
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}), ctWithOAuth)
	_ = s2
	_, err := c2.GetSnapshot(ctx, "s1")
	if !IsUnauthorized(err) || err.Error() != "get snapshot s1: 401 Unauthorized" {
		t.Errorf("err = %v", err)
	}
}

func TestStatic401NotRetried(t *testing.T) {
	var hits atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	_, err := c.GetSnapshot(context.Background(), "s1")
	if !IsUnauthorized(err) || hits.Load() != 1 {
		t.Errorf("err %v, %d requests", err, hits.Load())
	}
	if strings.Contains(err.Error(), ctStaticToken) {
		t.Error("token in error")
	}
	if err := c.renewToken(context.Background()); err == nil {
		t.Error("renewToken of a static token succeeded")
	}
}

func TestBadClientCredentials(t *testing.T) {
	c, _ := ctNewOAuth(t, 3600, func(cfg *Config) { cfg.ClientSecret = "wrong-secret-123" })
	_, err := c.GetSnapshot(context.Background(), "s1")
	if !IsUnauthorized(err) {
		t.Fatalf("err = %v, want a 401", err)
	}
	want := "get snapshot s1: token: 401 invalid_client; error_description: Bad client credentials"
	if err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Error("secret in error")
	}
}

func TestAuthTransportAndRenew(t *testing.T) {
	c, s := ctNewOAuth(t, 3600)
	hc := &http.Client{Transport: c.authTransport()}
	get := func() int {
		req, err := http.NewRequest(http.MethodGet, c.endpointURL("/rtc-api/events", nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get(); st != 200 {
		t.Fatalf("status %d", st)
	}
	s.revokeAll()
	if st := get(); st != 401 {
		t.Fatalf("status %d after revocation", st)
	}
	if st := get(); st != 200 || s.issued.Load() != 2 {
		t.Fatalf("status %d, %d tokens: the refused token was not dropped", st, s.issued.Load())
	}
	if err := c.renewToken(context.Background()); err != nil || s.issued.Load() != 3 {
		t.Fatalf("renewToken: %v, %d tokens", err, s.issued.Load())
	}
}

func TestIdentity(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		claims map[string]any
		want   Identity
	}{
		"sub": {map[string]any{"sub": "u1", "organization": "o1", "authorities": []string{"ROLE_AGENT"}},
			Identity{UserID: "u1", Organization: "o1", Roles: []string{"ROLE_AGENT"}}},
		"user_name": {map[string]any{"user_name": "u2", "roles": "ROLE_SUPERVISOR ROLE_AGENT"},
			Identity{UserID: "u2", Roles: []string{"ROLE_SUPERVISOR", "ROLE_AGENT"}}},
	} {
		c, err := New(Config{Server: "https://x", Token: ctJWT(t, tc.claims)})
		if err != nil {
			t.Fatal(err)
		}
		id, err := c.Identity(ctx)
		if err != nil || fmt.Sprint(id) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %+v, %v; want %+v", name, id, err, tc.want)
		}
	}
	id := Identity{Roles: []string{"ROLE_SUPERVISOR"}}
	if !id.HasRole("supervisor") || !id.HasRole("ROLE_SUPERVISOR") || id.HasRole("agent") {
		t.Error("HasRole")
	}
	// A token that is not a JWT is accepted; only the user id is unknown,
	// and the configured one names it.
	for _, bad := range []string{"opaque", "a.!!!.c", "a." + "bm90IGpzb24" + ".c"} {
		c, _ := New(Config{Server: "https://x", Token: bad, UserIDHint: "pass --user-id"})
		_, err := c.Identity(ctx)
		var unknown *UnknownUserError
		if !errors.As(err, &unknown) || strings.Contains(err.Error(), bad) || !strings.HasSuffix(err.Error(), "pass --user-id") {
			t.Errorf("%q: err %v", bad, err)
		}
		c, _ = New(Config{Server: "https://x", Token: bad, UserID: "me-1"})
		if id, err := c.Identity(ctx); err != nil || id.UserID != "me-1" {
			t.Errorf("%q with a user id: %+v, %v", bad, id, err)
		}
	}
	// OAuth with an opaque token: the token response's sub and organization.
	c, _ := ctNewOAuth(t, 3600)
	got, err := c.Identity(ctx)
	if err != nil || got.UserID != "user-7" || got.Organization != "org-1" {
		t.Errorf("opaque OAuth identity %+v, %v", got, err)
	}
}

func TestTokenErrorIsTyped(t *testing.T) {
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><head><title>502 Bad Gateway</title></head><body>"+strings.Repeat("x", 10000)+"</body></html>")
	}), ctWithOAuth)
	_, err := c.ListSnapshots(context.Background(), "i")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Op != "token" || ae.Status != 502 {
		t.Fatalf("err = %v", err)
	}
	if want := "list snapshots i: token: 502 Bad Gateway"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

// TestLogsHoldNoSecrets runs OAuth calls, a refused token, a signed fetch
// and a failing call with debug logging, and checks the log for secrets.
func TestLogsHoldNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&ctLockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, s := ctNewOAuth(t, 3600, func(cfg *Config) { cfg.Logger = logger })
	ctx := context.Background()
	c.GetSnapshot(ctx, "s1")
	s.revokeAll()
	c.GetSnapshot(ctx, "s1")
	c.FetchSigned(ctx, c.Server()+"/signed/s/1?signature=sig-secret-777")
	c.Approve(ctx, SnapshotApproveCommand{SnapshotID: "s1", UserEndpointID: "e"})
	mu.Lock()
	defer mu.Unlock()
	out := buf.String()
	if !strings.Contains(out, "op=\"get snapshot\"") {
		t.Fatalf("no request logged:\n%s", out)
	}
	for _, secret := range []string{"tok-1", "tok-2", "client-secret-abc", "sig-secret-777", "Bearer"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
}

type ctLockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *ctLockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
