package client

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no server", Config{Token: "t"}, "no server"},
		{"bad scheme", Config{Server: "ftp://x", Token: "t"}, "scheme"},
		{"query", Config{Server: "https://x/?a=b", Token: "t"}, "scheme://host"},
		{"no creds", Config{Server: "https://x"}, "no credentials"},
		{"both", Config{Server: "https://x", Token: "t", ClientID: "a", ClientSecret: "b"}, "not both"},
		{"half oauth", Config{Server: "https://x", ClientID: "a"}, "both a client id"},
		{"token newline", Config{Server: "https://x", Token: "a\nb"}, "line break"},
	} {
		_, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	c, err := New(Config{Server: "https://auvious.video/prefix/", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server() != "https://auvious.video/prefix" {
		t.Errorf("Server() = %q", c.Server())
	}
	if c.cfg.TokenURL != "https://auvious.video/prefix/security/oauth/token" || c.cfg.Referer != c.Server() ||
		c.cfg.Timeout != DefaultTimeout || c.cfg.MaxImageBytes != DefaultMaxImageBytes || c.cfg.UserAgent != DefaultUserAgent {
		t.Errorf("defaults not applied: %+v", c.cfg)
	}
}

// TestValidationBeforeSending checks that missing required fields and
// unknown enum values are refused with a clear error and no request.
func TestValidationBeforeSending(t *testing.T) {
	c, _ := ctNewClient(t, ctNotCalled(t))
	ctx := context.Background()
	okReq := SnapshotRequestCommand{ApplicationID: "a", UserEndpointID: "e", TargetUserID: "u", TargetUserEndpointID: "te"}
	okCam := CameraRequestCommand{UserEndpointID: "e", TargetUserID: "u", TargetUserEndpointID: "te", CameraRequestType: CameraSwitch}
	okUp := UploadCommand{ApplicationID: "a", TargetUserID: "u", TargetUserEndpointID: "te", InteractionID: "i", UserEndpointID: "e", SnapshotType: "meter"}
	png := ctPNG(t)
	cases := []struct {
		name, field string
		call        func() error
	}{
		{"request app", "applicationId", func() error {
			r := okReq
			r.ApplicationID = " "
			_, err := c.Request(ctx, r)
			return err
		}},
		{"request target", "targetUserEndpointId", func() error {
			r := okReq
			r.TargetUserEndpointID = ""
			_, err := c.Request(ctx, r)
			return err
		}},
		{"request session", "sessionType", func() error {
			r := okReq
			r.SessionType = "MEETING"
			_, err := c.Request(ctx, r)
			return err
		}},
		{"discard", "userEndpointId", func() error { return c.Discard(ctx, SnapshotDiscardCommand{SnapshotID: "s"}) }},
		{"approve", "snapshotId", func() error { return c.Approve(ctx, SnapshotApproveCommand{UserEndpointID: "e"}) }},
		{"camera type", "cameraRequestType", func() error {
			r := okCam
			r.CameraRequestType = "ZOOM"
			_, err := c.CameraRequest(ctx, r)
			return err
		}},
		{"camera empty type", "cameraRequestType", func() error {
			r := okCam
			r.CameraRequestType = ""
			_, err := c.CameraRequest(ctx, r)
			return err
		}},
		{"camera session", "sessionType", func() error {
			r := okCam
			r.SessionType = "conference"
			_, err := c.CameraRequest(ctx, r)
			return err
		}},
		{"respond succeeded", "succeeded", func() error {
			return c.CameraRequestRespond(ctx, CameraRequestRespondCommand{SnapshotCameraRequestID: "c", UserEndpointID: "e"})
		}},
		{"list", "interactionId", func() error { _, err := c.ListSnapshots(ctx, ""); return err }},
		{"get empty", "snapshotId", func() error { _, err := c.GetSnapshot(ctx, ""); return err }},
		{"get dot", "snapshotId", func() error { _, err := c.GetSnapshot(ctx, "."); return err }},
		{"get dotdot", "snapshotId", func() error { _, err := c.GetSnapshot(ctx, ".."); return err }},
		{"interaction dotdot", "interactionId", func() error { _, err := c.GetInteraction(ctx, ".."); return err }},
		{"signed", "snapshotId", func() error { _, err := c.SignedURL(ctx, "", true); return err }},
		{"fetch relative", "url", func() error { _, err := c.FetchSigned(ctx, "/rtc-api/x"); return err }},
		{"fetch scheme", "url", func() error { _, err := c.FetchSigned(ctx, "file:///etc/passwd"); return err }},
		{"register", "keepAliveSeconds", func() error { _, err := c.RegisterEndpoint(ctx, RegisterEndpointCommand{}); return err }},
		{"keepalive", "userId", func() error { return c.KeepAlive(ctx, KeepAliveCommand{UserEndpointID: "e"}) }},
		{"unregister", "reason", func() error { return c.Unregister(ctx, UnregisterCommand{UserEndpointID: "e"}) }},
		{"interactions", "start/end", func() error { _, err := c.ListInteractions(ctx, time.Time{}, time.Now()); return err }},
		{"interactions order", "end", func() error {
			_, err := c.ListInteractions(ctx, time.Now(), time.Now().Add(-time.Hour))
			return err
		}},
		{"upload type", "snapshotType", func() error {
			u := okUp
			u.SnapshotType = ""
			_, err := c.Upload(ctx, u, bytes.NewReader(png))
			return err
		}},
		{"upload no image", "image", func() error { _, err := c.Upload(ctx, okUp, nil); return err }},
		{"upload empty image", "image", func() error { _, err := c.Upload(ctx, okUp, bytes.NewReader(nil)); return err }},
		{"upload text", "image", func() error {
			_, err := c.Upload(ctx, okUp, strings.NewReader("<html>not a picture</html>"))
			return err
		}},
		{"upload mime mismatch", "snapshotMimeType", func() error {
			u := okUp
			u.SnapshotMimeType = "image/jpeg"
			_, err := c.Upload(ctx, u, bytes.NewReader(png))
			return err
		}},
		{"upload bad suffix", "snapshotSuffix", func() error {
			u := okUp
			u.SnapshotSuffix = "../x"
			_, err := c.Upload(ctx, u, bytes.NewReader(png))
			return err
		}},
		{"acquire", "snapshotId", func() error {
			return c.Acquire(ctx, AcquireCommand{UserEndpointID: "e", SnapshotType: "t"}, bytes.NewReader(png))
		}},
	}
	for _, tc := range cases {
		err := tc.call()
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: err = %v, want a ValidationError on %s", tc.name, err, tc.field)
		}
	}
	var ve *ValidationError
	_, err := c.Request(ctx, SnapshotRequestCommand{UserEndpointID: "e", TargetUserID: "u", TargetUserEndpointID: "te"})
	if !errors.As(err, &ve) || err.Error() != "request: applicationId is required" {
		t.Errorf("message = %q", err)
	}
}

// TestPathEscaping sends hostile ids to a server that records the raw
// request URI: each must stay one escaped path segment.
func TestPathEscaping(t *testing.T) {
	var mu sync.Mutex
	var uris []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uris = append(uris, r.RequestURI)
		mu.Unlock()
		ctWriteJSON(w, 200, map[string]string{"id": "x"})
	})
	c, _ := ctNewClient(t, h)
	ctx := context.Background()
	ids := map[string]string{
		"a/b":            "a%2Fb",
		"../../security": "..%2F..%2Fsecurity",
		"x?admin=1":      "x%3Fadmin=1",
		"x#frag":         "x%23frag",
		"%2e%2e":         "%252e%252e",
		"a b":            "a%20b",
		"..a":            "..a",
		"\x00\n":         "%00%0A",
	}
	for id, want := range ids {
		mu.Lock()
		uris = nil
		mu.Unlock()
		if _, err := c.GetSnapshot(ctx, id); err != nil {
			t.Fatalf("GetSnapshot(%q): %v", id, err)
		}
		if _, err := c.GetInteraction(ctx, id); err != nil {
			t.Fatalf("GetInteraction(%q): %v", id, err)
		}
		mu.Lock()
		got := append([]string(nil), uris...)
		mu.Unlock()
		wantURIs := []string{"/rtc-api/snapshots/" + want, "/rtc-api/interactions/" + want}
		if len(got) != 2 || got[0] != wantURIs[0] || got[1] != wantURIs[1] {
			t.Errorf("id %q: requested %q, want %q", id, got, wantURIs)
		}
	}
	// A query id is encoded as a value, never as more parameters.
	mu.Lock()
	uris = nil
	mu.Unlock()
	h2 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uris = append(uris, r.RequestURI)
		mu.Unlock()
		ctWriteJSON(w, 200, []Snapshot{})
	})
	c2, _ := ctNewClient(t, h2)
	if _, err := c2.ListSnapshots(ctx, "i&interactionId=other"); err != nil {
		t.Fatal(err)
	}
	if want := "/rtc-api/snapshots?interactionId=i%26interactionId%3Dother"; len(uris) != 1 || uris[0] != want {
		t.Errorf("list requested %q, want %q", uris, want)
	}
}
