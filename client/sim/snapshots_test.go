package sim

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client"
)

// fixture is a demo server with an agent endpoint and one customer device.
type fixture struct {
	*env
	in      client.Interaction
	d       interactionData
	agentEP string
	jpeg    []byte
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	opts.Demo = true
	if opts.PictureWidth == 0 {
		opts.PictureWidth = 320 // fast under -race
	}
	e := start(t, opts)
	in := e.s.Interactions()[0]
	f := &fixture{env: e, in: in, d: demoData(t, in), agentEP: e.register(e.agent)}
	var err error
	if f.jpeg, err = PictureScaled(KindCar, 1, 320); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) requestCmd() client.SnapshotRequestCommand {
	return client.SnapshotRequestCommand{ApplicationID: "app-1", UserEndpointID: f.agentEP,
		TargetUserID: f.d.CustomerUserID, TargetUserEndpointID: f.d.CustomerUserEndpointID,
		SessionType: client.SessionCall, SessionID: f.d.SessionID, InteractionID: f.in.ID, SnapshotType: "car-damage"}
}

func (f *fixture) request() string {
	f.t.Helper()
	r := f.do("POST", "/rtc-api/snapshots/request", f.agent, f.requestCmd())
	if r.status != 200 {
		f.t.Fatalf("request: %d %s", r.status, r.body)
	}
	var res client.SnapshotRequestResult
	if err := json.Unmarshal(r.body, &res); err != nil || res.SnapshotID == "" {
		f.t.Fatalf("request body %s", r.body)
	}
	return res.SnapshotID
}

func (f *fixture) acquireFields(id string) map[string]string {
	return map[string]string{"snapshotId": id, "userEndpointId": f.d.CustomerUserEndpointID,
		"snapshotType": "car-damage", "snapshotSuffix": "jpeg", "snapshotMimeType": "image/jpeg"}
}

func (f *fixture) acquire(id string) {
	f.t.Helper()
	if r := f.multipart("/rtc-api/snapshots/acquire", f.agent, f.acquireFields(id), f.jpeg); r.status != 204 {
		f.t.Fatalf("acquire: %d %s", r.status, r.body)
	}
}

func TestRequestValidation(t *testing.T) {
	f := newFixture(t, Options{})
	r := f.do("POST", "/rtc-api/snapshots/request", f.agent, `{}`)
	wantFields(t, r, 400, map[string]string{"applicationId": "required", "userEndpointId": "required",
		"targetUserId": "required", "targetUserEndpointId": "required"})
	cmd := f.requestCmd()
	cmd.SessionType = "VIDEO"
	cmd.UserEndpointID = "nope"
	cmd.InteractionID = "nope"
	r = f.do("POST", "/rtc-api/snapshots/request", f.agent, cmd)
	wantFields(t, r, 400, map[string]string{"sessionType": "unknown value", "userEndpointId": "unknown user endpoint",
		"interactionId": "unknown interaction"})
	cmd = f.requestCmd()
	cmd.TargetUserEndpointID = "ghost"
	wantFields(t, f.do("POST", "/rtc-api/snapshots/request", f.agent, cmd), 400, map[string]string{"targetUserEndpointId": "unknown"})
	cmd = f.requestCmd()
	cmd.TargetUserID = "someone-else"
	wantFields(t, f.do("POST", "/rtc-api/snapshots/request", f.agent, cmd), 400, map[string]string{"targetUserId": "does not own"})
	cmd = f.requestCmd()
	cmd.SnapshotType = "meter\x1b[2J"
	wantFields(t, f.do("POST", "/rtc-api/snapshots/request", f.agent, cmd), 400, map[string]string{"snapshotType": "control"})
	wantFields(t, f.do("POST", "/rtc-api/snapshots/request", f.agent, `{"applicationId":`), 400, map[string]string{"error": "malformed JSON"})
	wantFields(t, f.do("POST", "/rtc-api/snapshots/request", f.agent, "", "Content-Type", "application/json"), 400, map[string]string{"error": "required"})
	// A JSON command must say it is JSON, as the vendor's server insists.
	wantFields(t, f.do("POST", "/rtc-api/snapshots/request", f.agent, nil), 400, map[string]string{"Content-Type": "application/json"})
	wantFields(t, f.do("POST", "/rtc-api/snapshots/request", f.agent, f.requestCmd(), "Content-Type", "text/plain"), 400, map[string]string{"Content-Type": "application/json"})
	wantFields(t, f.do("POST", "/rtc-api/users/endpoints", f.agent, `{"keepAliveSeconds":60}`, "Content-Type", "application/x-www-form-urlencoded"), 400, map[string]string{"Content-Type": "application/json"})
	big := `{"applicationId":"` + strings.Repeat("a", 2<<20) + `"}`
	wantFields(t, f.do("POST", "/rtc-api/snapshots/request", f.agent, big), 413, map[string]string{"error": "exceeds"})
}

// TestSnapshotLifecycle walks a snapshot from request to approval, and a
// second one to discarding, checking what the server refuses at each step.
func TestSnapshotLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.request()
	lcCheckPending(t, f, id)
	lcCheckAcquire(t, f, id)
	lcCheckApprove(t, f, id)
	id2 := lcCheckDiscard(t, f)
	lcCheckList(t, f, id, id2)
}

// lcCheckPending: a requested snapshot is pending, is not listed and cannot
// be fetched, approved or signed.
func lcCheckPending(t *testing.T, f *fixture, id string) {
	t.Helper()
	snap, ok := f.s.Snapshot(id)
	if !ok || snap.State != client.StateRequested || snap.RequesterUserID != AgentUserID {
		t.Fatalf("pending snapshot %+v", snap)
	}
	var list []client.Snapshot
	_ = json.Unmarshal(f.do("GET", "/rtc-api/snapshots?interactionId="+f.in.ID, f.agent, nil).body, &list)
	for _, s := range list {
		if s.ID == id {
			t.Fatal("pending snapshot listed")
		}
	}
	wantFields(t, f.do("GET", "/rtc-api/snapshots/"+id, f.agent, nil), 400, map[string]string{"snapshotId": "not been acquired"})
	wantFields(t, f.do("POST", "/rtc-api/snapshots/approve", f.agent, client.SnapshotApproveCommand{SnapshotID: id, UserEndpointID: f.agentEP}),
		400, map[string]string{"state": "not been acquired"})
}

// lcCheckAcquire: acquiring validates every field and the image, then
// stores the picture and makes the snapshot UPLOADED, once.
func lcCheckAcquire(t *testing.T, f *fixture, id string) {
	t.Helper()
	path := "/rtc-api/snapshots/acquire"
	wantFields(t, f.multipart(path, f.agent, map[string]string{}, nil), 400, map[string]string{"snapshotId": "required",
		"userEndpointId": "required", "snapshotType": "required", "snapshotSuffix": "required", "snapshotMimeType": "required", "image": "required"})
	wantFields(t, f.multipart(path, f.agent, f.acquireFields(id), []byte("hello, I am text")), 400, map[string]string{"image": "not an image"})
	var pngBuf bytes.Buffer
	pngImg := image.NewRGBA(image.Rect(0, 0, 4, 4))
	pngImg.Set(1, 1, color.White)
	_ = png.Encode(&pngBuf, pngImg)
	wantFields(t, f.multipart(path, f.agent, f.acquireFields(id), pngBuf.Bytes()), 400, map[string]string{"snapshotMimeType": "image/png", "snapshotSuffix": "image/png"})
	fl := f.acquireFields(id)
	fl["snapshotMimeType"] = "text/plain"
	wantFields(t, f.multipart(path, f.agent, fl, f.jpeg), 400, map[string]string{"snapshotMimeType": "not an image type"})
	fl = f.acquireFields(id)
	fl["userEndpointId"] = f.agentEP
	wantFields(t, f.multipart(path, f.agent, fl, f.jpeg), 400, map[string]string{"userEndpointId": "not requested from this endpoint"})
	fl = f.acquireFields("nope")
	wantFields(t, f.multipart(path, f.agent, fl, f.jpeg), 400, map[string]string{"snapshotId": "unknown snapshot"})
	r := f.do("POST", path, f.agent, `{"snapshotId":"x"}`)
	wantFields(t, r, 400, map[string]string{"error": "multipart"})
	fl = f.acquireFields(id)
	fl["snapshotMimeType"] = "image/jpg" // common alias is accepted
	fl["snapshotSuffix"] = "jpg"
	if r := f.multipart(path, f.agent, fl, f.jpeg); r.status != 204 {
		t.Fatalf("acquire: %d %s", r.status, r.body)
	}
	wantFields(t, f.multipart(path, f.agent, f.acquireFields(id), f.jpeg), 400, map[string]string{"state": "snapshot is UPLOADED"})

	snap, _ := f.s.Snapshot(id)
	if snap.State != client.StateUploaded || snap.MimeType != "image/jpeg" || snap.Suffix != "jpg" || snap.Timestamp == nil || snap.Version != 1 ||
		!strings.Contains(snap.Path, f.in.ID) {
		t.Fatalf("acquired snapshot %+v", snap)
	}
	if b, mt, ok := f.s.ImageBytes(id); !ok || mt != "image/jpeg" || !bytes.Equal(b, f.jpeg) {
		t.Fatal("stored image differs")
	}
	r = f.do("GET", "/rtc-api/snapshots/"+id, f.agent, nil)
	var got client.Snapshot
	if r.status != 200 || json.Unmarshal(r.body, &got) != nil || got.ID != id || got.State != client.StateUploaded {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
}

// lcCheckApprove: approving validates its fields, then makes the snapshot
// APPROVED with its type; approving or discarding it again is refused.
func lcCheckApprove(t *testing.T, f *fixture, id string) {
	t.Helper()
	approve := client.SnapshotApproveCommand{SnapshotID: id, UserEndpointID: f.agentEP, SnapshotType: "car-damage-front"}
	wantFields(t, f.do("POST", "/rtc-api/snapshots/approve", f.agent, client.SnapshotApproveCommand{}), 400,
		map[string]string{"snapshotId": "required", "userEndpointId": "required"})
	wantFields(t, f.do("POST", "/rtc-api/snapshots/approve", f.agent, client.SnapshotApproveCommand{SnapshotID: "nope", UserEndpointID: "nope"}), 400,
		map[string]string{"snapshotId": "unknown snapshot", "userEndpointId": "unknown user endpoint"})
	if r := f.do("POST", "/rtc-api/snapshots/approve", f.agent, approve); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	wantFields(t, f.do("POST", "/rtc-api/snapshots/approve", f.agent, approve), 400, map[string]string{"state": "snapshot is APPROVED"})
	discard := client.SnapshotDiscardCommand{SnapshotID: id, UserEndpointID: f.agentEP}
	wantFields(t, f.do("POST", "/rtc-api/snapshots/discard", f.agent, discard), 400, map[string]string{"state": "snapshot is APPROVED"})
	snap, _ := f.s.Snapshot(id)
	if snap.State != client.StateApproved || snap.Approved == nil || !*snap.Approved || snap.Type != "car-damage-front" || snap.Version != 2 {
		t.Fatalf("approved snapshot %+v", snap)
	}
}

// lcCheckDiscard: a second snapshot is discarded; approving or discarding
// it afterwards is refused. It returns that snapshot's id.
func lcCheckDiscard(t *testing.T, f *fixture) string {
	t.Helper()
	id2 := f.request()
	f.acquire(id2)
	wantFields(t, f.do("POST", "/rtc-api/snapshots/discard", f.agent, client.SnapshotDiscardCommand{}), 400,
		map[string]string{"snapshotId": "required", "userEndpointId": "required"})
	if r := f.do("POST", "/rtc-api/snapshots/discard", f.agent, client.SnapshotDiscardCommand{SnapshotID: id2, UserEndpointID: f.agentEP}); r.status != 204 {
		t.Fatalf("discard: %d %s", r.status, r.body)
	}
	wantFields(t, f.do("POST", "/rtc-api/snapshots/approve", f.agent, client.SnapshotApproveCommand{SnapshotID: id2, UserEndpointID: f.agentEP}),
		400, map[string]string{"state": "snapshot is DISCARDED"})
	wantFields(t, f.do("POST", "/rtc-api/snapshots/discard", f.agent, client.SnapshotDiscardCommand{SnapshotID: id2, UserEndpointID: f.agentEP}),
		400, map[string]string{"state": "snapshot is DISCARDED"})

	return id2
}

// lcCheckList: the listing shows both snapshots, oldest first, with their
// states; a listing needs an interaction, and an unknown one is empty.
func lcCheckList(t *testing.T, f *fixture, id, id2 string) {
	t.Helper()
	var list []client.Snapshot
	r := f.do("GET", "/rtc-api/snapshots?interactionId="+f.in.ID, f.agent, nil)
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	states := map[string]client.SnapshotState{}
	for i, s := range list {
		states[s.ID] = s.State
		if i > 0 && s.When().Before(list[i-1].When()) {
			t.Error("list not sorted")
		}
	}
	if states[id] != client.StateApproved || states[id2] != client.StateDiscarded {
		t.Errorf("list states %v", states)
	}
	wantFields(t, f.do("GET", "/rtc-api/snapshots", f.agent, nil), 400, map[string]string{"interactionId": "required"})
	// An unknown interaction has no snapshots, as on the vendor's server.
	if r := f.do("GET", "/rtc-api/snapshots?interactionId=nope", f.agent, nil); r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Errorf("list of an unknown interaction: %d %s, want 200 []", r.status, r.body)
	}
	wantFields(t, f.do("GET", "/rtc-api/snapshots/nope", f.agent, nil), 400, map[string]string{"snapshotId": "unknown snapshot"})
}

func TestUploadTooLarge(t *testing.T) {
	f := newFixture(t, Options{MaxUploadBytes: 64 << 10})
	id := f.request()
	big := append(append([]byte{}, f.jpeg...), make([]byte, 64<<10)...)
	wantFields(t, f.multipart("/rtc-api/snapshots/acquire", f.agent, f.acquireFields(id), big), 413, map[string]string{"image": "larger than"})
}

func TestUpload(t *testing.T) {
	f := newFixture(t, Options{})
	fields := func() map[string]string {
		return map[string]string{"applicationId": "app-1", "targetUserId": f.d.CustomerUserID,
			"targetUserEndpointId": f.d.CustomerUserEndpointID, "interactionId": f.in.ID, "userEndpointId": f.agentEP,
			"snapshotType": "car-damage", "snapshotSuffix": "jpeg", "snapshotMimeType": "image/jpeg"}
	}
	c := f.stream(f.agent, "", "")
	// The vendor answers an upload with an empty 204: the new id comes
	// with the SnapshotAcquiredEvent.
	r := f.multipart("/rtc-api/snapshots/upload", f.agent, fields(), f.jpeg)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	ev := c.waitEvent(t, client.EventSnapshotAcquired)
	res := client.SnapshotUploadResult{SnapshotID: ev.SnapshotID}
	if ev.SnapshotID == "" || ev.RelatedSnapshotID != "" {
		t.Errorf("first acquired event %+v", ev)
	}
	fl := fields()
	fl["relatedSnapshotId"] = res.SnapshotID
	r = f.multipart("/rtc-api/snapshots/upload", f.agent, fl, f.jpeg)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("related upload: %d %s", r.status, r.body)
	}
	ev = c.waitEvent(t, client.EventSnapshotAcquired)
	res2 := client.SnapshotUploadResult{SnapshotID: ev.SnapshotID}
	if snap, _ := f.s.Snapshot(res2.SnapshotID); snap.RelatedSnapshotID != res.SnapshotID || snap.State != client.StateUploaded {
		t.Errorf("related snapshot %+v", snap)
	}
	if ev.SnapshotID != res2.SnapshotID || ev.RelatedSnapshotID != res.SnapshotID || ev.InteractionID != f.in.ID || ev.SnapshotLocation == "" {
		t.Errorf("related acquired event %+v", ev)
	}
	// Validation.
	wantFields(t, f.multipart("/rtc-api/snapshots/upload", f.agent, map[string]string{}, f.jpeg), 400, map[string]string{
		"applicationId": "required", "targetUserId": "required", "targetUserEndpointId": "required", "interactionId": "required",
		"userEndpointId": "required", "snapshotType": "required", "snapshotSuffix": "required", "snapshotMimeType": "required"})
	fl = fields()
	fl["relatedSnapshotId"] = "nope"
	fl["interactionId"] = "nope"
	wantFields(t, f.multipart("/rtc-api/snapshots/upload", f.agent, fl, f.jpeg), 400, map[string]string{
		"relatedSnapshotId": "unknown snapshot", "interactionId": "unknown interaction"})
	wantFields(t, f.multipart("/rtc-api/snapshots/upload", f.agent, fields(), nil), 400, map[string]string{"image": "required"})
	wantFields(t, f.multipart("/rtc-api/snapshots/upload", f.agent, fields(), []byte("%PDF-1.4 not an image")), 400, map[string]string{"image": "not an image"})
}

func TestCameraRequests(t *testing.T) {
	f := newFixture(t, Options{})
	cmd := client.CameraRequestCommand{UserEndpointID: f.agentEP, TargetUserID: f.d.CustomerUserID,
		TargetUserEndpointID: f.d.CustomerUserEndpointID, SessionType: client.SessionCall, CameraRequestType: client.CameraFlashOn}
	c := f.stream(f.agent, "", "")
	r := f.do("POST", "/rtc-api/snapshots/cameraRequest", f.agent, cmd)
	var reqID string
	if r.status != 200 || json.Unmarshal(r.body, &reqID) != nil || reqID == "" {
		t.Fatalf("camera request: %d %s", r.status, r.body)
	}
	ev := c.waitEvent(t, client.EventSnapshotCameraRequested)
	if ev.SnapshotCameraRequestID != reqID || ev.CameraRequestType != client.CameraFlashOn || ev.TargetUserEndpointID != f.d.CustomerUserEndpointID ||
		ev.InteractionID != f.in.ID {
		t.Errorf("camera event %+v", ev)
	}
	wantFields(t, f.do("POST", "/rtc-api/snapshots/cameraRequest", f.agent, `{}`), 400, map[string]string{
		"userEndpointId": "required", "targetUserId": "required", "targetUserEndpointId": "required", "cameraRequestType": "required"})
	bad := cmd
	bad.CameraRequestType, bad.SessionType = "ZOOM", "NOPE"
	wantFields(t, f.do("POST", "/rtc-api/snapshots/cameraRequest", f.agent, bad), 400, map[string]string{
		"cameraRequestType": "unknown value", "sessionType": "unknown value"})

	respond := client.CameraRequestRespondCommand{SnapshotCameraRequestID: reqID, UserEndpointID: f.d.CustomerUserEndpointID,
		Succeeded: client.BoolPtr(false), AdditionalInformation: "device has no flash"}
	wantFields(t, f.do("POST", "/rtc-api/snapshots/cameraRequestRespond", f.agent, `{}`), 400, map[string]string{
		"snapshotCameraRequestId": "required", "userEndpointId": "required", "succeeded": "required"})
	wrong := respond
	wrong.UserEndpointID = f.agentEP
	wantFields(t, f.do("POST", "/rtc-api/snapshots/cameraRequestRespond", f.agent, wrong), 400, map[string]string{"userEndpointId": "not sent to this endpoint"})
	unknown := respond
	unknown.SnapshotCameraRequestID = "nope"
	wantFields(t, f.do("POST", "/rtc-api/snapshots/cameraRequestRespond", f.agent, unknown), 400, map[string]string{"snapshotCameraRequestId": "unknown"})
	if r := f.do("POST", "/rtc-api/snapshots/cameraRequestRespond", f.agent, respond); r.status != 204 {
		t.Fatalf("respond: %d %s", r.status, r.body)
	}
	wantFields(t, f.do("POST", "/rtc-api/snapshots/cameraRequestRespond", f.agent, respond), 400, map[string]string{"state": "already processed"})
	ev = c.waitEvent(t, client.EventSnapshotCameraRequestProcessed)
	if ev.SnapshotCameraRequestID != reqID || ev.Succeeded == nil || *ev.Succeeded || ev.AdditionalInformation != "device has no flash" {
		t.Errorf("processed event %+v", ev)
	}
}
