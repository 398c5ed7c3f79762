package sim

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

// vEndpoint is one endpoint of the validation tables: a valid call as a set
// of named parts (body fields, form fields, query parameters, headers) that
// send turns into a request.
type vEndpoint struct {
	name  string
	parts map[string]string
	// send issues the call with the given parts; a part that is absent from
	// the map is left out of the request.
	send func(parts map[string]string) resp
	// required lists the parts the API requires.
	required []string
}

// vSetup is the state the validation tables need: a pending and an
// acquired snapshot and an unanswered camera request.
type vSetup struct {
	*fixture
	pending, acquired, cameraReq string
	endpoints                    []vEndpoint
}

func newVSetup(t *testing.T) *vSetup {
	f := newFixture(t, Options{})
	v := &vSetup{fixture: f, pending: f.request(), acquired: f.request()}
	f.acquire(v.acquired)
	r := f.do("POST", "/rtc-api/snapshots/cameraRequest", f.agent, client.CameraRequestCommand{UserEndpointID: f.agentEP,
		TargetUserID: f.d.CustomerUserID, TargetUserEndpointID: f.d.CustomerUserEndpointID, CameraRequestType: client.CameraSwitch})
	if r.status != 200 || json.Unmarshal(r.body, &v.cameraReq) != nil {
		t.Fatalf("camera request: %d %s", r.status, r.body)
	}
	v.endpoints = v.table()
	return v
}

// jsonPost posts parts as a JSON object; "succeeded" and "keepAliveSeconds"
// are sent as a boolean and a number, "Referer" as a header.
func (v *vSetup) jsonPost(path string) func(map[string]string) resp {
	return func(parts map[string]string) resp {
		body := map[string]any{}
		var hdr []string
		for k, val := range parts {
			switch k {
			case "Referer":
				hdr = append(hdr, k, val)
			case "succeeded", "createInternalSignedUrl":
				body[k] = val == "true"
			case "keepAliveSeconds":
				var n int
				_ = json.Unmarshal([]byte(val), &n)
				body[k] = n
			default:
				body[k] = val
			}
		}
		return v.do("POST", path, v.agent, body, hdr...)
	}
}

// formPost posts parts as a multipart form; the "image" part carries the
// fixture's JPEG.
func (v *vSetup) formPost(path string) func(map[string]string) resp {
	return func(parts map[string]string) resp {
		fields := maps.Clone(parts)
		var img []byte
		if _, ok := fields["image"]; ok {
			img = v.jpeg
			delete(fields, "image")
		}
		return v.multipart(path, v.agent, fields, img)
	}
}

// get issues a GET of path with parts as the query.
func (v *vSetup) get(path string) func(map[string]string) resp {
	return func(parts map[string]string) resp {
		q := url.Values{}
		for k, val := range parts {
			q.Set(k, val)
		}
		return v.do("GET", path+"?"+q.Encode(), v.agent, nil)
	}
}

// table lists every endpoint of rtc-api-snapshots.txt and platform.md that
// takes input, with a valid call and its required parts.
func (v *vSetup) table() []vEndpoint {
	f := v.fixture
	now := time.Now().UTC()
	signed := v.s.SignedPath(v.acquired, now.Add(time.Hour))
	signedPath, signedQuery, _ := strings.Cut(signed, "?")
	sig, _ := url.ParseQuery(signedQuery)
	return []vEndpoint{
		{name: "upload", send: v.formPost("/rtc-api/snapshots/upload"),
			parts: map[string]string{"relatedSnapshotId": v.acquired, "applicationId": "app-1", "targetUserId": f.d.CustomerUserID,
				"targetUserEndpointId": f.d.CustomerUserEndpointID, "interactionId": f.in.ID, "userEndpointId": f.agentEP,
				"snapshotType": "car-damage", "snapshotSuffix": "jpeg", "snapshotMimeType": "image/jpeg", "image": ""},
			required: []string{"applicationId", "targetUserId", "targetUserEndpointId", "interactionId", "userEndpointId",
				"snapshotType", "snapshotSuffix", "snapshotMimeType", "image"}},
		{name: "signedUrl", send: v.jsonPost("/rtc-api/snapshots/signedUrl"),
			parts:    map[string]string{"snapshotId": v.acquired, "createInternalSignedUrl": "true", "Referer": f.url},
			required: []string{"snapshotId", "Referer"}},
		{name: "request", send: v.jsonPost("/rtc-api/snapshots/request"),
			parts: map[string]string{"applicationId": "app-1", "userEndpointId": f.agentEP, "targetUserId": f.d.CustomerUserID,
				"targetUserEndpointId": f.d.CustomerUserEndpointID, "sessionType": "CALL", "sessionId": "s-1",
				"interactionId": f.in.ID, "snapshotType": "meter"},
			required: []string{"applicationId", "userEndpointId", "targetUserId", "targetUserEndpointId"}},
		{name: "discard", send: v.jsonPost("/rtc-api/snapshots/discard"),
			parts:    map[string]string{"snapshotId": v.acquired, "userEndpointId": f.agentEP},
			required: []string{"snapshotId", "userEndpointId"}},
		{name: "cameraRequest", send: v.jsonPost("/rtc-api/snapshots/cameraRequest"),
			parts: map[string]string{"userEndpointId": f.agentEP, "targetUserId": f.d.CustomerUserID,
				"targetUserEndpointId": f.d.CustomerUserEndpointID, "sessionType": "CONFERENCE", "sessionId": "s-1",
				"cameraRequestType": "FLASH_OFF"},
			required: []string{"userEndpointId", "targetUserId", "targetUserEndpointId", "cameraRequestType"}},
		{name: "cameraRequestRespond", send: v.jsonPost("/rtc-api/snapshots/cameraRequestRespond"),
			parts: map[string]string{"snapshotCameraRequestId": v.cameraReq, "userEndpointId": f.d.CustomerUserEndpointID,
				"succeeded": "true", "additionalInformation": "ok"},
			required: []string{"snapshotCameraRequestId", "userEndpointId", "succeeded"}},
		{name: "approve", send: v.jsonPost("/rtc-api/snapshots/approve"),
			parts:    map[string]string{"snapshotId": v.acquired, "userEndpointId": f.agentEP, "snapshotType": "meter"},
			required: []string{"snapshotId", "userEndpointId"}},
		{name: "acquire", send: v.formPost("/rtc-api/snapshots/acquire"),
			parts: map[string]string{"snapshotId": v.pending, "userEndpointId": f.d.CustomerUserEndpointID,
				"snapshotType": "car-damage", "snapshotSuffix": "jpeg", "snapshotMimeType": "image/jpeg", "image": ""},
			required: []string{"snapshotId", "userEndpointId", "snapshotType", "snapshotSuffix", "snapshotMimeType", "image"}},
		{name: "list", send: v.get("/rtc-api/snapshots"),
			parts: map[string]string{"interactionId": f.in.ID}, required: []string{"interactionId"}},
		{name: "signed GET", send: v.get(signedPath),
			parts: map[string]string{"signature": sig.Get("signature")}, required: []string{"signature"}},
		{name: "register", send: v.jsonPost("/rtc-api/users/endpoints"),
			parts: map[string]string{"userEndpointId": "v-laptop", "keepAliveSeconds": "60"}, required: []string{"keepAliveSeconds"}},
		{name: "keepalive", send: v.jsonPost("/rtc-api/users/endpoints/keepalive"),
			parts:    map[string]string{"userEndpointId": f.agentEP, "userId": AgentUserID},
			required: []string{"userEndpointId", "userId"}},
		{name: "unregister", send: v.jsonPost("/rtc-api/users/endpoints/unregister"),
			parts:    map[string]string{"userEndpointId": f.agentEP, "reason": "done"},
			required: []string{"userEndpointId", "reason"}},
		{name: "interactions", send: v.get("/rtc-api/interactions"),
			parts:    map[string]string{"start": now.Add(-48 * time.Hour).Format(time.RFC3339), "end": now.Add(time.Hour).Format(time.RFC3339)},
			required: []string{"start", "end"}},
	}
}

// wantOnly checks a 400 whose field map holds exactly field, with a message
// containing msg.
func wantOnly(t *testing.T, name string, r resp, field, msg string) {
	t.Helper()
	if r.status != 400 {
		t.Errorf("%s: status %d, want 400 (body %s)", name, r.status, r.body)
		return
	}
	var got map[string]string
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Errorf("%s: body %s is not a field map", name, r.body)
		return
	}
	if len(got) != 1 || !strings.Contains(got[field], msg) {
		t.Errorf("%s: fields %v, want only %s: %q", name, got, field, msg)
	}
}

// TestEveryRequiredField removes each required part of every endpoint from
// an otherwise valid call, one at a time: the 400 names exactly that part.
// The valid calls themselves are not sent (they would change the state the
// other cases rely on); TestValidCallsOfTheTable sends them.
func TestEveryRequiredField(t *testing.T) {
	v := newVSetup(t)
	n := 0
	for _, ep := range v.endpoints {
		for _, field := range ep.required {
			if _, ok := ep.parts[field]; !ok {
				t.Fatalf("%s: the valid call lacks required %s", ep.name, field)
			}
			parts := maps.Clone(ep.parts)
			delete(parts, field)
			wantOnly(t, ep.name+" without "+field, ep.send(parts), field, "required")
			// A blank value counts as missing too (not for the image part,
			// whose presence is what counts, nor for typed JSON members).
			if field != "image" && field != "succeeded" && field != "keepAliveSeconds" {
				parts[field] = "  "
				wantOnly(t, ep.name+" with blank "+field, ep.send(parts), field, "required")
			}
			n++
		}
	}
	if n < 40 {
		t.Errorf("only %d required fields checked", n)
	}
	// Nothing above changed the state: the pending one is still pending,
	// the acquired one still UPLOADED, the camera request unanswered.
	if s, _ := v.s.Snapshot(v.pending); s.State != client.StateRequested {
		t.Errorf("pending snapshot is %s", s.State)
	}
	if s, _ := v.s.Snapshot(v.acquired); s.State != client.StateUploaded {
		t.Errorf("acquired snapshot is %s", s.State)
	}
}

// TestValidCallsOfTheTable sends each valid call of the table once, so the
// table cannot pass by being invalid in some other way.
func TestValidCallsOfTheTable(t *testing.T) {
	v := newVSetup(t)
	// Order matters: the reviews and the unregister come last; discard
	// gets a snapshot of its own, since approve takes the table's one.
	order := []string{"list", "interactions", "signed GET", "signedUrl", "register", "keepalive", "request", "cameraRequest",
		"cameraRequestRespond", "acquire", "upload", "approve", "discard", "unregister"}
	byName := map[string]vEndpoint{}
	for _, ep := range v.endpoints {
		byName[ep.name] = ep
	}
	if len(order) != len(byName) {
		t.Fatalf("the table has %d endpoints, the order %d", len(byName), len(order))
	}
	other := v.request()
	v.acquire(other)
	for _, name := range order {
		parts := byName[name].parts
		if name == "discard" {
			parts = maps.Clone(parts)
			parts["snapshotId"] = other
		}
		if r := byName[name].send(parts); r.status != 200 && r.status != 204 {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
}

// TestUnknownEnumValues: every enum member of the commands refuses a value
// the API does not list, naming the field.
func TestUnknownEnumValues(t *testing.T) {
	v := newVSetup(t)
	by := map[string]vEndpoint{}
	for _, ep := range v.endpoints {
		by[ep.name] = ep
	}
	for _, tc := range []struct{ endpoint, field, value string }{
		{"request", "sessionType", "VIDEO"},
		{"request", "sessionType", "call"},
		{"cameraRequest", "sessionType", "MEETING"},
		{"cameraRequest", "cameraRequestType", "ZOOM"},
		{"cameraRequest", "cameraRequestType", "flash_on"},
	} {
		ep := by[tc.endpoint]
		parts := maps.Clone(ep.parts)
		parts[tc.field] = tc.value
		wantOnly(t, tc.endpoint+" "+tc.field+"="+tc.value, ep.send(parts), tc.field, "unknown value")
	}
}

// TestUnknownIDs: every id an endpoint looks up gives a 400 naming the
// field when it does not exist.
func TestUnknownIDs(t *testing.T) {
	v := newVSetup(t)
	by := map[string]vEndpoint{}
	for _, ep := range v.endpoints {
		by[ep.name] = ep
	}
	for _, tc := range []struct{ endpoint, field, want string }{
		{"upload", "relatedSnapshotId", "unknown snapshot"},
		{"upload", "interactionId", "unknown interaction"},
		{"upload", "userEndpointId", "unknown user endpoint"},
		{"upload", "targetUserEndpointId", "unknown user endpoint"},
		{"signedUrl", "snapshotId", "unknown snapshot"},
		{"request", "userEndpointId", "unknown user endpoint"},
		{"request", "targetUserEndpointId", "unknown user endpoint"},
		{"request", "interactionId", "unknown interaction"},
		{"discard", "snapshotId", "unknown snapshot"},
		{"discard", "userEndpointId", "unknown user endpoint"},
		{"cameraRequest", "userEndpointId", "unknown user endpoint"},
		{"cameraRequest", "targetUserEndpointId", "unknown user endpoint"},
		{"cameraRequestRespond", "snapshotCameraRequestId", "unknown camera request"},
		{"cameraRequestRespond", "userEndpointId", "unknown user endpoint"},
		{"approve", "snapshotId", "unknown snapshot"},
		{"approve", "userEndpointId", "unknown user endpoint"},
		{"acquire", "snapshotId", "unknown snapshot"},
		{"acquire", "userEndpointId", "unknown user endpoint"},
		{"keepalive", "userEndpointId", "unknown user endpoint"},
		{"unregister", "userEndpointId", "unknown user endpoint"},
	} {
		ep := by[tc.endpoint]
		parts := maps.Clone(ep.parts)
		parts[tc.field] = "no-such-id"
		wantOnly(t, tc.endpoint+" unknown "+tc.field, ep.send(parts), tc.field, tc.want)
	}
	// Ids in the path.
	wantOnly(t, "get unknown", v.do("GET", "/rtc-api/snapshots/no-such-id", v.agent, nil), "snapshotId", "unknown snapshot")
	wantOnly(t, "interaction unknown", v.do("GET", "/rtc-api/interactions/no-such-id", v.agent, nil), "interactionId", "unknown interaction")
	r := v.send(mustRequest(t, v.url+v.s.SignedPath("no-such-id", time.Now().Add(time.Hour))))
	wantOnly(t, "signed GET unknown", r, "snapshotId", "unknown snapshot")
}

// mustRequest builds a GET without Authorization.
func mustRequest(t *testing.T, raw string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
