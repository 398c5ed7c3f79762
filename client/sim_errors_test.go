package client_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// itCall is one client method called with ids that the simulator knows
// (good) or does not (the unknown-id error path).
type itCall struct {
	name string
	// action marks the calls a supervisor may not make.
	action bool
	call   func(ctx context.Context, c *client.Client, ids itIDs) error
}

// itIDs are the ids a call uses.
type itIDs struct {
	snapshot, pending, interaction, endpoint, camera string
	customer, customerEP, app                        string
	// other is a second acquired snapshot, for the discard that succeeds.
	other string
}

// itEveryCall lists every client method that talks to the API.
func itEveryCall(t *testing.T) []itCall {
	pic := itPNG(t)
	return []itCall{
		{"upload", true, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.Upload(ctx, client.UploadCommand{ApplicationID: id.app, TargetUserID: id.customer,
				TargetUserEndpointID: id.customerEP, InteractionID: id.interaction, UserEndpointID: id.endpoint,
				SnapshotType: "other", RelatedSnapshotID: id.snapshot}, bytes.NewReader(pic))
			return err
		}},
		{"signedUrl", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.SignedURL(ctx, id.snapshot, true)
			return err
		}},
		{"request", true, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.Request(ctx, client.SnapshotRequestCommand{ApplicationID: id.app, UserEndpointID: id.endpoint,
				TargetUserID: id.customer, TargetUserEndpointID: id.customerEP, InteractionID: id.interaction})
			return err
		}},
		{"discard", true, func(ctx context.Context, c *client.Client, id itIDs) error {
			return c.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: id.snapshot, UserEndpointID: id.endpoint})
		}},
		{"cameraRequest", true, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.CameraRequest(ctx, client.CameraRequestCommand{UserEndpointID: id.endpoint, TargetUserID: id.customer,
				TargetUserEndpointID: id.customerEP, CameraRequestType: client.CameraSwitch})
			return err
		}},
		{"cameraRequestRespond", true, func(ctx context.Context, c *client.Client, id itIDs) error {
			return c.CameraRequestRespond(ctx, client.CameraRequestRespondCommand{SnapshotCameraRequestID: id.camera,
				UserEndpointID: id.customerEP, Succeeded: client.BoolPtr(true)})
		}},
		{"approve", true, func(ctx context.Context, c *client.Client, id itIDs) error {
			return c.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: id.snapshot, UserEndpointID: id.endpoint})
		}},
		{"acquire", true, func(ctx context.Context, c *client.Client, id itIDs) error {
			return c.Acquire(ctx, client.AcquireCommand{SnapshotID: id.pending, UserEndpointID: id.customerEP,
				SnapshotType: "meter"}, bytes.NewReader(pic))
		}},
		{"list snapshots", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.ListSnapshots(ctx, id.interaction)
			return err
		}},
		{"get snapshot", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.GetSnapshot(ctx, id.snapshot)
			return err
		}},
		{"download", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.Download(ctx, id.snapshot)
			return err
		}},
		{"register", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 60})
			return err
		}},
		{"keepalive", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			return c.KeepAlive(ctx, client.KeepAliveCommand{UserEndpointID: id.endpoint, UserID: sim.AgentUserID})
		}},
		{"unregister", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			return c.Unregister(ctx, client.UnregisterCommand{UserEndpointID: id.endpoint, Reason: "test"})
		}},
		{"list interactions", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.ListInteractions(ctx, time.Now().Add(-time.Hour), time.Now())
			return err
		}},
		{"get interaction", false, func(ctx context.Context, c *client.Client, id itIDs) error {
			_, err := c.GetInteraction(ctx, id.interaction)
			return err
		}},
	}
}

// itSetup prepares real ids: an agent endpoint, a pending and an acquired
// snapshot, an unanswered camera request.
func itSetup(t *testing.T, e *itEnv) itIDs {
	t.Helper()
	ctx := context.Background()
	in, d := itInteraction(t, e.agent)
	ep, err := e.agent.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	id := itIDs{interaction: in.ID, endpoint: ep, customer: d.CustomerUserID, customerEP: d.CustomerUserEndpointID, app: d.ApplicationID}
	newReq := func() string {
		r, err := e.agent.Request(ctx, client.SnapshotRequestCommand{ApplicationID: id.app, UserEndpointID: ep,
			TargetUserID: id.customer, TargetUserEndpointID: id.customerEP, InteractionID: in.ID, SnapshotType: "meter"})
		if err != nil {
			t.Fatal(err)
		}
		return r.SnapshotID
	}
	id.pending, id.snapshot, id.other = newReq(), newReq(), newReq()
	for _, sid := range []string{id.snapshot, id.other} {
		if err := e.agent.Acquire(ctx, client.AcquireCommand{SnapshotID: sid, UserEndpointID: id.customerEP,
			SnapshotType: "meter"}, bytes.NewReader(itPNG(t))); err != nil {
			t.Fatal(err)
		}
	}
	if id.camera, err = e.agent.CameraRequest(ctx, client.CameraRequestCommand{UserEndpointID: ep, TargetUserID: id.customer,
		TargetUserEndpointID: id.customerEP, CameraRequestType: client.CameraFlashOn}); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSimEveryCallErrorPaths calls every client method against the
// simulator over loopback with a refused token (401), as a supervisor (403
// on actions, success on reads) and with unknown ids (400 naming the
// field); then each succeeds as the agent.
func TestSimEveryCallErrorPaths(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 3, PictureWidth: 320})
	ids := itSetup(t, e)
	calls := itEveryCall(t)
	itCheckRefusedTokens(t, e, calls, ids)
	itCheckSupervisor(t, e, calls, ids)
	itCheckUnknownIDs(t, e, calls, ids)
	itCheckAgentSucceeds(t, e, calls, ids)
}

// itCheckRefusedTokens: every call answers 401 to a token the server did
// not sign and to one that expired, without echoing the token.
func itCheckRefusedTokens(t *testing.T, e *itEnv, calls []itCall, ids itIDs) {
	t.Helper()
	ctx := context.Background()
	for _, tok := range []string{"not-a-jwt", e.srv.IssueToken(sim.RoleAgent, -time.Minute)} {
		bad, err := client.New(client.Config{Server: e.srv.URL(), Token: tok, Retry: client.RetryPolicy{MaxAttempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			err := c.call(ctx, bad, ids)
			if !client.IsUnauthorized(err) || strings.Contains(err.Error(), tok) {
				t.Errorf("%s with a refused token: %v", c.name, err)
			}
		}
	}
}

// itCheckSupervisor: every action answers 403 to a supervisor, naming the
// role; reads work.
func itCheckSupervisor(t *testing.T, e *itEnv, calls []itCall, ids itIDs) {
	t.Helper()
	ctx := context.Background()
	sup := e.login(t, "snapdash-supervisor", "demo-supervisor-secret")
	supIDs := ids
	var err error
	if supIDs.endpoint, err = sup.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 600}); err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		err := c.call(ctx, sup, supIDs)
		switch {
		case c.action && !client.IsForbidden(err):
			t.Errorf("supervisor %s: %v, want 403", c.name, err)
		case c.action && !strings.Contains(err.Error(), "403 role supervisor may not perform this action"):
			t.Errorf("supervisor %s: message %q", c.name, err)
		case !c.action && c.name != "keepalive" && c.name != "unregister" && err != nil:
			t.Errorf("supervisor %s: %v", c.name, err)
		}
	}
}

// itUnknownID is, by call name, how to make the call name an id the
// server does not know, and the request field its 400 must name.
var itUnknownID = map[string]struct {
	mod   func(*itIDs)
	field string
}{
	"upload":               {func(i *itIDs) { i.snapshot = "no-such-id" }, "relatedSnapshotId"},
	"signedUrl":            {func(i *itIDs) { i.snapshot = "no-such-id" }, "snapshotId"},
	"request":              {func(i *itIDs) { i.interaction = "no-such-id" }, "interactionId"},
	"discard":              {func(i *itIDs) { i.snapshot = "no-such-id" }, "snapshotId"},
	"cameraRequest":        {func(i *itIDs) { i.customerEP = "no-such-id" }, "targetUserEndpointId"},
	"cameraRequestRespond": {func(i *itIDs) { i.camera = "no-such-id" }, "snapshotCameraRequestId"},
	"approve":              {func(i *itIDs) { i.snapshot = "no-such-id" }, "snapshotId"},
	"acquire":              {func(i *itIDs) { i.pending = "no-such-id" }, "snapshotId"},
	"get snapshot":         {func(i *itIDs) { i.snapshot = "no-such-id" }, "snapshotId"},
	"download":             {func(i *itIDs) { i.snapshot = "no-such-id" }, "snapshotId"},
	"keepalive":            {func(i *itIDs) { i.endpoint = "no-such-id" }, "userEndpointId"},
	"unregister":           {func(i *itIDs) { i.endpoint = "no-such-id" }, "userEndpointId"},
	"get interaction":      {func(i *itIDs) { i.interaction = "no-such-id" }, "interactionId"},
}

// itCheckUnknownIDs: a call naming an unknown id answers 400 naming the
// field.
func itCheckUnknownIDs(t *testing.T, e *itEnv, calls []itCall, ids itIDs) {
	t.Helper()
	ctx := context.Background()
	for _, c := range calls {
		u, ok := itUnknownID[c.name]
		if !ok {
			continue // register and list interactions take no id; an unknown interaction lists [] (below)
		}
		bad := ids
		u.mod(&bad)
		err := c.call(ctx, e.agent, bad)
		var ae *client.APIError
		if !errors.As(err, &ae) || ae.Status != 400 || !strings.HasPrefix(ae.Fields[u.field], "unknown") {
			t.Errorf("%s with an unknown id: %v, want 400 naming %s", c.name, err, u.field)
		}
	}
}

// itCheckAgentSucceeds: every call succeeds as the agent (unregister last:
// the others need the endpoint; discard on a snapshot of its own, approve
// takes the first).
func itCheckAgentSucceeds(t *testing.T, e *itEnv, calls []itCall, ids itIDs) {
	t.Helper()
	ctx := context.Background()
	for _, c := range calls {
		use := ids
		switch c.name {
		case "unregister":
			continue
		case "discard":
			use.snapshot = ids.other
		}
		if err := c.call(ctx, e.agent, use); err != nil {
			t.Errorf("agent %s: %v", c.name, err)
		}
	}
	for _, c := range calls {
		if c.name == "unregister" {
			if err := c.call(ctx, e.agent, ids); err != nil {
				t.Errorf("agent %s: %v", c.name, err)
			}
		}
	}
}

// TestSimGET5xxRetried: injected 500s on a GET are retried and the call
// succeeds once they stop (TestSimRateLimited shows a POST is not).
func TestSimGET5xxRetried(t *testing.T) {
	e := itStart(t, sim.Options{Demo: true, Seed: 3})
	ctx := context.Background()
	in, _ := itInteraction(t, e.agent)
	e.srv.SetFaults(sim.Faults{ErrorRate: 1})
	timer := time.AfterFunc(150*time.Millisecond, func() { e.srv.SetFaults(sim.Faults{}) })
	defer timer.Stop()
	// Enough attempts to outlast 150 ms of faults at 10-40 ms per wait.
	c, err := client.New(client.Config{Server: e.srv.URL(), Token: e.srv.IssueToken(sim.RoleAgent, time.Hour),
		Retry: client.RetryPolicy{MaxAttempts: 20, BaseDelay: 20 * time.Millisecond, MaxDelay: 40 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListSnapshots(ctx, in.ID); err != nil {
		t.Errorf("GET under 500s: %v", err)
	}
}
