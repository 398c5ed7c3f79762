package sim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

func tokenForm(e *env, form url.Values, basicID, basicSecret string) resp {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+"/security/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(basicID, basicSecret)
	}
	return e.send(req)
}

func jwtClaims(t *testing.T, tok string) claims {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not JWT-shaped", tok)
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if !strings.Contains(string(hdr), `"HS256"`) {
		t.Errorf("header %s", hdr)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c claims
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTokenEndpoint(t *testing.T) {
	clk := newClock()
	e := start(t, Options{Now: clk.Now, TokenLifetime: 10 * time.Minute})
	creds := e.s.Credentials()
	if len(creds) != 2 || creds[0].ClientID != "snapdash-agent" || creds[0].ClientSecret != "demo-agent-secret" ||
		creds[1].ClientID != "snapdash-supervisor" || creds[1].Role != RoleSupervisor {
		t.Fatalf("credentials %+v", creds)
	}
	// Form body.
	r := tokenForm(e, url.Values{"grant_type": {"client_credentials"}, "client_id": {"snapdash-agent"}, "client_secret": {"demo-agent-secret"}}, "", "")
	if r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	var tr client.TokenResponse
	if err := json.Unmarshal(r.body, &tr); err != nil {
		t.Fatal(err)
	}
	if tr.ExpiresIn != 600 || tr.Sub != AgentUserID || tr.Organization != OrganizationID || tr.JTI == "" || !strings.EqualFold(tr.TokenType, "bearer") {
		t.Errorf("token response %+v", tr)
	}
	c := jwtClaims(t, tr.AccessToken)
	if c.Sub != AgentUserID || c.Organization != OrganizationID || len(c.Authorities) != 1 || c.Authorities[0] != "ROLE_AGENT" ||
		c.Exp != clk.Now().Add(10*time.Minute).Unix() || c.JTI != tr.JTI {
		t.Errorf("claims %+v", c)
	}
	// HTTP Basic, supervisor, with the fault override of the lifetime.
	e.s.SetFaults(Faults{TokenLifetime: 30 * time.Second})
	r = tokenForm(e, url.Values{"grant_type": {"client_credentials"}}, "snapdash-supervisor", "demo-supervisor-secret")
	if r.status != 200 {
		t.Fatalf("basic token: %d %s", r.status, r.body)
	}
	_ = json.Unmarshal(r.body, &tr)
	if tr.ExpiresIn != 30 || jwtClaims(t, tr.AccessToken).Authorities[0] != "ROLE_SUPERVISOR" {
		t.Errorf("supervisor token %+v", tr)
	}
	e.s.SetFaults(Faults{})
	// Failures.
	r = tokenForm(e, url.Values{"grant_type": {"client_credentials"}, "client_id": {"snapdash-agent"}, "client_secret": {"nope"}}, "", "")
	wantFields(t, r, 401, map[string]string{"error": "invalid_client"})
	r = tokenForm(e, url.Values{"grant_type": {"password"}, "client_id": {"snapdash-agent"}, "client_secret": {"demo-agent-secret"}}, "", "")
	wantFields(t, r, 400, map[string]string{"error": "unsupported_grant_type"})
	r = tokenForm(e, url.Values{"client_id": {"snapdash-agent"}, "client_secret": {"demo-agent-secret"}}, "", "")
	wantFields(t, r, 400, map[string]string{"error": "invalid_request"})
}

func TestBearerAuth(t *testing.T) {
	clk := newClock()
	e := start(t, Options{Now: clk.Now, Demo: true, TokenLifetime: time.Minute})
	path := "/rtc-api/interactions/" + e.s.Interactions()[0].ID
	if r := e.do("GET", path, e.agent, nil); r.status != 200 {
		t.Fatalf("good token: %d %s", r.status, r.body)
	}
	check := func(name, token, authz string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.url+path, nil)
		if authz != "" {
			req.Header.Set("Authorization", authz)
		} else if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		r := e.send(req)
		if r.status != 401 || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: %d %v", name, r.status, r.header)
		}
		if r.fields(t)["error"] != "invalid_token" {
			t.Errorf("%s: body %s", name, r.body)
		}
	}
	check("missing", "", "")
	check("basic", "", "Basic Zm9vOmJhcg==")
	check("garbage", "not-a-token", "")
	parts := strings.Split(e.agent, ".")
	check("tampered", parts[0]+"."+parts[1]+"."+strings.Repeat("A", len(parts[2])), "")
	other, _ := New(Options{Seed: 99, Now: clk.Now})
	check("foreign key", other.IssueToken(RoleAgent, 0), "")
	_ = other.Close()
	check("issued expired", e.s.IssueToken(RoleAgent, -time.Second), "")
	clk.Add(61 * time.Second)
	check("expired", e.agent, "")
}

func TestRoles(t *testing.T) {
	e := start(t, Options{Demo: true})
	in := e.s.Interactions()[0]
	d := demoData(t, in)
	supEP := e.register(e.sup) // supervisors may register endpoints to listen
	agentEP := e.register(e.agent)
	posts := map[string]any{
		"/rtc-api/snapshots/request": client.SnapshotRequestCommand{ApplicationID: "a", UserEndpointID: supEP,
			TargetUserID: d.CustomerUserID, TargetUserEndpointID: d.CustomerUserEndpointID, InteractionID: in.ID},
		"/rtc-api/snapshots/approve":              client.SnapshotApproveCommand{SnapshotID: "x", UserEndpointID: supEP},
		"/rtc-api/snapshots/discard":              client.SnapshotDiscardCommand{SnapshotID: "x", UserEndpointID: supEP},
		"/rtc-api/snapshots/cameraRequest":        client.CameraRequestCommand{},
		"/rtc-api/snapshots/cameraRequestRespond": client.CameraRequestRespondCommand{},
	}
	for path, body := range posts {
		r := e.do("POST", path, e.sup, body)
		wantFields(t, r, 403, map[string]string{"error": "supervisor"})
	}
	for _, path := range []string{"/rtc-api/snapshots/upload", "/rtc-api/snapshots/acquire"} {
		r := e.multipart(path, e.sup, map[string]string{}, nil)
		wantFields(t, r, 403, map[string]string{"error": "supervisor"})
	}
	// Reads are fine for a supervisor.
	for _, path := range []string{"/rtc-api/snapshots?interactionId=" + in.ID, "/rtc-api/interactions/" + in.ID,
		"/rtc-api/interactions?start=2000-01-01T00:00:00Z&end=2100-01-01T00:00:00Z"} {
		if r := e.do("GET", path, e.sup, nil); r.status != 200 {
			t.Errorf("supervisor GET %s: %d %s", path, r.status, r.body)
		}
	}
	var snaps []client.Snapshot
	_ = json.Unmarshal(e.do("GET", "/rtc-api/snapshots?interactionId="+in.ID, e.sup, nil).body, &snaps)
	r := e.do("POST", "/rtc-api/snapshots/signedUrl", e.sup, client.CreateSignedURLCommand{SnapshotID: snaps[0].ID}, "Referer", e.url)
	if r.status != 200 {
		t.Errorf("supervisor signedUrl: %d %s", r.status, r.body)
	}
	// The supervisor sees the agent's actions on the stream.
	c := e.stream(e.sup, "?userEndpointId="+supEP, "")
	r = e.do("POST", "/rtc-api/snapshots/request", e.agent, client.SnapshotRequestCommand{ApplicationID: "a",
		UserEndpointID: agentEP, TargetUserID: d.CustomerUserID, TargetUserEndpointID: d.CustomerUserEndpointID, InteractionID: in.ID})
	if r.status != 200 {
		t.Fatalf("agent request: %d %s", r.status, r.body)
	}
	if ev := c.waitEvent(t, client.EventSnapshotRequested); ev.UserID != AgentUserID || ev.InteractionID != in.ID {
		t.Errorf("event %+v", ev)
	}
}

// TestOpaqueTokens: with OpaqueTokens the token endpoint and IssueToken
// hand out bearer tokens that are not JWTs; the token response's sub is
// then the only place that names the user. They authenticate like the
// JWTs do, expire, and a token the server never issued is refused.
func TestOpaqueTokens(t *testing.T) {
	clk := newClock()
	e := start(t, Options{Now: clk.Now, Demo: true, TokenLifetime: time.Minute, OpaqueTokens: true})
	r := tokenForm(e, url.Values{"grant_type": {"client_credentials"}, "client_id": {"snapdash-supervisor"}, "client_secret": {"demo-supervisor-secret"}}, "", "")
	var tr client.TokenResponse
	if r.status != 200 || json.Unmarshal(r.body, &tr) != nil || strings.Count(tr.AccessToken, ".") == 2 || tr.AccessToken == "" ||
		tr.Sub != SupervisorUserID || tr.Organization != OrganizationID {
		t.Fatalf("token response: %d %s", r.status, r.body)
	}
	path := "/rtc-api/interactions/" + e.s.Interactions()[0].ID
	if r := e.do("GET", path, tr.AccessToken, nil); r.status != 200 {
		t.Fatalf("opaque token: %d %s", r.status, r.body)
	}
	agent := e.s.IssueToken(RoleAgent, 0)
	if strings.Contains(agent, ".") {
		t.Fatalf("IssueToken gave %q, want an opaque token", agent)
	}
	if r := e.do("POST", "/rtc-api/users/endpoints", agent, client.RegisterEndpointCommand{KeepAliveSeconds: 60}); r.status != 200 {
		t.Fatalf("agent action with an opaque token: %d %s", r.status, r.body)
	}
	// The supervisor's opaque token keeps its role.
	if r := e.do("POST", "/rtc-api/snapshots/discard", tr.AccessToken, client.SnapshotDiscardCommand{SnapshotID: "x", UserEndpointID: "y"}); r.status != 403 {
		t.Errorf("supervisor discard: %d %s", r.status, r.body)
	}
	if r := e.do("GET", path, "opaque-0000", nil); r.status != 401 {
		t.Errorf("unknown opaque token: %d %s", r.status, r.body)
	}
	clk.Add(61 * time.Second)
	if r := e.do("GET", path, agent, nil); r.status != 401 {
		t.Errorf("expired opaque token: %d %s", r.status, r.body)
	}
}
