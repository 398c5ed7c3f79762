package insight

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

var t0 = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func at(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

func evs() []client.Event {
	return []client.Event{
		{ID: "1", Type: client.EventSnapshotRequested, InteractionID: "i1", SnapshotID: "a", UserID: "ana", SnapshotType: "meter", Timestamp: at(0)},
		{ID: "2", Type: client.EventSnapshotAcquired, InteractionID: "i1", SnapshotID: "a", Timestamp: at(1)},
		{ID: "3", Type: client.EventSnapshotApproved, InteractionID: "i1", SnapshotID: "a", Timestamp: at(4)},
		{ID: "4", Type: client.EventSnapshotAcquired, InteractionID: "i2", SnapshotID: "b", SnapshotType: "car", Timestamp: at(2)},
		{ID: "5", Type: client.EventSnapshotDiscarded, InteractionID: "i2", SnapshotID: "b", Timestamp: at(12)},
		{ID: "6", Type: client.EventSnapshotAcquired, InteractionID: "i2", SnapshotID: "c", Timestamp: at(13)},
		{ID: "7", Type: client.EventSnapshotCameraRequested, SnapshotCameraRequestID: "k", UserID: "bob", CameraRequestType: client.CameraFlashOn, Timestamp: at(5)},
		{ID: "8", Type: client.EventSnapshotCameraRequestProcessed, SnapshotCameraRequestID: "k", Succeeded: client.BoolPtr(false), Timestamp: at(6)},
	}
}

// TestFoldOrderFree: the same events in any order and repeated fold to
// the same pictures (replays, several processes, a journal read unordered).
func TestFoldOrderFree(t *testing.T) {
	want := NewFold()
	want.Interaction(client.Interaction{ID: "i2", Data: json.RawMessage(`{"agentUserId":"bob"}`)})
	for _, ev := range evs() {
		want.Event(ev)
	}
	base := want.Pictures()
	if len(base) != 3 || base[0].ID != "a" || base[0].Agent != "ana" || base[0].State != client.StateApproved ||
		base[1].ID != "b" || base[1].Agent != "bob" || base[1].State != client.StateDiscarded || base[2].State != client.StateUploaded {
		t.Fatalf("pictures %+v", base)
	}
	if d, ok := base[0].ReviewTime(); !ok || d != 3*time.Minute {
		t.Errorf("a's review time %v %t", d, ok)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		e := append(evs(), evs()[rng.IntN(8)])
		rng.Shuffle(len(e), func(i, j int) { e[i], e[j] = e[j], e[i] })
		f := NewFold()
		f.Interaction(client.Interaction{ID: "i2", Data: json.RawMessage(`{"agentUserId":"bob"}`)})
		for _, ev := range e {
			f.Event(ev)
		}
		got := f.Pictures()
		for i := range base {
			if got[i] != base[i] {
				t.Fatalf("order %v: %+v, want %+v", e, got[i], base[i])
			}
		}
		if c := f.Cameras(); len(c) != 1 || !c[0].Refused() || c[0].Agent != "bob" || c[0].Type != client.CameraFlashOn {
			t.Fatalf("cameras %+v", c)
		}
	}
}

// TestFoldListing: the server's listing wins on the state; a review nobody
// saw has an unknown time; a listing never undoes a review seen.
func TestFoldListing(t *testing.T) {
	f := NewFold()
	for _, ev := range evs() {
		f.Event(ev)
	}
	approved := at(20)
	f.Snapshot(client.Snapshot{ID: "c", InteractionID: "i2", State: client.StateApproved, Timestamp: &approved})
	f.Snapshot(client.Snapshot{ID: "a", InteractionID: "i1", State: client.StateUploaded}) // stale listing
	f.Snapshot(client.Snapshot{ID: "d", InteractionID: "i3", State: client.StateUploaded, RequesterUserID: "cy", Timestamp: &approved})
	ps := map[string]Picture{}
	for _, p := range f.Pictures() {
		ps[p.ID] = p
	}
	if p := ps["c"]; p.State != client.StateApproved || !p.Reviewed.IsZero() || !p.Arrived.Equal(at(13)) {
		t.Errorf("c %+v", p)
	}
	if _, ok := ps["c"]; ok {
		if _, known := func() (time.Duration, bool) { p := ps["c"]; return p.ReviewTime() }(); known {
			t.Error("c's review time is known")
		}
	}
	if p := ps["a"]; p.State != client.StateApproved || !p.Reviewed.Equal(at(4)) {
		t.Errorf("a after a stale listing %+v", p)
	}
	if p := ps["d"]; p.Agent != "cy" || p.State != client.StateUploaded || !p.Arrived.Equal(approved) {
		t.Errorf("d %+v", p)
	}
	if p := ps["c"]; p.Agent != Unknown {
		t.Errorf("c's agent %q", p.Agent)
	}
}

// TestBuckets counts by hand: intervals of 5 minutes over [t0, t0+15m).
func TestBuckets(t *testing.T) {
	f := NewFold()
	for _, ev := range evs() {
		f.Event(ev)
	}
	s := Buckets(f.Pictures(), at(15), 5*time.Minute, 3, nil)
	// a: arrived 1, reviewed 4; b: arrived 2, reviewed 12; c: arrived 13.
	want := Series{Arrived: []int{2, 0, 1}, Reviewed: []int{1, 0, 1}, Backlog: []int{1, 1, 1}}
	for i := range 3 {
		if s.Arrived[i] != want.Arrived[i] || s.Reviewed[i] != want.Reviewed[i] || s.Backlog[i] != want.Backlog[i] {
			t.Fatalf("series %+v, want %+v", s, want)
		}
	}
	if !s.Start.Equal(t0) {
		t.Errorf("start %v", s.Start)
	}
	keepI2 := func(p *Picture) bool { return p.Interaction == "i2" }
	s = Buckets(f.Pictures(), at(15), 5*time.Minute, 3, keepI2)
	if s.Arrived[0] != 1 || s.Backlog[0] != 1 || s.Backlog[1] != 1 || s.Backlog[2] != 1 || s.Reviewed[2] != 1 {
		t.Errorf("i2 %+v", s)
	}
	// A picture still awaiting from before the window counts in every
	// interval's backlog.
	s = Buckets(f.Pictures(), at(60), 5*time.Minute, 3, nil)
	if s.Arrived[0]+s.Arrived[1]+s.Arrived[2] != 0 || s.Backlog[0] != 1 || s.Backlog[2] != 1 {
		t.Errorf("later %+v", s)
	}
}

// TestQuantiles: nearest rank.
func TestQuantiles(t *testing.T) {
	d := func(ms ...int) []time.Duration {
		out := make([]time.Duration, len(ms))
		for i, m := range ms {
			out[i] = time.Duration(m) * time.Minute
		}
		return out
	}
	for _, c := range []struct {
		in          []time.Duration
		p50, p90, m time.Duration
	}{
		{d(5), 5 * time.Minute, 5 * time.Minute, 5 * time.Minute},
		{d(10, 2), 2 * time.Minute, 10 * time.Minute, 10 * time.Minute},
		{d(1, 2, 3), 2 * time.Minute, 3 * time.Minute, 3 * time.Minute},
		{d(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), 5 * time.Minute, 9 * time.Minute, 10 * time.Minute},
	} {
		s := Summarize(c.in)
		if s.Median != c.p50 || s.P90 != c.p90 || s.Max != c.m || s.N != len(c.in) {
			t.Errorf("%v: %+v", c.in, s)
		}
	}
	if s := Summarize(nil); s.N != 0 {
		t.Errorf("empty: %+v", s)
	}
}

// TestReportGroups: a picture counts in the day it arrived, camera
// commands have no type.
func TestReportGroups(t *testing.T) {
	f := NewFold()
	for _, ev := range evs() {
		f.Event(ev)
	}
	r := BuildReport(f.Pictures(), f.Cameras(), t0, at(60), time.UTC, nil)
	if r.Total.Arrived != 3 || r.Total.Approved != 1 || r.Total.Discarded != 1 || r.Total.Awaiting != 1 ||
		r.Total.Review.N != 2 || r.Total.Review.Median != 3*time.Minute || r.Total.Review.P90 != 10*time.Minute ||
		r.Total.CameraSent != 1 || r.Total.CameraRefused != 1 || r.Total.DiscardRate() != 0.5 {
		t.Errorf("total %+v", r.Total)
	}
	if len(r.Types) != 3 || r.Types[0].Key != Unknown || r.Types[1].Key != "car" || r.Types[2].Key != "meter" {
		t.Errorf("types %+v", r.Types)
	}
	if len(r.Agents) != 3 || r.Agents[0].Key != Unknown || r.Agents[1].Key != "ana" || r.Agents[2].Key != "bob" ||
		r.Agents[2].CameraRefused != 1 || r.Agents[2].Arrived != 0 || r.Agents[0].CameraSent != 0 {
		t.Errorf("agents %+v", r.Agents)
	}
	only := BuildReport(f.Pictures(), f.Cameras(), t0, at(60), time.UTC, func(id string) bool { return id == "i1" })
	if only.Total.Arrived != 1 || only.Total.CameraSent != 0 {
		t.Errorf("i1 only %+v", only.Total)
	}
}
