package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// seen is one request the recording proxy passed to the simulator.
type seen struct {
	method, path, userAgent string
	auth                    bool
	// endpoint is the userEndpointId of a JSON command body.
	endpoint string
}

// recorder sits in front of the simulator's handler and records requests.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	reqs []seen
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := seen{method: r.Method, path: r.URL.Path, userAgent: r.Header.Get("User-Agent"), auth: r.Header.Get("Authorization") != ""}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(b))
		var cmd struct {
			UserEndpointID string `json:"userEndpointId"`
		}
		_ = json.Unmarshal(b, &cmd)
		s.endpoint = cmd.UserEndpointID
	}
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, s)
	rc.mu.Unlock()
	rc.next.ServeHTTP(w, r)
}

// take returns the requests recorded since the last call.
func (rc *recorder) take() []seen {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.reqs
	rc.reqs = nil
	return out
}

// recordedSim is a demo simulator behind a recording proxy on loopback.
func recordedSim(t *testing.T) (*sim.Server, *recorder, string) {
	t.Helper()
	srv := startSim(t, false)
	rc := &recorder{next: srv.Handler()}
	ts := httptest.NewServer(rc)
	t.Cleanup(ts.Close)
	return srv, rc, ts.URL
}

// TestUserAgentFromVersion: every request of the built binary, the token
// request and the signed picture GET included, carries
// snapdash/<main.version>; the signed GET carries no Authorization.
func TestUserAgentFromVersion(t *testing.T) {
	t.Parallel()
	srv, rc, url := recordedSim(t)
	c := newCLI(t, map[string]string{"SNAPDASH_SERVER": url, "SNAPDASH_CLIENT_ID": "snapdash-agent", "SNAPDASH_CLIENT_SECRET": "demo-agent-secret"})
	s := snapshotIn(t, srv, client.StateUploaded)
	c.ok("get", s.ID)
	c.ok("fetch", s.ID, "-o", filepath.Join(t.TempDir(), "p.jpg"))
	var token, signed bool
	for _, r := range rc.take() {
		if r.userAgent != "snapdash/"+testVersion {
			t.Errorf("%s %s: User-Agent %q", r.method, r.path, r.userAgent)
		}
		switch {
		case r.path == "/security/oauth/token":
			token = true
		case strings.HasPrefix(r.path, "/rtc-api/snapshots/signed/"):
			signed = true
			if r.auth {
				t.Errorf("the signed GET carried an Authorization header")
			}
		}
	}
	if !token || !signed {
		t.Errorf("token request seen %t, signed GET seen %t", token, signed)
	}
}

// TestUserEndpointLifecycle: without --user-endpoint-id an action registers
// an endpoint, uses it and unregisters it at exit; with one (flag or
// environment) it uses that id and neither registers, keeps alive nor
// unregisters anything, so the endpoint's owner keeps it.
func TestUserEndpointLifecycle(t *testing.T) {
	t.Parallel()
	srv, rc, url := recordedSim(t)
	env := map[string]string{"SNAPDASH_SERVER": url, "SNAPDASH_TOKEN": srv.IssueToken(sim.RoleAgent, time.Hour)}
	c := newCLI(t, env)
	a := snapshotIn(t, srv, client.StateUploaded)
	b := snapshotIn(t, srv, client.StateUploaded, a.ID)

	c.ok("approve", a.ID)
	var order []string
	var approveEP, unregEP string
	for _, r := range rc.take() {
		switch r.path {
		case "/rtc-api/users/endpoints":
			order = append(order, "register")
		case "/rtc-api/snapshots/approve":
			order = append(order, "approve")
			approveEP = r.endpoint
		case "/rtc-api/users/endpoints/unregister":
			order = append(order, "unregister")
			unregEP = r.endpoint
		}
	}
	if strings.Join(order, ",") != "register,approve,unregister" || approveEP == "" || approveEP != unregEP {
		t.Errorf("own endpoint: calls %v, approved from %q, unregistered %q", order, approveEP, unregEP)
	}

	// An endpoint someone else keeps alive.
	api, err := client.New(client.Config{Server: srv.URL(), Token: env["SNAPDASH_TOKEN"]})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ep, err := api.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	for i, run := range []func() result{
		func() result { return c.ok("approve", b.ID, "--user-endpoint-id", ep) },
		func() result {
			withEnv := newCLI(t, map[string]string{"SNAPDASH_SERVER": url, "SNAPDASH_TOKEN": env["SNAPDASH_TOKEN"], "SNAPDASH_USER_ENDPOINT_ID": ep})
			return withEnv.run("discard", b.ID) // refused (approved), but sent from ep
		},
	} {
		run()
		var sent bool
		for _, r := range rc.take() {
			if strings.HasPrefix(r.path, "/rtc-api/users/endpoints") {
				t.Errorf("case %d: reused endpoint, yet %s %s", i, r.method, r.path)
			}
			if r.path == "/rtc-api/snapshots/approve" || r.path == "/rtc-api/snapshots/discard" {
				sent = true
				if r.endpoint != ep {
					t.Errorf("case %d: %s from %q, want %q", i, r.path, r.endpoint, ep)
				}
			}
		}
		if !sent {
			t.Errorf("case %d: no action reached the server", i)
		}
	}
	if err := api.KeepAlive(ctx, client.KeepAliveCommand{UserEndpointID: ep, UserID: sim.AgentUserID}); err != nil {
		t.Errorf("the reused endpoint is gone: %v", err)
	}
}

// TestTokenFlagBeatsEnvClientCredentials: precedence holds across the two
// kinds of credentials (this used to fail with "not both").
func TestTokenFlagBeatsEnvClientCredentials(t *testing.T) {
	t.Parallel()
	srv, rc, url := recordedSim(t)
	c := newCLI(t, map[string]string{"SNAPDASH_SERVER": url,
		"SNAPDASH_CLIENT_ID": "snapdash-agent", "SNAPDASH_CLIENT_SECRET": "demo-agent-secret"})
	c.ok("interactions", "--token", srv.IssueToken(sim.RoleSupervisor, time.Hour))
	for _, r := range rc.take() {
		if r.path == "/security/oauth/token" {
			t.Error("the client credentials were used although --token was given")
		}
	}
}

// noisePNG writes a PNG of random pixels (incompressible) of about
// 4*side*side bytes.
func noisePNG(t *testing.T, side int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.Uint32())
	}
	img.Set(0, 0, color.NRGBA{A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "noise.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMaxImageMB: the picture cap (default 32 MiB) is configurable and
// applies to downloads and uploads.
func TestMaxImageMB(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	d := device(t, srv, true)
	big := noisePNG(t, 700) // about 1.9 MiB
	upload := []string{"upload", big, "--interaction", d.InteractionID, "--target-user", d.UserID,
		"--target-endpoint", d.UserEndpointID, "--type", "other"}
	r := c.run(append(upload, "--max-image-mb", "1")...)
	if r.code != 1 || !strings.Contains(r.stderr, "larger than 1048576 bytes") {
		t.Errorf("upload over the cap: %s", r)
	}
	id := strings.TrimSpace(c.ok(upload...).stdout)
	out := filepath.Join(t.TempDir(), "big.png")
	r = c.run("fetch", id, "-o", out, "--max-image-mb", "1")
	if r.code != 1 || !strings.Contains(r.stderr, "over the 1048576-byte limit") || len(lines(r.stderr)) != 1 {
		t.Errorf("fetch over the cap: %s", r)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused download left a file")
	}
	c2 := newCLI(t, map[string]string{"SNAPDASH_SERVER": srv.URL(), "SNAPDASH_TOKEN": agentEnv(srv)["SNAPDASH_TOKEN"], "SNAPDASH_MAX_IMAGE_MB": "2"})
	c2.ok("fetch", id, "-o", out)
	if r := c2.run("fetch", id, "-o", out, "--max-image-mb", "0"); r.code != exitUsage || !strings.Contains(r.stderr, "--max-image-mb") || !strings.Contains(r.stderr, "1 to 1024") {
		t.Errorf("--max-image-mb 0: %s", r)
	}
}

// TestJSONOutputEscapesTerminalControls: a bidirectional override in a
// server string reaches --json output as a \u escape, never raw.
func TestJSONOutputEscapesTerminalControls(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	d := device(t, srv, true)
	pic := writeJPEG(t)
	id := strings.TrimSpace(c.ok("upload", pic, "--interaction", d.InteractionID, "--target-user", d.UserID,
		"--target-endpoint", d.UserEndpointID, "--type", "meter\u202etxt.exe").stdout)
	for _, args := range [][]string{{"get", id, "--json"}, {"list", "--interaction", d.InteractionID, "--json"}, {"get", id}} {
		r := c.ok(args...)
		if strings.ContainsRune(r.stdout, '\u202e') {
			t.Errorf("%v: a raw bidi override reached stdout", args)
		}
	}
	var got client.Snapshot
	if err := json.Unmarshal([]byte(c.ok("get", id, "--json").stdout), &got); err != nil || got.Type != "meter\u202etxt.exe" {
		t.Errorf("the escaped JSON does not decode to the server's value: %q, %v", got.Type, err)
	}
}

// TestTokenURLAndApplicationID: --token-url sends the client credentials
// to that URL instead of <server>/security/oauth/token, and
// --application-id is what a request carries (instead of the interaction's
// data).
func TestTokenURLAndApplicationID(t *testing.T) {
	t.Parallel()
	srv, rc, url := recordedSim(t)
	c := newCLI(t, map[string]string{"SNAPDASH_SERVER": srv.URL(), "SNAPDASH_CLIENT_ID": "snapdash-agent",
		"SNAPDASH_CLIENT_SECRET": "demo-agent-secret"})
	d := device(t, srv, true)
	id := strings.TrimSpace(c.ok("request", "--interaction", d.InteractionID, "--target-user", d.UserID,
		"--target-endpoint", d.UserEndpointID, "--token-url", url+"/security/oauth/token", "--application-id", "app-from-flag").stdout)
	got := rc.take()
	if len(got) != 1 || got[0].path != "/security/oauth/token" || got[0].method != http.MethodPost {
		t.Errorf("requests at the token URL: %+v", got)
	}
	if s, ok := srv.Snapshot(id); !ok || s.ApplicationID != "app-from-flag" {
		t.Errorf("requested snapshot %+v", s)
	}
	r := c.run("interactions", "--token-url", "http://127.0.0.1:1/oauth/token")
	if r.code != 1 || !strings.Contains(r.stderr, "token") || !strings.Contains(r.stderr, "127.0.0.1:1") {
		t.Errorf("unreachable token URL: %s", r)
	}
}
