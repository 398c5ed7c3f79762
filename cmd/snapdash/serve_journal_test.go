//go:build !windows

package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/journal"
	"github.com/snapdash/snapdash/internal/termtest"
)

// TestServeOneJournal: two SSH sessions of one `snapdash serve` write one
// journal, every event the server replayed kept once, by "serve".
func TestServeOneJournal(t *testing.T) {
	t.Parallel()
	s, err := sim.New(sim.Options{Seed: 7, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	token := s.IssueToken(sim.RoleAgent, time.Hour)

	// What the server replays to a fresh stream: every event up to a
	// marker published last.
	s.Publish(client.Event{Type: client.EventSnapshotCameraRequested, ID: "marker", SnapshotCameraRequestID: "marker"})
	c, err := client.New(client.Config{Server: s.URL(), Token: token})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ep, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stream(ctx, client.StreamOptions{UserEndpointID: ep, Replay: true})
	want := map[string]bool{}
	for !want["marker"] {
		select {
		case u := <-st.Updates():
			for _, ev := range u.Events {
				want[ev.ID] = true
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("no marker after 15s (%d events)", len(want))
		}
	}
	st.Close()

	state := t.TempDir()
	r := startServe(t, map[string]string{"SNAPDASH_SERVER": s.URL(), "SNAPDASH_TOKEN": token, "XDG_STATE_HOME": state},
		"reviewer@e2e", "", 2*time.Minute)
	var screens []*termtest.Term
	for range 2 {
		_, _, sc := r.shell(t)
		screens = append(screens, sc)
	}
	for _, sc := range screens {
		sc.WaitFor("Kenji Watanabe", "live")
	}
	// Every replayed event reaches the journal (serve writes it in the
	// background; this process reads alongside), then serve stops.
	j, err := journal.Open(filepath.Join(state, "snapdash", journal.FileName), journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, _, err := j.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n >= int64(len(want)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the journal holds %d events after 20s, want %d", n, len(want))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := r.stop(t); err != nil {
		t.Fatalf("serve: %v (stderr %s)", err, r.stderr.String())
	}
	n, _, err := j.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := j.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(want)) || sources["serve"] != len(want) {
		t.Errorf("journal: %d events (by source %v), want the %d replayed, once each", n, sources, len(want))
	}
}
