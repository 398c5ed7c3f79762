package watch

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/views/common"
)

// simTruth is the simulator's own record of every snapshot, pending requests
// included, read from the state file it saves after every change. The API
// does not list pending requests, so this is the independent answer.
type simTruth struct {
	Seq       uint64 `json:"seq"`
	Snapshots map[string]struct {
		Snapshot client.Snapshot `json:"snapshot"`
		Pending  bool            `json:"pending"`
	} `json:"snapshots"`
}

func readTruth(t *testing.T, dir string) simTruth {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st simTruth
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// expected computes each interaction's counts from the simulator's state.
func (st simTruth) expected() map[string]Row {
	out := map[string]Row{}
	for _, rec := range st.Snapshots {
		s := rec.Snapshot
		r := out[s.InteractionID]
		switch {
		case rec.Pending:
			r.Pending++
		case s.State == client.StateUploaded:
			r.Awaiting++
			if at := arrived(s); r.OldestAwaiting.IsZero() || at.Before(r.OldestAwaiting) {
				r.OldestAwaiting = at
			}
		case s.State == client.StateApproved:
			r.Approved++
		case s.State == client.StateDiscarded:
			r.Discarded++
		}
		out[s.InteractionID] = r
	}
	return out
}

// fold is what the root does with events: a request is pending until its
// picture arrives or a listing shows it; every event is activity.
func fold(evs []client.Event, listed map[string]bool) (map[string]int, map[string]time.Time) {
	req := map[string]string{}
	last := map[string]time.Time{}
	for _, ev := range evs {
		if ev.InteractionID != "" && ev.Timestamp.After(last[ev.InteractionID]) {
			last[ev.InteractionID] = ev.Timestamp
		}
		switch ev.Type {
		case client.EventSnapshotRequested:
			req[ev.SnapshotID] = ev.InteractionID
		case client.EventSnapshotAcquired, client.EventSnapshotApproved, client.EventSnapshotDiscarded:
			delete(req, ev.SnapshotID)
		}
	}
	pending := map[string]int{}
	for sid, iid := range req {
		if !listed[sid] {
			pending[iid]++
		}
	}
	return pending, last
}

// collect reads the stream until the event with sequence number seq.
func collect(t *testing.T, st *client.Stream, evs []client.Event, seq uint64) []client.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for len(evs) == 0 || evs[len(evs)-1].Seq < seq {
		select {
		case u, ok := <-st.Updates():
			if !ok {
				t.Fatal("stream closed")
			}
			evs = append(evs, u.Events...)
		case <-deadline:
			t.Fatalf("stream: no event %d after 10s (%d events)", seq, len(evs))
		}
	}
	return evs
}

// TestRealSimulatorDemo builds the watch rows from the real simulator's demo
// data through the real client over loopback, as a supervisor, and checks
// every count against the simulator's own state, before and after a live
// request.
func TestRealSimulatorDemo(t *testing.T) {
	dir := t.TempDir()
	s, err := sim.New(sim.Options{Seed: 1, Demo: true, Now: fixedNow, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sup, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(sim.RoleSupervisor, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := sup.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	truth := readTruth(t, dir)
	// A fresh stream starts at new events; resuming after the first one
	// replays the demo's history, as a reconnect would.
	stream := sup.Stream(ctx, client.StreamOptions{UserEndpointID: ep, LastEventID: 1})
	defer stream.Close()
	evs := collect(t, stream, nil, truth.Seq)

	ins, err := sup.ListInteractions(ctx, t0.Add(-24*time.Hour), t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) == 0 {
		t.Fatal("no demo interactions")
	}
	snaps := map[string][]client.Snapshot{}
	listed := map[string]bool{}
	list := func() {
		for _, in := range ins {
			l, err := sup.ListSnapshots(ctx, in.ID)
			if err != nil {
				t.Fatal(err)
			}
			snaps[in.ID] = l
			for _, sn := range l {
				listed[sn.ID] = true
			}
		}
	}
	list()
	check := func(stage string) []Row {
		t.Helper()
		pending, last := fold(evs, listed)
		rows := Summarize(ins, snaps, pending, last)
		want := truth.expected()
		if len(rows) != len(ins) {
			t.Fatalf("%s: %d rows for %d interactions", stage, len(rows), len(ins))
		}
		var pend, await int
		for _, r := range rows {
			w := want[r.InteractionID]
			if r.Pending != w.Pending || r.Awaiting != w.Awaiting || r.Approved != w.Approved ||
				r.Discarded != w.Discarded || !r.OldestAwaiting.Equal(w.OldestAwaiting) {
				t.Errorf("%s: %s (%q)\n got  P%d A%d ok%d x%d %v\n want P%d A%d ok%d x%d %v", stage, r.InteractionID,
					r.Customer, r.Pending, r.Awaiting, r.Approved, r.Discarded, r.OldestAwaiting,
					w.Pending, w.Awaiting, w.Approved, w.Discarded, w.OldestAwaiting)
			}
			if r.Customer == "" || r.Agent != sim.AgentUserID || r.LastActivity.IsZero() {
				t.Errorf("%s: %s: customer %q agent %q last %v", stage, r.InteractionID, r.Customer, r.Agent, r.LastActivity)
			}
			pend += r.Pending
			await += r.Awaiting
		}
		if pend == 0 || await == 0 {
			t.Fatalf("%s: demo has %d pending and %d awaiting; the test needs both", stage, pend, await)
		}
		return rows
	}
	rows := check("demo")

	m := New(common.New(styles(t), fixedNow, time.UTC), Thresholds{})
	m.SetSize(120, 20)
	m.SetRows(rows)
	out := m.View()
	if strings.Contains(out, "\x1b") || strings.Contains(out, "pwned") || !strings.Contains(out, "Mallory") {
		t.Fatalf("hostile demo name not sanitized:\n%q", out)
	}
	if crit, _ := m.Counts(); crit == 0 {
		t.Fatalf("demo pictures are hours old, yet nothing is critical:\n%s", out)
	}

	// A live request as the agent: the supervisor's stream sees it pending.
	agent, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	aep, err := agent.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	target := rows[len(rows)-1]
	var data struct {
		CustomerUserID         string `json:"customerUserId"`
		CustomerUserEndpointID string `json:"customerUserEndpointId"`
		ApplicationID          string `json:"applicationId"`
	}
	for _, in := range ins {
		if in.ID == target.InteractionID {
			_ = json.Unmarshal(in.Data, &data)
		}
	}
	res, err := agent.Request(ctx, client.SnapshotRequestCommand{ApplicationID: data.ApplicationID,
		UserEndpointID: aep, TargetUserID: data.CustomerUserID, TargetUserEndpointID: data.CustomerUserEndpointID,
		InteractionID: target.InteractionID, SnapshotType: "meter"})
	if err != nil {
		t.Fatal(err)
	}
	truth = readTruth(t, dir)
	evs = collect(t, stream, evs, truth.Seq)
	list()
	rows = check("after request")
	for _, r := range rows {
		if r.InteractionID == target.InteractionID && r.Pending != target.Pending+1 {
			t.Fatalf("request %s: pending %d, want %d", res.SnapshotID, r.Pending, target.Pending+1)
		}
	}
}
