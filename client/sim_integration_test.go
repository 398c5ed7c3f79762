package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// itCountingTransport counts the token requests that go through it.
type itCountingTransport struct{ tokens atomic.Int32 }

func (t *itCountingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/security/oauth/token") {
		t.tokens.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// itEnv is a simulator on real loopback and clients logged in through OAuth2.
type itEnv struct {
	srv   *sim.Server
	agent *client.Client
	rt    *itCountingTransport
}

func itStart(t *testing.T, opts sim.Options) *itEnv {
	t.Helper()
	srv, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	e := &itEnv{srv: srv, rt: &itCountingTransport{}}
	e.agent = e.login(t, "snapdash-agent", "demo-agent-secret")
	return e
}

func (e *itEnv) login(t *testing.T, id, secret string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Server: e.srv.URL(), ClientID: id, ClientSecret: secret,
		UserAgent: "snapdash/it", Timeout: 10 * time.Second, HTTPClient: &http.Client{Transport: e.rt},
		Retry: client.RetryPolicy{BaseDelay: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// itData is the demo interactions' data object.
type itData struct {
	CustomerName           string `json:"customerName"`
	CustomerUserID         string `json:"customerUserId"`
	CustomerUserEndpointID string `json:"customerUserEndpointId"`
	SessionType            string `json:"sessionType"`
	SessionID              string `json:"sessionId"`
	ApplicationID          string `json:"applicationId"`
}

func itInteraction(t *testing.T, c *client.Client) (client.Interaction, itData) {
	t.Helper()
	list, err := c.ListInteractions(context.Background(), time.Now().Add(-48*time.Hour), time.Now().Add(time.Minute))
	if err != nil || len(list) == 0 {
		t.Fatalf("interactions: %d, %v", len(list), err)
	}
	var d itData
	if err := json.Unmarshal(list[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	return list[0], d
}

func itPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	img.Set(3, 3, color.NRGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSimEverySnapshotEndpoint walks the whole agent flow against the
// simulator: identity, endpoint, interactions, request, acquire, list, get,
// signed URL, download, approve, discard, camera request and answer, upload,
// and the 400 field maps of actions the state does not allow.
func TestSimEverySnapshotEndpoint(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 1})
	c, ctx := e.agent, context.Background()

	id, err := c.Identity(ctx)
	if err != nil || id.UserID != sim.AgentUserID || id.Organization != sim.OrganizationID || !id.HasRole("agent") {
		t.Fatalf("identity %+v, %v", id, err)
	}
	ep, err := c.OpenEndpoint(ctx, "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close(ctx)

	in, d := itInteraction(t, c)
	got, err := c.GetInteraction(ctx, in.ID)
	if err != nil || got.ID != in.ID {
		t.Fatalf("GetInteraction: %+v, %v", got, err)
	}

	f := &itFlow{t: t, e: e, c: c, ctx: ctx, ep: ep.ID(), in: in, d: d, pic: itPNG(t)}
	f.requestAndAcquire()
	f.signedURLsAndDownload()
	f.approve()
	f.uploadAndDiscard()
	f.cameraRequest()
}

// itFlow is the agent flow of TestSimEverySnapshotEndpoint: each step
// checks one part of it, on the snapshot the first one requests.
type itFlow struct {
	t      *testing.T
	e      *itEnv
	c      *client.Client
	ctx    context.Context
	ep     string // the agent's user endpoint
	in     client.Interaction
	d      itData
	pic    []byte // the picture the device sends
	snapID string // the snapshot requested by requestAndAcquire
}

// requestAndAcquire: request -> acquire (the device's side) -> list -> get.
func (f *itFlow) requestAndAcquire() {
	t, c, ctx, d := f.t, f.c, f.ctx, f.d
	t.Helper()
	req, err := c.Request(ctx, client.SnapshotRequestCommand{ApplicationID: d.ApplicationID, UserEndpointID: f.ep,
		TargetUserID: d.CustomerUserID, TargetUserEndpointID: d.CustomerUserEndpointID,
		SessionType: client.SessionType(d.SessionType), SessionID: d.SessionID, InteractionID: f.in.ID, SnapshotType: "meter"})
	if err != nil || req.SnapshotID == "" {
		t.Fatalf("request: %+v, %v", req, err)
	}
	f.snapID = req.SnapshotID
	if _, err := c.GetSnapshot(ctx, f.snapID); err == nil {
		t.Error("a pending snapshot was served")
	}
	if err := c.Acquire(ctx, client.AcquireCommand{SnapshotID: f.snapID, UserEndpointID: d.CustomerUserEndpointID,
		SnapshotType: "meter"}, bytes.NewReader(f.pic)); err != nil {
		t.Fatalf("acquire: %v", err)
	}
	list, err := c.ListSnapshots(ctx, f.in.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range list {
		found = found || s.ID == f.snapID
	}
	snap, err := c.GetSnapshot(ctx, f.snapID)
	if !found || err != nil || snap.State != client.StateUploaded || snap.MimeType != "image/png" || snap.Suffix != "png" {
		t.Fatalf("after acquire: listed %v, %+v, %v", found, snap, err)
	}
}

// signedURLsAndDownload: the download and an external signed URL give the
// picture back; a tampered signature is refused without being echoed.
func (f *itFlow) signedURLsAndDownload() {
	t, c, ctx := f.t, f.c, f.ctx
	t.Helper()
	img, err := c.Download(ctx, f.snapID)
	if err != nil || img.MimeType != "image/png" || !bytes.Equal(img.Bytes, f.pic) {
		t.Fatalf("download: %s %d bytes, %v", img.MimeType, len(img.Bytes), err)
	}
	ext, err := c.SignedURL(ctx, f.snapID, false)
	if err != nil || ext.ValidUntil == nil || !ext.ValidUntil.After(time.Now()) {
		t.Fatalf("external signed URL %+v, %v", ext, err)
	}
	if img, err := c.FetchSigned(ctx, ext.URL); err != nil || !bytes.Equal(img.Bytes, f.pic) {
		t.Fatalf("fetch external: %v", err)
	}
	tampered := strings.Replace(ext.URL, "signature=", "signature=x", 1)
	if _, err := c.FetchSigned(ctx, tampered); err == nil || strings.Contains(err.Error(), "signature=") {
		t.Errorf("tampered signature: %v", err)
	}
}

// approve: approve, then the state forbids approving or discarding again.
func (f *itFlow) approve() {
	t, c, ctx := f.t, f.c, f.ctx
	t.Helper()
	if err := c.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: f.snapID, UserEndpointID: f.ep}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if s, _ := f.e.srv.Snapshot(f.snapID); s.State != client.StateApproved {
		t.Errorf("state %s after approve", s.State)
	}
	err := c.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: f.snapID, UserEndpointID: f.ep})
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Fields["state"] != "snapshot is APPROVED" ||
		err.Error() != "approve "+f.snapID+": 400 state: snapshot is APPROVED" {
		t.Errorf("approve twice: %v", err)
	}
	err = c.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: f.snapID, UserEndpointID: f.ep})
	if !errors.As(err, &ae) || ae.Fields["state"] != "snapshot is APPROVED" {
		t.Errorf("discard after approve: %v", err)
	}
}

// uploadAndDiscard: upload (related to the approved one), discard it,
// approving it is refused. The simulator answers 204 as the vendor does:
// UploadFound finds the new snapshot in the listing.
func (f *itFlow) uploadAndDiscard() {
	t, c, ctx, d := f.t, f.c, f.ctx, f.d
	t.Helper()
	upSnap, found, err := c.UploadFound(ctx, client.UploadCommand{RelatedSnapshotID: f.snapID, ApplicationID: d.ApplicationID,
		TargetUserID: d.CustomerUserID, TargetUserEndpointID: d.CustomerUserEndpointID, InteractionID: f.in.ID,
		UserEndpointID: f.ep, SnapshotType: "meter"}, bytes.NewReader(f.pic))
	if err != nil || !found || upSnap.ID == "" || upSnap.RelatedSnapshotID != f.snapID || len(upSnap.Raw) == 0 {
		t.Fatalf("upload: %+v, %t, %v", upSnap, found, err)
	}
	up := client.SnapshotUploadResult{SnapshotID: upSnap.ID}
	if s, _ := f.e.srv.Snapshot(up.SnapshotID); s.RelatedSnapshotID != f.snapID || s.MimeType != "image/png" {
		t.Errorf("uploaded %+v", s)
	}
	if err := c.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: up.SnapshotID, UserEndpointID: f.ep}); err != nil {
		t.Fatalf("discard: %v", err)
	}
	err = c.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: up.SnapshotID, UserEndpointID: f.ep})
	var ae *client.APIError
	if !errors.As(err, &ae) || err.Error() != "approve "+up.SnapshotID+": 400 state: snapshot is DISCARDED" {
		t.Errorf("approve after discard: %v", err)
	}
}

// cameraRequest: a camera request and the device's answer, which cannot
// be given twice.
func (f *itFlow) cameraRequest() {
	t, c, ctx, d := f.t, f.c, f.ctx, f.d
	t.Helper()
	crID, err := c.CameraRequest(ctx, client.CameraRequestCommand{UserEndpointID: f.ep, TargetUserID: d.CustomerUserID,
		TargetUserEndpointID: d.CustomerUserEndpointID, CameraRequestType: client.CameraFlashOn})
	if err != nil || crID == "" {
		t.Fatalf("camera request: %q, %v", crID, err)
	}
	respond := client.CameraRequestRespondCommand{SnapshotCameraRequestID: crID, UserEndpointID: d.CustomerUserEndpointID,
		Succeeded: client.BoolPtr(false), AdditionalInformation: "no flash"}
	if err := c.CameraRequestRespond(ctx, respond); err != nil {
		t.Fatalf("respond: %v", err)
	}
	var ae *client.APIError
	if err := c.CameraRequestRespond(ctx, respond); !errors.As(err, &ae) || ae.Fields["state"] == "" {
		t.Errorf("respond twice: %v", err)
	}
}

// TestSimErrorPaths: the simulator's 400 field maps reach the caller
// intact, and hostile ids stay inside their path segment.
func TestSimErrorPaths(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 1})
	c, ctx := e.agent, context.Background()
	ep, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	var ae *client.APIError
	err = c.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: "nope", UserEndpointID: ep})
	if !errors.As(err, &ae) || err.Error() != "approve nope: 400 snapshotId: unknown snapshot" {
		t.Errorf("unknown snapshot: %v", err)
	}
	err = c.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: "nope", UserEndpointID: "ghost"})
	if err == nil || err.Error() != "approve nope: 400 snapshotId: unknown snapshot; userEndpointId: unknown user endpoint" {
		t.Errorf("two fields: %v", err)
	}
	in, _ := itInteraction(t, c)
	for _, id := range []string{"../interactions/" + in.ID, in.ID + "/..", "x?interactionId=" + in.ID} {
		_, err := c.GetSnapshot(ctx, id)
		if !errors.As(err, &ae) || ae.Status != 400 || ae.Fields["snapshotId"] != "unknown snapshot" {
			t.Errorf("GetSnapshot(%q): %v", id, err)
		}
	}
	// The vendor lists an interaction it does not know as empty.
	if list, err := c.ListSnapshots(ctx, "no-such-interaction"); err != nil || list == nil || len(list) != 0 {
		t.Errorf("list unknown: %v, %v", list, err)
	}
	if _, err := c.GetInteraction(ctx, "no-such"); !errors.As(err, &ae) || ae.Status != 400 {
		t.Errorf("get interaction unknown: %v", err)
	}
	if err := c.KeepAlive(ctx, client.KeepAliveCommand{UserEndpointID: ep, UserID: sim.AgentUserID}); err != nil {
		t.Errorf("keepalive: %v", err)
	}
	if err := c.KeepAlive(ctx, client.KeepAliveCommand{UserEndpointID: ep, UserID: "someone-else"}); !errors.As(err, &ae) || ae.Fields["userId"] == "" {
		t.Errorf("keepalive of another user: %v", err)
	}
	if err := c.Unregister(ctx, client.UnregisterCommand{UserEndpointID: ep, Reason: "done"}); err != nil {
		t.Errorf("unregister: %v", err)
	}
	if err := c.Unregister(ctx, client.UnregisterCommand{UserEndpointID: ep, Reason: "again"}); !errors.As(err, &ae) {
		t.Errorf("unregister twice: %v", err)
	}
	// A wrong declared type is refused by the client before sending.
	err = c.Acquire(ctx, client.AcquireCommand{SnapshotID: "s", UserEndpointID: ep, SnapshotType: "t", SnapshotMimeType: "image/gif"},
		bytes.NewReader(itPNG(t)))
	var ve *client.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("mismatched type: %v", err)
	}
}

// TestSimInteractionPages follows page=N across more interactions than one
// page holds.
func TestSimInteractionPages(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 1})
	for range 45 {
		e.srv.AddInteraction(client.Interaction{Type: "CALL"})
	}
	want := len(e.srv.Interactions())
	list, err := e.agent.ListInteractions(context.Background(), time.Now().Add(-48*time.Hour), time.Now().Add(time.Minute))
	if err != nil || len(list) != want || want < 50 {
		t.Fatalf("%d of %d interactions, %v", len(list), want, err)
	}
	seen := map[string]bool{}
	for _, in := range list {
		if seen[in.ID] {
			t.Fatalf("duplicate %s", in.ID)
		}
		seen[in.ID] = true
	}
}

// TestSimSupervisor reads everything and gets 403 on actions.
func TestSimSupervisor(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 1})
	sup := e.login(t, "snapdash-supervisor", "demo-supervisor-secret")
	ctx := context.Background()
	id, err := sup.Identity(ctx)
	if err != nil || id.UserID != sim.SupervisorUserID || !id.HasRole("supervisor") {
		t.Fatalf("identity %+v, %v", id, err)
	}
	in, _ := itInteraction(t, sup)
	list, err := sup.ListSnapshots(ctx, in.ID)
	if err != nil || len(list) == 0 {
		t.Fatalf("list: %d, %v", len(list), err)
	}
	ep, err := sup.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	err = sup.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: list[0].ID, UserEndpointID: ep})
	if !client.IsForbidden(err) || err.Error() != "approve "+list[0].ID+": 403 role supervisor may not perform this action" {
		t.Errorf("supervisor approve: %v", err)
	}
	if _, err := sup.Download(ctx, list[0].ID); err != nil {
		t.Errorf("supervisor download: %v", err)
	}
	bad := e.login(t, "snapdash-agent", "wrong")
	if _, err := bad.ListSnapshots(ctx, in.ID); !client.IsUnauthorized(err) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad secret: %v", err)
	}
}

// TestSimShortTokens: with 2-second tokens the client renews before expiry
// and calls keep working.
func TestSimShortTokens(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 1, TokenLifetime: 2 * time.Second})
	ctx := context.Background()
	in, _ := itInteraction(t, e.agent)
	deadline := time.Now().Add(3500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if _, err := e.agent.ListSnapshots(ctx, in.ID); err != nil {
			t.Fatalf("after %d tokens: %v", e.rt.tokens.Load(), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := e.rt.tokens.Load(); n < 2 || n > 4 {
		t.Errorf("%d tokens in 3.5 s of 2 s tokens, want 2-3", n)
	}
}

// TestSimTokenRejectedEarly: the server's clock jumps past the token's
// expiry; the 401 makes the client renew once and the call succeeds.
func TestSimTokenRejectedEarly(t *testing.T) {
	var mu sync.Mutex
	offset := time.Duration(0)
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return time.Now().Add(offset)
	}
	e := itStart(t, sim.Options{Demo: true, Seed: 1, Now: now})
	ctx := context.Background()
	in, _ := itInteraction(t, e.agent)
	mu.Lock()
	offset = 2 * time.Hour
	mu.Unlock()
	if _, err := e.agent.ListSnapshots(ctx, in.ID); err != nil {
		t.Fatalf("after the clock jump: %v", err)
	}
	if n := e.rt.tokens.Load(); n != 2 {
		t.Errorf("%d tokens, want 2", n)
	}
	// A static token that expired is simply refused.
	static, err := client.New(client.Config{Server: e.srv.URL(), Token: e.srv.IssueToken(sim.RoleAgent, time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := static.ListSnapshots(ctx, in.ID); err != nil {
		t.Fatalf("fresh static token: %v", err)
	}
	mu.Lock()
	offset += time.Hour
	mu.Unlock()
	if _, err := static.ListSnapshots(ctx, in.ID); !client.IsUnauthorized(err) {
		t.Errorf("expired static token: %v", err)
	}
}

// TestSimRateLimited: injected 429s with Retry-After: 1 are waited out, for
// a GET and for a POST (refused, so safe to send again).
func TestSimRateLimited(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 1})
	ctx := context.Background()
	in, _ := itInteraction(t, e.agent)
	ep, err := e.agent.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []func() error{
		func() error { _, err := e.agent.ListSnapshots(ctx, in.ID); return err },
		func() error {
			return e.agent.KeepAlive(ctx, client.KeepAliveCommand{UserEndpointID: ep, UserID: sim.AgentUserID})
		},
	} {
		e.srv.SetFaults(sim.Faults{RateLimitRate: 1})
		timer := time.AfterFunc(300*time.Millisecond, func() { e.srv.SetFaults(sim.Faults{}) })
		start := time.Now()
		if err := call(); err != nil {
			t.Errorf("rate limited call: %v", err)
		}
		if d := time.Since(start); d < 900*time.Millisecond {
			t.Errorf("answered after %s: Retry-After not honoured", d)
		}
		timer.Stop()
	}
	// 500s on a POST are not retried.
	e.srv.SetFaults(sim.Faults{ErrorRate: 1})
	err = e.agent.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: "x", UserEndpointID: ep})
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != 500 {
		t.Errorf("discard under 500s: %v", err)
	}
	e.srv.SetFaults(sim.Faults{})
}

// TestSimUploadNoContent: an upload answered with the documented empty 204
// still tells the new snapshot's id, found in the interaction's listing.
func TestSimUploadNoContent(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 1})
	ctx := context.Background()
	in, d := itInteraction(t, e.agent)
	ep, err := e.agent.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	up, err := e.agent.Upload(ctx, client.UploadCommand{ApplicationID: d.ApplicationID, TargetUserID: d.CustomerUserID,
		TargetUserEndpointID: d.CustomerUserEndpointID, InteractionID: in.ID, UserEndpointID: ep, SnapshotType: "other"},
		bytes.NewReader(itPNG(t)))
	if err != nil || up.SnapshotID == "" {
		t.Fatalf("upload: %+v, %v", up, err)
	}
	if s, ok := e.srv.Snapshot(up.SnapshotID); !ok || s.Type != "other" || s.MimeType != "image/png" || s.InteractionID != in.ID {
		t.Errorf("the uploaded snapshot: %+v", s)
	}
}
