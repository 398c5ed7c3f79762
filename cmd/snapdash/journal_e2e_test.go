package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/journal"
)

// TestJournalEndToEnd runs the built binary: `events` records the stream
// while `request` and `approve` (other processes) record their actions in
// the same journal; then `report` reads it back with the server.
func TestJournalEndToEnd(t *testing.T) {
	t.Parallel()
	srv := startSim(t, true)
	state := t.TempDir()
	env := agentEnv(srv)
	env["XDG_STATE_HOME"] = state
	c := newCLI(t, env)
	d := device(t, srv, true)

	snap := reviewWhileStreaming(t, c, d)
	path := filepath.Join(state, "snapdash", journal.FileName)
	checkJournalOf(t, path, snap)

	r := c.ok("report", "--since", "1h", "--json")
	var rep struct {
		Journal, Server bool
		Total           reportGroupJSON
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Journal || !rep.Server || rep.Total.Approved < 1 || rep.Total.Reviewed < 1 {
		t.Errorf("report %+v", rep)
	}

	// A corrupt journal: the action still happens, one line says so.
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	other := snapshotIn(t, srv, client.StateUploaded, snap)
	r = c.run("discard", other.ID)
	if r.code != 0 || !strings.Contains(r.stdout, "discarded") || len(lines(r.stderr)) != 1 ||
		!strings.Contains(r.stderr, "is corrupt") || !strings.Contains(r.stderr, "going on without it") {
		t.Errorf("discard with a corrupt journal: %s", r)
	}
}

// reviewWhileStreaming runs `events --json` on d's interaction and, once it
// is live, requests a meter snapshot of d and approves it, each step seen in
// the stream before the next; then it interrupts `events`, which must end
// cleanly. It returns the snapshot's id.
func reviewWhileStreaming(t *testing.T, c *cli, d sim.Device) string {
	t.Helper()
	cmd := c.command(t.Context(), "events", "--json", "--interaction", d.InteractionID)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(stderr.String(), "live") {
		if time.Now().After(deadline) {
			t.Fatalf("the stream never became live: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r := c.ok("request", "--interaction", d.InteractionID, "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID, "--type", "meter")
	snap := strings.TrimSpace(r.stdout)
	dec := json.NewDecoder(stdout)
	wait := func(typ string) {
		t.Helper()
		for {
			var ev map[string]any
			if err := dec.Decode(&ev); err != nil {
				t.Fatalf("waiting for %s: %v (stderr %s)", typ, err, stderr.String())
			}
			if ev["type"] == typ && ev["snapshotId"] == snap {
				return
			}
		}
	}
	wait(client.EventSnapshotAcquired)
	c.ok("approve", snap)
	wait(client.EventSnapshotApproved)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("events after SIGINT: %v (stderr %s)", err, stderr.String())
	}
	return snap
}

// checkJournalOf checks the private journal at path: the stream's events of
// snap (requested, acquired, approved) and the request and approve actions,
// by the agent, both succeeded.
func checkJournalOf(t *testing.T, path, snap string) {
	t.Helper()
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("journal %v, %v", info, err)
	}
	j, err := journal.Open(path, journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	err = j.Events(context.Background(), journal.Filter{}, func(ev client.Event) {
		if ev.SnapshotID == snap {
			seen[ev.Type] = true
		}
	})
	acts, aerr := j.Actions(context.Background(), journal.Filter{})
	j.Close()
	if err != nil || aerr != nil {
		t.Fatal(err, aerr)
	}
	for _, typ := range []string{client.EventSnapshotRequested, client.EventSnapshotAcquired, client.EventSnapshotApproved} {
		if !seen[typ] {
			t.Errorf("the journal has no %s of %s (has %v)", typ, snap, seen)
		}
	}
	kinds := map[string]string{}
	for _, a := range acts {
		if a.Snapshot == snap {
			kinds[a.Kind] = a.Source + " " + a.User + " " + a.Err
		}
	}
	if kinds["request"] != "request agent-ada.lovelace " || kinds["approve"] != "approve agent-ada.lovelace " {
		t.Errorf("actions of %s: %q", snap, kinds)
	}
}
