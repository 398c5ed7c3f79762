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
	d := superviseDemo(t, ctx, s, dir)
	defer d.stream.Close()
	rows := d.check("demo")

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
	target := rows[len(rows)-1]
	sid := requestAsAgent(t, ctx, s, d.ins, target.InteractionID)
	d.catchUp()
	for _, r := range d.check("after request") {
		if r.InteractionID == target.InteractionID && r.Pending != target.Pending+1 {
			t.Fatalf("request %s: pending %d, want %d", sid, r.Pending, target.Pending+1)
		}
	}
}

// demoWatch is what a supervisor's watch view is built from: the demo's
// interactions, their snapshots as listed, and the events streamed.
type demoWatch struct {
	t      *testing.T
	ctx    context.Context
	sup    *client.Client
	dir    string   // the simulator's state directory
	truth  simTruth // its own record, when the stream was last read
	stream *client.Stream
	ins    []client.Interaction
	snaps  map[string][]client.Snapshot
	listed map[string]bool
	evs    []client.Event
}

// superviseDemo connects to s as a supervisor, reads the stream from the
// demo's first event to its last, and lists the last day's interactions
// and their snapshots.
func superviseDemo(t *testing.T, ctx context.Context, s *sim.Server, dir string) *demoWatch {
	t.Helper()
	sup, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(sim.RoleSupervisor, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := sup.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	d := &demoWatch{t: t, ctx: ctx, sup: sup, dir: dir, snaps: map[string][]client.Snapshot{}, listed: map[string]bool{}}
	// A fresh stream starts at new events; resuming after the first one
	// replays the demo's history, as a reconnect would.
	d.stream = sup.Stream(ctx, client.StreamOptions{UserEndpointID: ep, LastEventID: 1})
	d.truth = readTruth(t, dir)
	d.evs = collect(t, d.stream, nil, d.truth.Seq)
	d.ins, err = sup.ListInteractions(ctx, t0.Add(-24*time.Hour), t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ins) == 0 {
		t.Fatal("no demo interactions")
	}
	d.list()
	return d
}

// list lists every interaction's snapshots again.
func (d *demoWatch) list() {
	for _, in := range d.ins {
		l, err := d.sup.ListSnapshots(d.ctx, in.ID)
		if err != nil {
			d.t.Fatal(err)
		}
		d.snaps[in.ID] = l
		for _, sn := range l {
			d.listed[sn.ID] = true
		}
	}
}

// catchUp reads the stream up to the simulator's last event and lists the
// snapshots again.
func (d *demoWatch) catchUp() {
	d.truth = readTruth(d.t, d.dir)
	d.evs = collect(d.t, d.stream, d.evs, d.truth.Seq)
	d.list()
}

// check builds the rows and checks every interaction's counts against the
// simulator's own record as last read; the demo must have pictures both pending and
// awaiting review.
func (d *demoWatch) check(stage string) []Row {
	t := d.t
	t.Helper()
	pending, last := fold(d.evs, d.listed)
	rows := Summarize(d.ins, d.snaps, pending, last)
	want := d.truth.expected()
	if len(rows) != len(d.ins) {
		t.Fatalf("%s: %d rows for %d interactions", stage, len(rows), len(d.ins))
	}
	var pend, await int
	for _, r := range rows {
		checkRow(t, stage, r, want[r.InteractionID])
		pend += r.Pending
		await += r.Awaiting
	}
	if pend == 0 || await == 0 {
		t.Fatalf("%s: demo has %d pending and %d awaiting; the test needs both", stage, pend, await)
	}
	return rows
}

// checkRow checks one row's counts against w, and that it names its
// customer, its agent and its last activity.
func checkRow(t *testing.T, stage string, r, w Row) {
	t.Helper()
	if r.Pending != w.Pending || r.Awaiting != w.Awaiting || r.Approved != w.Approved ||
		r.Discarded != w.Discarded || !r.OldestAwaiting.Equal(w.OldestAwaiting) {
		t.Errorf("%s: %s (%q)\n got  P%d A%d ok%d x%d %v\n want P%d A%d ok%d x%d %v", stage, r.InteractionID,
			r.Customer, r.Pending, r.Awaiting, r.Approved, r.Discarded, r.OldestAwaiting,
			w.Pending, w.Awaiting, w.Approved, w.Discarded, w.OldestAwaiting)
	}
	if r.Customer == "" || r.Agent != sim.AgentUserID || r.LastActivity.IsZero() {
		t.Errorf("%s: %s: customer %q agent %q last %v", stage, r.InteractionID, r.Customer, r.Agent, r.LastActivity)
	}
}

// requestAsAgent requests, as the agent, a meter snapshot of the customer
// of the interaction iid, and returns its id.
func requestAsAgent(t *testing.T, ctx context.Context, s *sim.Server, ins []client.Interaction, iid string) string {
	t.Helper()
	agent, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	aep, err := agent.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		CustomerUserID         string `json:"customerUserId"`
		CustomerUserEndpointID string `json:"customerUserEndpointId"`
		ApplicationID          string `json:"applicationId"`
	}
	for _, in := range ins {
		if in.ID == iid {
			_ = json.Unmarshal(in.Data, &data)
		}
	}
	res, err := agent.Request(ctx, client.SnapshotRequestCommand{ApplicationID: data.ApplicationID,
		UserEndpointID: aep, TargetUserID: data.CustomerUserID, TargetUserEndpointID: data.CustomerUserEndpointID,
		InteractionID: iid, SnapshotType: "meter"})
	if err != nil {
		t.Fatal(err)
	}
	return res.SnapshotID
}
