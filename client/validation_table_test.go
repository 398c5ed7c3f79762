package client

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// ctCase is one client call built from a valid command with one field
// changed.
type ctCase struct {
	name, field string
	call        func(c *Client) error
}

// ctRequiredCases lists, for every method that sends a command, the valid
// call and one case per required field left empty and per enum member set
// to a value the API does not list.
func ctRequiredCases(t *testing.T) (valid []ctCase, invalid []ctCase) {
	ctx := context.Background()
	png := ctPNG(t)
	add := func(name string, ok func(c *Client) error, cases ...ctCase) {
		valid = append(valid, ctCase{name: name, call: ok})
		for _, cs := range cases {
			cs.name = name + " " + cs.name
			invalid = append(invalid, cs)
		}
	}

	req := func(m func(*SnapshotRequestCommand)) func(*Client) error {
		return func(c *Client) error {
			cmd := SnapshotRequestCommand{ApplicationID: "a", UserEndpointID: "e", TargetUserID: "u", TargetUserEndpointID: "te",
				SessionType: SessionCall, SessionID: "s", InteractionID: "i", SnapshotType: "meter"}
			m(&cmd)
			_, err := c.Request(ctx, cmd)
			return err
		}
	}
	add("request", req(func(*SnapshotRequestCommand) {}),
		ctCase{"no applicationId", "applicationId", req(func(c *SnapshotRequestCommand) { c.ApplicationID = "" })},
		ctCase{"no userEndpointId", "userEndpointId", req(func(c *SnapshotRequestCommand) { c.UserEndpointID = "" })},
		ctCase{"no targetUserId", "targetUserId", req(func(c *SnapshotRequestCommand) { c.TargetUserID = " " })},
		ctCase{"no targetUserEndpointId", "targetUserEndpointId", req(func(c *SnapshotRequestCommand) { c.TargetUserEndpointID = "" })},
		ctCase{"sessionType VIDEO", "sessionType", req(func(c *SnapshotRequestCommand) { c.SessionType = "VIDEO" })},
		ctCase{"sessionType call", "sessionType", req(func(c *SnapshotRequestCommand) { c.SessionType = "call" })},
	)

	discard := func(m func(*SnapshotDiscardCommand)) func(*Client) error {
		return func(c *Client) error {
			cmd := SnapshotDiscardCommand{SnapshotID: "s", UserEndpointID: "e"}
			m(&cmd)
			return c.Discard(ctx, cmd)
		}
	}
	add("discard", discard(func(*SnapshotDiscardCommand) {}),
		ctCase{"no snapshotId", "snapshotId", discard(func(c *SnapshotDiscardCommand) { c.SnapshotID = "" })},
		ctCase{"no userEndpointId", "userEndpointId", discard(func(c *SnapshotDiscardCommand) { c.UserEndpointID = "" })},
	)

	approve := func(m func(*SnapshotApproveCommand)) func(*Client) error {
		return func(c *Client) error {
			cmd := SnapshotApproveCommand{SnapshotID: "s", UserEndpointID: "e", SnapshotType: "meter"}
			m(&cmd)
			return c.Approve(ctx, cmd)
		}
	}
	add("approve", approve(func(*SnapshotApproveCommand) {}),
		ctCase{"no snapshotId", "snapshotId", approve(func(c *SnapshotApproveCommand) { c.SnapshotID = "" })},
		ctCase{"no userEndpointId", "userEndpointId", approve(func(c *SnapshotApproveCommand) { c.UserEndpointID = "\t" })},
	)

	cam := func(m func(*CameraRequestCommand)) func(*Client) error {
		return func(c *Client) error {
			cmd := CameraRequestCommand{UserEndpointID: "e", TargetUserID: "u", TargetUserEndpointID: "te",
				SessionType: SessionConference, SessionID: "s", CameraRequestType: CameraFlashOff}
			m(&cmd)
			_, err := c.CameraRequest(ctx, cmd)
			return err
		}
	}
	add("camera request", cam(func(*CameraRequestCommand) {}),
		ctCase{"no userEndpointId", "userEndpointId", cam(func(c *CameraRequestCommand) { c.UserEndpointID = "" })},
		ctCase{"no targetUserId", "targetUserId", cam(func(c *CameraRequestCommand) { c.TargetUserID = "" })},
		ctCase{"no targetUserEndpointId", "targetUserEndpointId", cam(func(c *CameraRequestCommand) { c.TargetUserEndpointID = "" })},
		ctCase{"no cameraRequestType", "cameraRequestType", cam(func(c *CameraRequestCommand) { c.CameraRequestType = "" })},
		ctCase{"cameraRequestType ZOOM", "cameraRequestType", cam(func(c *CameraRequestCommand) { c.CameraRequestType = "ZOOM" })},
		ctCase{"cameraRequestType flash_on", "cameraRequestType", cam(func(c *CameraRequestCommand) { c.CameraRequestType = "flash_on" })},
		ctCase{"sessionType MEETING", "sessionType", cam(func(c *CameraRequestCommand) { c.SessionType = "MEETING" })},
	)

	respond := func(m func(*CameraRequestRespondCommand)) func(*Client) error {
		return func(c *Client) error {
			cmd := CameraRequestRespondCommand{SnapshotCameraRequestID: "cr", UserEndpointID: "e", Succeeded: BoolPtr(false),
				AdditionalInformation: "no flash"}
			m(&cmd)
			return c.CameraRequestRespond(ctx, cmd)
		}
	}
	add("camera request respond", respond(func(*CameraRequestRespondCommand) {}),
		ctCase{"no snapshotCameraRequestId", "snapshotCameraRequestId", respond(func(c *CameraRequestRespondCommand) { c.SnapshotCameraRequestID = "" })},
		ctCase{"no userEndpointId", "userEndpointId", respond(func(c *CameraRequestRespondCommand) { c.UserEndpointID = "" })},
		ctCase{"no succeeded", "succeeded", respond(func(c *CameraRequestRespondCommand) { c.Succeeded = nil })},
	)

	add("signed url", func(c *Client) error { _, err := c.SignedURL(ctx, "s", true); return err },
		ctCase{"no snapshotId", "snapshotId", func(c *Client) error { _, err := c.SignedURL(ctx, "", false); return err }},
	)

	upload := func(m func(*UploadCommand), img []byte) func(*Client) error {
		return func(c *Client) error {
			cmd := UploadCommand{RelatedSnapshotID: "r", ApplicationID: "a", TargetUserID: "u", TargetUserEndpointID: "te",
				InteractionID: "i", UserEndpointID: "e", SnapshotType: "meter"}
			m(&cmd)
			if img == nil {
				_, err := c.Upload(ctx, cmd, nil)
				return err
			}
			_, err := c.Upload(ctx, cmd, bytes.NewReader(img))
			return err
		}
	}
	add("upload", upload(func(*UploadCommand) {}, png),
		ctCase{"no applicationId", "applicationId", upload(func(c *UploadCommand) { c.ApplicationID = "" }, png)},
		ctCase{"no targetUserId", "targetUserId", upload(func(c *UploadCommand) { c.TargetUserID = "" }, png)},
		ctCase{"no targetUserEndpointId", "targetUserEndpointId", upload(func(c *UploadCommand) { c.TargetUserEndpointID = "" }, png)},
		ctCase{"no interactionId", "interactionId", upload(func(c *UploadCommand) { c.InteractionID = "" }, png)},
		ctCase{"no userEndpointId", "userEndpointId", upload(func(c *UploadCommand) { c.UserEndpointID = "" }, png)},
		ctCase{"no snapshotType", "snapshotType", upload(func(c *UploadCommand) { c.SnapshotType = "" }, png)},
		ctCase{"no image", "image", upload(func(*UploadCommand) {}, nil)},
		ctCase{"empty image", "image", upload(func(*UploadCommand) {}, []byte{})},
		ctCase{"text image", "image", upload(func(*UploadCommand) {}, []byte("GIF? no, text"))},
		ctCase{"wrong mime", "snapshotMimeType", upload(func(c *UploadCommand) { c.SnapshotMimeType = "image/gif" }, png)},
	)

	acquire := func(m func(*AcquireCommand), img []byte) func(*Client) error {
		return func(c *Client) error {
			cmd := AcquireCommand{SnapshotID: "s", UserEndpointID: "e", SnapshotType: "meter"}
			m(&cmd)
			if img == nil {
				return c.Acquire(ctx, cmd, nil)
			}
			return c.Acquire(ctx, cmd, bytes.NewReader(img))
		}
	}
	add("acquire", acquire(func(*AcquireCommand) {}, png),
		ctCase{"no snapshotId", "snapshotId", acquire(func(c *AcquireCommand) { c.SnapshotID = "" }, png)},
		ctCase{"no userEndpointId", "userEndpointId", acquire(func(c *AcquireCommand) { c.UserEndpointID = "" }, png)},
		ctCase{"no snapshotType", "snapshotType", acquire(func(c *AcquireCommand) { c.SnapshotType = "" }, png)},
		ctCase{"no image", "image", acquire(func(*AcquireCommand) {}, nil)},
		ctCase{"bad suffix", "snapshotSuffix", acquire(func(c *AcquireCommand) { c.SnapshotSuffix = "p/ng" }, png)},
	)

	add("list snapshots", func(c *Client) error { _, err := c.ListSnapshots(ctx, "i"); return err },
		ctCase{"no interactionId", "interactionId", func(c *Client) error { _, err := c.ListSnapshots(ctx, ""); return err }})
	add("get snapshot", func(c *Client) error { _, err := c.GetSnapshot(ctx, "s"); return err },
		ctCase{"no snapshotId", "snapshotId", func(c *Client) error { _, err := c.GetSnapshot(ctx, ""); return err }})
	add("get interaction", func(c *Client) error { _, err := c.GetInteraction(ctx, "i"); return err },
		ctCase{"no interactionId", "interactionId", func(c *Client) error { _, err := c.GetInteraction(ctx, " "); return err }})
	add("list interactions", func(c *Client) error {
		_, err := c.ListInteractions(ctx, time.Now().Add(-time.Hour), time.Now())
		return err
	},
		ctCase{"no start", "start/end", func(c *Client) error { _, err := c.ListInteractions(ctx, time.Time{}, time.Now()); return err }},
		ctCase{"no end", "start/end", func(c *Client) error { _, err := c.ListInteractions(ctx, time.Now(), time.Time{}); return err }},
	)
	add("register", func(c *Client) error {
		_, err := c.RegisterEndpoint(ctx, RegisterEndpointCommand{KeepAliveSeconds: 60})
		return err
	},
		ctCase{"no keepAliveSeconds", "keepAliveSeconds", func(c *Client) error {
			_, err := c.RegisterEndpoint(ctx, RegisterEndpointCommand{UserEndpointID: "e"})
			return err
		}})
	keep := func(m func(*KeepAliveCommand)) func(*Client) error {
		return func(c *Client) error {
			cmd := KeepAliveCommand{UserEndpointID: "e", UserID: "u"}
			m(&cmd)
			return c.KeepAlive(ctx, cmd)
		}
	}
	add("keepalive", keep(func(*KeepAliveCommand) {}),
		ctCase{"no userEndpointId", "userEndpointId", keep(func(c *KeepAliveCommand) { c.UserEndpointID = "" })},
		ctCase{"no userId", "userId", keep(func(c *KeepAliveCommand) { c.UserID = "" })},
	)
	unreg := func(m func(*UnregisterCommand)) func(*Client) error {
		return func(c *Client) error {
			cmd := UnregisterCommand{UserEndpointID: "e", Reason: "bye"}
			m(&cmd)
			return c.Unregister(ctx, cmd)
		}
	}
	add("unregister", unreg(func(*UnregisterCommand) {}),
		ctCase{"no userEndpointId", "userEndpointId", unreg(func(c *UnregisterCommand) { c.UserEndpointID = "" })},
		ctCase{"no reason", "reason", unreg(func(c *UnregisterCommand) { c.Reason = "" })},
	)
	return valid, invalid
}

// TestEveryRequiredFieldRefusedBeforeSending: each required field left
// empty and each unknown enum value of every command is a ValidationError
// naming the field, and the server receives nothing. The valid commands the
// cases are derived from do reach the server, so no case passes by being
// invalid in another way.
func TestEveryRequiredFieldRefusedBeforeSending(t *testing.T) {
	var hits atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusTeapot) // an error answer: the calls need no real data
	}), func(cfg *Config) { cfg.Retry.MaxAttempts = 1 })
	valid, invalid := ctRequiredCases(t)
	for _, tc := range invalid {
		before := hits.Load()
		err := tc.call(c)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: err = %v, want a ValidationError on %s", tc.name, err, tc.field)
		}
		if hits.Load() != before {
			t.Errorf("%s: the server was called", tc.name)
		}
	}
	if len(invalid) < 45 {
		t.Errorf("only %d cases", len(invalid))
	}
	for _, tc := range valid {
		before := hits.Load()
		err := tc.call(c)
		var ve *ValidationError
		if errors.As(err, &ve) {
			t.Errorf("%s: the valid command was refused: %v", tc.name, err)
		}
		if hits.Load() == before {
			t.Errorf("%s: the valid command never reached the server (%v)", tc.name, err)
		}
	}
}
