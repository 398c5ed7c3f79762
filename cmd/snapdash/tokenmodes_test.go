package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// tokenModes are the ways a user signs in that every command must work
// with: a JWT, an opaque bearer token obtained elsewhere (the platform
// accepts one; only --user-id can then name the user), and client
// credentials whose token is opaque (the token response's sub names the
// user).
func tokenModes() []struct {
	name   string
	opaque bool
	env    func(srv *sim.Server) map[string]string
} {
	static := func(srv *sim.Server) map[string]string {
		return map[string]string{"SNAPDASH_SERVER": srv.URL(), "SNAPDASH_TOKEN": srv.IssueToken(sim.RoleAgent, time.Hour)}
	}
	oauth := func(srv *sim.Server) map[string]string {
		return map[string]string{"SNAPDASH_SERVER": srv.URL(), "SNAPDASH_CLIENT_ID": "snapdash-agent", "SNAPDASH_CLIENT_SECRET": "demo-agent-secret"}
	}
	return []struct {
		name   string
		opaque bool
		env    func(srv *sim.Server) map[string]string
	}{
		{"jwt", false, static},
		{"opaque", true, static},
		{"opaque-oauth", true, oauth},
	}
}

// TestEveryCommandInEveryTokenMode runs every headless command against a
// simulator as faithful as the spec (204 uploads, strict content types),
// signed in with a JWT and with opaque tokens. With an opaque token, today
// every action used to stop at "identity: the token is not a JWT".
func TestEveryCommandInEveryTokenMode(t *testing.T) {
	t.Parallel()
	for _, mode := range tokenModes() {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := startSimWith(t, sim.Options{OpaqueTokens: mode.opaque})
			if tok := srv.IssueToken(sim.RoleAgent, time.Hour); mode.opaque == (strings.Count(tok, ".") == 2) {
				t.Fatalf("token %q is not of the mode's kind", tok)
			}
			c := newCLI(t, mode.env(srv))
			d := device(t, srv, true)
			pic := writeJPEG(t)
			quiet := func(name string, r result) {
				t.Helper()
				if r.code != 0 || r.stderr != "" {
					t.Errorf("%s: %s", name, r)
				}
			}
			approved := snapshotIn(t, srv, client.StateApproved).ID
			up1 := snapshotIn(t, srv, client.StateUploaded).ID
			up2 := snapshotIn(t, srv, client.StateUploaded, up1).ID
			commands := []struct {
				name  string
				args  []string
				check func(r result)
			}{
				{"interactions", []string{"interactions"}, func(r result) {
					if !strings.Contains(r.stdout, d.InteractionID) {
						t.Errorf("interactions: %s", r)
					}
				}},
				{"list", []string{"list", d.InteractionID}, func(r result) {
					if len(lines(r.stdout)) < 2 {
						t.Errorf("list: %s", r)
					}
				}},
				{"get --json", []string{"get", approved, "--json"}, func(r result) {
					stored, _ := srv.SnapshotJSON(approved)
					sameJSON(t, "get --json", []byte(r.stdout), stored)
				}},
				{"url", []string{"url", approved}, func(r result) {
					if !strings.HasPrefix(r.stdout, srv.URL()+"/rtc-api/snapshots/signed/") {
						t.Errorf("url: %s", r)
					}
				}},
				{"fetch", []string{"fetch", approved, "-o", filepath.Join(t.TempDir(), "p.jpg")}, func(r result) {
					if !strings.HasPrefix(r.stdout, "wrote ") {
						t.Errorf("fetch: %s", r)
					}
				}},
				{"camera", []string{"camera", "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID, "--type", "FLASH_ON"}, func(r result) {
					if len(lines(r.stdout)) != 1 {
						t.Errorf("camera: %s", r)
					}
				}},
				{"approve", []string{"approve", up1}, func(r result) {
					if !strings.HasPrefix(r.stdout, "approved ") {
						t.Errorf("approve: %s", r)
					}
				}},
				{"discard", []string{"discard", up2}, func(r result) {
					if !strings.HasPrefix(r.stdout, "discarded ") {
						t.Errorf("discard: %s", r)
					}
				}},
				{"upload", []string{"upload", pic, "--interaction", d.InteractionID, "--target-user", d.UserID,
					"--target-endpoint", d.UserEndpointID, "--type", "other"}, func(r result) {
					// ID=$(snapdash upload …) must hold the new snapshot's id.
					id := strings.TrimSpace(r.stdout)
					if s, ok := srv.Snapshot(id); !ok || s.Type != "other" || s.InteractionID != d.InteractionID {
						t.Errorf("upload printed %q: %+v", r.stdout, s)
					}
				}},
			}
			for _, cmd := range commands {
				r := c.run(cmd.args...)
				quiet(cmd.name, r)
				cmd.check(r)
			}
			// request, then acquire as the device: the pending request
			// becomes a picture.
			r := c.run("request", "--interaction", d.InteractionID, "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID, "--type", "meter")
			quiet("request", r)
			id := strings.TrimSpace(r.stdout)
			r = c.run("acquire", id, pic, "--type", "meter", "--user-endpoint-id", d.UserEndpointID)
			quiet("acquire", r)
			if s, _ := srv.Snapshot(id); s.State != client.StateUploaded {
				t.Errorf("acquire: %s; snapshot %+v", r, s)
			}
			// events: a live stream that shows a new event.
			followOneEvent(t, c, srv, d)
			// Completion asks the same server for ids.
			if r := c.run("__complete", "get", ""); r.code != 0 || !slices.Contains(lines(r.stdout), id) {
				t.Errorf("__complete get: %s", r)
			}
		})
	}
}

// followOneEvent runs `snapdash events --json`, waits until it is live,
// makes an event and waits for it, then interrupts it: exit 0.
func followOneEvent(t *testing.T, c *cli, srv *sim.Server, d sim.Device) {
	t.Helper()
	f := followCLI(t, c, "events", "--json", "--interaction", d.InteractionID)
	f.waitStderr("live")
	c.ok("camera", "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID, "--type", "FLASH_OFF")
	if ev := f.next("the camera request"); ev["type"] != client.EventSnapshotCameraRequested {
		t.Errorf("events: %v (stderr %s)", ev, f.stderr.String())
	}
	f.interrupt()
}

// sameJSON compares two JSON texts as parsed values: every member, every
// null and number, every string as the server wrote it.
func sameJSON(t *testing.T, name string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: output is not JSON: %v\n%s", name, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: the server's object is not JSON: %v", name, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}
