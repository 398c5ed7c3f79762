package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

func TestSignedURL(t *testing.T) {
	clk := newClock()
	f := newFixture(t, Options{Now: clk.Now, SignedURLLifetime: time.Minute})
	id := f.request()
	path := "/rtc-api/snapshots/signedUrl"
	internal := client.CreateSignedURLCommand{SnapshotID: id, CreateInternalSignedURL: client.BoolPtr(true)}
	wantFields(t, f.do("POST", path, f.agent, internal, "Referer", f.url), 400, map[string]string{"snapshotId": "not been acquired"})
	f.acquire(id)
	wantFields(t, f.do("POST", path, f.agent, internal), 400, map[string]string{"Referer": "required"})
	wantFields(t, f.do("POST", path, f.agent, client.CreateSignedURLCommand{}, "Referer", f.url), 400, map[string]string{"snapshotId": "required"})
	wantFields(t, f.do("POST", path, f.agent, client.CreateSignedURLCommand{SnapshotID: "nope"}, "Referer", f.url), 400, map[string]string{"snapshotId": "unknown"})

	r := f.do("POST", path, f.agent, internal, "Referer", f.url)
	var su client.SignedURL
	if r.status != 200 || json.Unmarshal(r.body, &su) != nil || su.ValidUntil == nil {
		t.Fatalf("signedUrl: %d %s", r.status, r.body)
	}
	u, err := url.Parse(su.URL)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(u.Path, "/")
	if !strings.HasPrefix(su.URL, f.url+"/rtc-api/snapshots/signed/"+id+"/") || len(parts) != 6 || u.Query().Get("signature") == "" {
		t.Fatalf("url %s", su.URL)
	}
	exp, _ := strconv.ParseInt(parts[5], 10, 64)
	if exp != su.ValidUntil.UnixMilli() || exp != clk.Now().Add(time.Minute).UnixMilli() {
		t.Errorf("expiration %d, validUntil %v", exp, su.ValidUntil)
	}
	get := func(raw string) resp {
		req, _ := http.NewRequest("GET", raw, nil) // no Authorization
		return f.send(req)
	}
	r = get(su.URL)
	if r.status != 200 || r.header.Get("Content-Type") != "image/jpeg" || !bytes.Equal(r.body, f.jpeg) {
		t.Fatalf("fetch: %d %s (%d bytes)", r.status, r.header.Get("Content-Type"), len(r.body))
	}
	// Tampered signature, tampered id, tampered expiration.
	q := u.Query()
	sig := q.Get("signature")
	q.Set("signature", strings.ToUpper(sig[:4])+sig[4:]+"x")
	wantFields(t, get(f.url+u.Path+"?"+q.Encode()), 400, map[string]string{"signature": "invalid"})
	wantFields(t, get(f.url+strings.Replace(u.Path, id, id[:len(id)-1]+"z", 1)+"?"+u.RawQuery), 400, map[string]string{"signature": "invalid"})
	wantFields(t, get(f.url+strings.Replace(u.Path, parts[5], strconv.FormatInt(exp+60000, 10), 1)+"?"+u.RawQuery), 400, map[string]string{"signature": "invalid"})
	wantFields(t, get(f.url+strings.Replace(u.Path, parts[5], "soon", 1)+"?"+u.RawQuery), 400, map[string]string{"expiration": "milliseconds"})
	wantFields(t, get(f.url+u.Path), 400, map[string]string{"signature": "required"})
	// External URL: different, also served here.
	r = f.do("POST", path, f.agent, client.CreateSignedURLCommand{SnapshotID: id}, "Referer", f.url)
	_ = json.Unmarshal(r.body, &su)
	if !strings.Contains(su.URL, "external=1") {
		t.Errorf("external url %s", su.URL)
	}
	if r := get(su.URL); r.status != 200 || !bytes.Equal(r.body, f.jpeg) {
		t.Errorf("external fetch: %d", r.status)
	}
	// Expired.
	clk.Add(time.Minute)
	wantFields(t, get(su.URL), 400, map[string]string{"expiration": "expired"})
	// Demo snapshots have generated pictures.
	var list []client.Snapshot
	_ = json.Unmarshal(f.do("GET", "/rtc-api/snapshots?interactionId="+f.in.ID, f.agent, nil).body, &list)
	r = get(f.url + f.s.SignedPath(list[0].ID, clk.Now().Add(time.Second)))
	if r.status != 200 || http.DetectContentType(r.body) != "image/jpeg" {
		t.Errorf("demo picture: %d", r.status)
	}
}

func TestUserEndpoints(t *testing.T) {
	clk := newClock()
	e := start(t, Options{Now: clk.Now, TokenLifetime: 24 * time.Hour})
	base := "/rtc-api/users/endpoints"
	id := e.register(e.agent)
	r := e.do("POST", base, e.agent, client.RegisterEndpointCommand{UserEndpointID: "my-laptop", KeepAliveSeconds: 30})
	if r.status != 200 || string(bytes.TrimSpace(r.body)) != `"my-laptop"` {
		t.Fatalf("register with id: %d %s", r.status, r.body)
	}
	wantFields(t, e.do("POST", base, e.sup, client.RegisterEndpointCommand{UserEndpointID: "my-laptop"}), 400, map[string]string{"userEndpointId": "another user"})
	wantFields(t, e.do("POST", base, e.agent, client.RegisterEndpointCommand{KeepAliveSeconds: -1}), 400, map[string]string{"keepAliveSeconds": "between"})
	ka := base + "/keepalive"
	wantFields(t, e.do("POST", ka, e.agent, `{}`), 400, map[string]string{"userEndpointId": "required", "userId": "required"})
	wantFields(t, e.do("POST", ka, e.agent, client.KeepAliveCommand{UserEndpointID: "nope", UserID: AgentUserID}), 400, map[string]string{"userEndpointId": "unknown"})
	wantFields(t, e.do("POST", ka, e.agent, client.KeepAliveCommand{UserEndpointID: id, UserID: "mallory"}), 400, map[string]string{"userId": "does not own"})
	// Keepalives hold "my-laptop" (30s) while time passes; id (60s) expires.
	for i := 0; i < 8; i++ {
		clk.Add(20 * time.Second)
		if r := e.do("POST", ka, e.agent, client.KeepAliveCommand{UserEndpointID: "my-laptop", UserID: AgentUserID}); r.status != 204 {
			t.Fatalf("keepalive: %d %s", r.status, r.body)
		}
	}
	wantFields(t, e.do("POST", ka, e.agent, client.KeepAliveCommand{UserEndpointID: id, UserID: AgentUserID}), 400, map[string]string{"userEndpointId": "unknown"})
	un := base + "/unregister"
	wantFields(t, e.do("POST", un, e.agent, `{}`), 400, map[string]string{"userEndpointId": "required"})
	wantFields(t, e.do("POST", un, e.sup, client.UnregisterCommand{UserEndpointID: "my-laptop"}), 400, map[string]string{"userEndpointId": "another user"})
	if r := e.do("POST", un, e.agent, client.UnregisterCommand{UserEndpointID: "my-laptop", Reason: "bye"}); r.status != 204 {
		t.Fatalf("unregister: %d %s", r.status, r.body)
	}
	wantFields(t, e.do("POST", un, e.agent, client.UnregisterCommand{UserEndpointID: "my-laptop"}), 400, map[string]string{"userEndpointId": "unknown"})
}

func TestInteractions(t *testing.T) {
	clk := newClock()
	e := start(t, Options{Now: clk.Now, Demo: true})
	now := clk.Now()
	q := func(start, end time.Time, extra string) string {
		return "/rtc-api/interactions?start=" + url.QueryEscape(start.Format(time.RFC3339)) + "&end=" + url.QueryEscape(end.Format(time.RFC3339)) + extra
	}
	var page client.InteractionPage
	r := e.do("GET", q(now.Add(-24*time.Hour), now.Add(time.Minute), ""), e.agent, nil)
	if r.status != 200 || json.Unmarshal(r.body, &page) != nil {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	if page.TotalElements != 5 || len(page.Content) != 5 || page.TotalPages != 1 || page.Size != 20 {
		t.Fatalf("page %+v", page)
	}
	// Paged, newest first, 2 per page.
	var seen []string
	for p := 0; p < 3; p++ {
		r = e.do("GET", q(now.Add(-24*time.Hour), now.Add(time.Minute), "&size=2&page="+strconv.Itoa(p)), e.agent, nil)
		page = client.InteractionPage{}
		_ = json.Unmarshal(r.body, &page)
		if page.TotalPages != 3 || page.Number != p {
			t.Fatalf("page %d: %+v", p, page)
		}
		for _, in := range page.Content {
			seen = append(seen, in.ID)
		}
	}
	all := e.s.Interactions()
	if len(seen) != 5 || seen[0] != all[0].ID || seen[4] != all[4].ID {
		t.Fatalf("pages %v", seen)
	}
	// Window narrows.
	_ = json.Unmarshal(e.do("GET", q(now.Add(-time.Hour), now, ""), e.agent, nil).body, &page)
	if page.TotalElements != 2 {
		t.Errorf("last hour: %d", page.TotalElements)
	}
	wantFields(t, e.do("GET", "/rtc-api/interactions", e.agent, nil), 400, map[string]string{"start": "required", "end": "required"})
	wantFields(t, e.do("GET", "/rtc-api/interactions?start=yesterday&end=2025-01-01T00:00:00Z", e.agent, nil), 400, map[string]string{"start": "ISO-8601"})
	wantFields(t, e.do("GET", q(now, now.Add(-time.Hour), ""), e.agent, nil), 400, map[string]string{"end": "before start"})
	wantFields(t, e.do("GET", q(now, now, "&page=-1&size=0"), e.agent, nil), 400, map[string]string{"page": "non-negative", "size": "positive"})
	// One by id.
	var in client.Interaction
	r = e.do("GET", "/rtc-api/interactions/"+all[0].ID, e.agent, nil)
	if r.status != 200 || json.Unmarshal(r.body, &in) != nil || in.ID != all[0].ID || in.OrganizationID != OrganizationID {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	wantFields(t, e.do("GET", "/rtc-api/interactions/nope", e.agent, nil), 400, map[string]string{"interactionId": "unknown"})
	wantFields(t, e.do("GET", "/rtc-api/nothing-here", e.agent, nil), 404, map[string]string{"error": "no such endpoint"})
}
