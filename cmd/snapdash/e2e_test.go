package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/journal"
)

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		r := c.ok(args...)
		if !strings.HasPrefix(r.stdout, "snapdash "+testVersion+"\ncommit:   0123456789ab\ndate:     "+testDate+"\n") ||
			!strings.Contains(r.stdout, "\ngo:       go1.") ||
			!strings.Contains(r.stdout, "\nplatform: "+runtime.GOOS+"/"+runtime.GOARCH+"\n") {
			t.Errorf("%v: %q", args, r.stdout)
		}
	}
	var v buildInfo
	if err := json.Unmarshal([]byte(c.ok("version", "--json").stdout), &v); err != nil || v.Version != testVersion || v.Commit != testCommit || v.Date != testDate || v.OS != runtime.GOOS || v.Go == "" {
		t.Errorf("version --json: %+v %v", v, err)
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		r := c.ok(args...)
		for _, want := range []string{"approve", "camera", "events", "sim", "SNAPDASH_SERVER", "--client-secret"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%v: no %q in\n%s", args, want, r.stdout)
			}
		}
	}
	for _, args := range [][]string{{"approve", "-h"}, {"help", "approve"}} {
		r := c.ok(args...)
		if !strings.Contains(r.stdout, "Usage: snapdash approve ID") || !strings.Contains(r.stdout, "--type") {
			t.Errorf("%v:\n%s", args, r.stdout)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `snapdash: unknown command "bogus" (see snapdash help)` + "\n"},
		{[]string{"approve"}, "snapdash: approve: missing ID (see snapdash approve -h)\n"},
		{[]string{"approve", "a", "b"}, `snapdash: approve: unexpected argument "b" (see snapdash approve -h)` + "\n"},
		{[]string{"get", "x", "--nope"}, "snapdash: get: unknown flag --nope (see snapdash get -h)\n"},
		{[]string{"camera", "--target-user", "u", "--target-endpoint", "e", "--type", "ZOOM"}, "--type \"ZOOM\": want CAMERA_SWITCH, FLASH_ON or FLASH_OFF"},
		{[]string{"fetch", "x"}, "-o FILE is required"},
		{[]string{"interactions", "--since", "soon"}, `"soon" is not a duration`},
	}
	for _, tc := range cases {
		r := c.run(tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%v: want exit 2 and %q, got %s", tc.args, tc.want, r)
		}
		if n := len(lines(r.stderr)); n != 1 {
			t.Errorf("%v: want a one-line error, got %d lines", tc.args, n)
		}
	}
}

func TestNotConfigured(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	for _, args := range [][]string{nil, {"interactions"}} {
		r := c.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, "snapdash demo") || !strings.Contains(r.stderr, "SNAPDASH_SERVER") {
			t.Errorf("%v: %s", args, r)
		}
	}
	// A server but no credentials.
	c = newCLI(t, map[string]string{"SNAPDASH_SERVER": "http://127.0.0.1:1"})
	if r := c.run("list", "--interaction", "i"); r.code != 1 || !strings.Contains(r.stderr, "no credentials") {
		t.Errorf("no credentials: %s", r)
	}
}

// TestInteractionsListGet follows a script reading down the tree: the
// interactions, one interaction's snapshots, one snapshot, each as a table
// and as JSON.
func TestInteractionsListGet(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	in := checkInteractionsCommand(t, c, srv)
	snap := checkListCommand(t, c, srv, in)
	checkGetCommand(t, c, srv, in, snap)
}

// checkInteractionsCommand: the table has a header and one clean row per
// interaction, the JSON every interaction. It returns the first one's ID.
func checkInteractionsCommand(t *testing.T, c *cli, srv *sim.Server) string {
	t.Helper()
	r := c.ok("interactions", "--since", "7d")
	rows := lines(r.stdout)
	if !strings.HasPrefix(rows[0], "ID ") || !strings.Contains(rows[0], "CUSTOMER") {
		t.Errorf("header: %q", rows[0])
	}
	if len(rows)-1 != len(srv.Interactions()) {
		t.Errorf("%d rows for %d interactions:\n%s", len(rows)-1, len(srv.Interactions()), r.stdout)
	}
	if strings.ContainsRune(r.stdout, 0x1b) || strings.ContainsRune(r.stdout, 0x07) {
		t.Errorf("a control character reached the terminal: %q", r.stdout)
	}

	var ins []client.Interaction
	if err := json.Unmarshal([]byte(c.ok("interactions", "--json", "--since", "7d").stdout), &ins); err != nil {
		t.Fatal(err)
	}
	if len(ins) != len(srv.Interactions()) || ins[0].ID == "" || ins[0].OrganizationID == "" {
		t.Fatalf("interactions --json: %+v", ins)
	}
	return ins[0].ID
}

// checkListCommand: the interaction's snapshots as JSON, and as a table
// with one row each showing its ID and state. It returns the first.
func checkListCommand(t *testing.T, c *cli, srv *sim.Server, in string) client.Snapshot {
	t.Helper()
	var snaps []client.Snapshot
	if err := json.Unmarshal([]byte(c.ok("list", "--interaction", in, "--json").stdout), &snaps); err != nil {
		t.Fatal(err)
	}
	if len(snaps) == 0 {
		t.Fatal("no snapshots in the demo interaction")
	}
	r := c.ok("list", "--interaction", in)
	if got := len(lines(r.stdout)) - 1; got != len(snaps) {
		t.Errorf("list: %d rows, %d snapshots:\n%s", got, len(snaps), r.stdout)
	}
	want, _ := srv.Snapshot(snaps[0].ID)
	if !strings.Contains(r.stdout, snaps[0].ID) || !strings.Contains(r.stdout, string(want.State)) {
		t.Errorf("list:\n%s", r.stdout)
	}
	return snaps[0]
}

// checkGetCommand: one snapshot as JSON (the API's field names), as text,
// and an unknown one refused in one line.
func checkGetCommand(t *testing.T, c *cli, srv *sim.Server, in string, snap client.Snapshot) {
	t.Helper()
	want, _ := srv.Snapshot(snap.ID)
	var got client.Snapshot
	if err := json.Unmarshal([]byte(c.ok("get", snap.ID, "--json").stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || got.State != want.State || got.InteractionID != in {
		t.Errorf("get --json: %+v, want %+v", got, want)
	}
	// The raw JSON uses the API's field names.
	raw := c.ok("get", "--json", snap.ID).stdout
	for _, key := range []string{`"id"`, `"interactionId"`, `"state"`, `"requesterUserId"`} {
		if !strings.Contains(raw, key) {
			t.Errorf("get --json lacks %s:\n%s", key, raw)
		}
	}
	r := c.ok("get", snap.ID)
	if !strings.Contains(r.stdout, "state:") || !strings.Contains(r.stdout, snap.ID) {
		t.Errorf("get:\n%s", r.stdout)
	}
	r = c.run("get", "no-such-snapshot")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "snapdash: get snapshot no-such-snapshot: 400") || len(lines(r.stderr)) != 1 {
		t.Errorf("get unknown: %s", r)
	}
}

func TestApproveDiscard(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	a := snapshotIn(t, srv, client.StateUploaded)
	b := snapshotIn(t, srv, client.StateUploaded, a.ID)

	// Flags after the positional argument.
	r := c.ok("approve", a.ID, "--type", "meter")
	if r.stdout != "approved "+a.ID+"\n" {
		t.Errorf("approve: %q", r.stdout)
	}
	if s, _ := srv.Snapshot(a.ID); s.State != client.StateApproved || s.Type != "meter" {
		t.Errorf("after approve: state %s type %s", s.State, s.Type)
	}

	r = c.run("approve", a.ID)
	if r.code != 1 || r.stderr != "snapdash: approve "+a.ID+": 400 state: snapshot is APPROVED\n" || r.stdout != "" {
		t.Errorf("approve twice: %s", r)
	}
	r = c.run("discard", a.ID)
	if r.code != 1 || r.stderr != "snapdash: discard "+a.ID+": 400 state: snapshot is APPROVED\n" {
		t.Errorf("discard approved: %s", r)
	}

	var got client.Snapshot
	if err := json.Unmarshal([]byte(c.ok("discard", b.ID, "--json").stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != b.ID || got.State != client.StateDiscarded {
		t.Errorf("discard --json: %+v", got)
	}
	if s, _ := srv.Snapshot(b.ID); s.State != client.StateDiscarded {
		t.Errorf("after discard: %s", s.State)
	}
}

func TestRequestAcquireUpload(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false) // no simulated devices: the request stays pending
	c := newCLI(t, agentEnv(srv))
	d := device(t, srv, true)
	pic := writeJPEG(t)

	r := c.ok("request", "--interaction", d.InteractionID, "--target-user", d.UserID,
		"--target-endpoint", d.UserEndpointID, "--type", "meter", "--session-type", "CALL", "--session-id", "s-1")
	id := strings.TrimSpace(r.stdout)
	if id == "" || strings.Contains(id, "\n") {
		t.Fatalf("request printed %q", r.stdout)
	}

	// The customer's device answers from its own user endpoint.
	r = c.ok("acquire", id, pic, "--type", "meter", "--user-endpoint-id", d.UserEndpointID)
	if r.stdout != "acquired "+id+"\n" {
		t.Errorf("acquire: %q", r.stdout)
	}
	s, ok := srv.Snapshot(id)
	if !ok || s.State != client.StateUploaded || s.Type != "meter" || s.InteractionID != d.InteractionID {
		t.Errorf("after acquire: %+v", s)
	}
	want, err := os.ReadFile(pic)
	if err != nil {
		t.Fatal(err)
	}
	if img, _, _ := srv.ImageBytes(id); !bytes.Equal(img, want) {
		t.Error("acquired picture differs from the file")
	}
	// The journal keeps the acquire like any other action.
	j, err := journal.Open(filepath.Join(c.env["HOME"], ".local", "state", "snapdash", journal.FileName), journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	acts, err := j.Actions(t.Context(), journal.Filter{})
	j.Close()
	found := false
	for _, a := range acts {
		found = found || (a.Kind == journal.ActAcquire && a.Snapshot == id && a.Detail == "meter" && a.Err == "")
	}
	if err != nil || !found {
		t.Errorf("the journal has no acquire of %s: %+v %v", id, acts, err)
	}

	// The simulator answers the upload with an empty 204, as the vendor
	// does: --json prints the snapshot the upload made.
	var res client.Snapshot
	r = c.ok("upload", pic, "--interaction", d.InteractionID, "--target-user", d.UserID,
		"--target-endpoint", d.UserEndpointID, "--type", "other", "--related", id, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.ID == "" {
		t.Fatalf("upload --json: %q %v", r.stdout, err)
	}
	if s, ok := srv.Snapshot(res.ID); !ok || s.RelatedSnapshotID != id || s.Type != "other" {
		t.Errorf("uploaded: %+v", s)
	}

	r = c.run("upload", filepath.Join(t.TempDir(), "missing.jpg"), "--interaction", d.InteractionID,
		"--target-user", d.UserID, "--target-endpoint", d.UserEndpointID, "--type", "other")
	if r.code != 1 || !strings.Contains(r.stderr, "missing.jpg") {
		t.Errorf("upload of a missing file: %s", r)
	}
}

func TestURLAndFetch(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	s := snapshotIn(t, srv, client.StateUploaded)
	want, mime, ok := srv.ImageBytes(s.ID)
	if !ok {
		t.Fatal("no picture")
	}

	for _, args := range [][]string{{"url", s.ID}, {"url", s.ID, "--internal"}} {
		u := strings.TrimSpace(c.ok(args...).stdout)
		if !strings.HasPrefix(u, srv.URL()+"/") {
			t.Fatalf("%v: %q", args, u)
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(body, want) {
			t.Errorf("%v: GET %s: %d, %d bytes", args, u, resp.StatusCode, len(body))
		}
	}
	var su client.SignedURL
	if err := json.Unmarshal([]byte(c.ok("url", "--json", "--internal", s.ID).stdout), &su); err != nil || su.URL == "" || su.ValidUntil == nil {
		t.Errorf("url --json: %+v %v", su, err)
	}

	dir := t.TempDir()
	out := filepath.Join(dir, "pic.jpg")
	r := c.ok("fetch", s.ID, "-o", out)
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("fetch -o: %v (%d bytes)", err, len(got))
	}
	if !strings.Contains(r.stdout, mime) {
		t.Errorf("fetch message: %q", r.stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("fetch left temporary files: %v", entries)
	}
	if info, _ := os.Stat(out); info.Mode().Perm()&0o077 != 0 {
		t.Errorf("fetched picture mode %v", info.Mode())
	}
	if r := c.ok("fetch", "-o", "-", s.ID); r.stdout != string(want) {
		t.Errorf("fetch -o -: %d bytes", len(r.stdout))
	}
	r = c.run("fetch", "nope", "-o", filepath.Join(dir, "nope.jpg"))
	if r.code != 1 || !strings.Contains(r.stderr, "nope") {
		t.Errorf("fetch unknown: %s", r)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("failed fetch left files: %v", entries)
	}
}

func TestCameraWait(t *testing.T) {
	t.Parallel()
	srv := startSim(t, true)
	c := newCLI(t, agentEnv(srv))
	noFlash := device(t, srv, false)
	r := c.run("camera", "--target-user", noFlash.UserID, "--target-endpoint", noFlash.UserEndpointID,
		"--type", "FLASH_ON", "--wait", "--timeout", "20s")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "FLASH_ON ") || !strings.Contains(r.stdout, ": failed") {
		t.Errorf("flash on a device without flash: %s", r)
	}

	flash := device(t, srv, true)
	r = c.ok("camera", "--target-user", flash.UserID, "--target-endpoint", flash.UserEndpointID,
		"--type", "FLASH_ON", "--wait", "--json")
	var ev map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &ev); err != nil {
		t.Fatalf("camera --wait --json: %q", r.stdout)
	}
	if ev["type"] != client.EventSnapshotCameraRequestProcessed || ev["succeeded"] != true || ev["snapshotCameraRequestId"] == "" {
		t.Errorf("camera event: %v", ev)
	}

	r = c.ok("camera", "--target-user", flash.UserID, "--target-endpoint", flash.UserEndpointID, "--type", "CAMERA_SWITCH")
	if id := strings.TrimSpace(r.stdout); id == "" || strings.Contains(id, " ") {
		t.Errorf("camera without --wait: %q", r.stdout)
	}
}

func TestEventsJSON(t *testing.T) {
	t.Parallel()
	srv := startSim(t, true)
	logFile := filepath.Join(t.TempDir(), "events.log")
	c := newCLI(t, agentEnv(srv))
	d := device(t, srv, true)

	f := followCLI(t, c, "events", "--json", "--interaction", d.InteractionID, "--log-file", logFile)
	f.waitStderr("live")
	// A request to a simulated device produces requested + acquired events.
	c.ok("request", "--interaction", d.InteractionID, "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID, "--type", "meter")

	var types []string
	for len(types) < 2 {
		ev := f.next(fmt.Sprintf("event %d after %v", len(types)+1, types))
		if ev["interactionId"] != d.InteractionID || ev["timestamp"] == nil {
			t.Errorf("event %v", ev)
		}
		types = append(types, fmt.Sprint(ev["type"]))
	}
	if !slices.Contains(types, client.EventSnapshotRequested) {
		t.Errorf("events: %v", types)
	}
	f.interrupt()
	// The user endpoint registered for the command was unregistered at exit.
	log, _ := os.ReadFile(logFile)
	if !strings.Contains(string(log), `op="register endpoint"`) || !strings.Contains(string(log), "op=unregister") {
		t.Errorf("endpoint lifecycle not in the log:\n%s", log)
	}
}
