package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/review"
)

// queueModel: int-1 (newer) with s1 uploaded and s2 approved; int-2
// (older) with s3 uploaded and s4 requested.
func queueModel(t *testing.T) *Model {
	t.Helper()
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute), snap("s2", client.StateApproved, 2*time.Minute))
	older := fixedNow().Add(-time.Hour)
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-2", CreatedAt: &older,
		Data: []byte(`{"customerName":"Bo"}`)}}})
	s3 := snap("s3", client.StateUploaded, 3*time.Minute)
	s3.InteractionID = "int-2"
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-2", Snapshots: []client.Snapshot{s3}})
	return m
}

func TestReviewQueueWalksEveryInteraction(t *testing.T) {
	m := queueModel(t)
	if f := m.Focus(); f.Interaction != "int-1" || f.Snapshot != "s1" {
		t.Fatalf("start %+v", f)
	}
	if !strings.Contains(m.View(), "2 to review") {
		t.Fatalf("the header does not count what awaits review:\n%s", m.View())
	}
	press(m, "n")
	if f := m.Focus(); f.Interaction != "int-2" || f.Snapshot != "s3" || f.Pane != "snapshots" {
		t.Fatalf("n went to %+v, want s3 in int-2", f)
	}
	press(m, "n")
	if f := m.Focus(); f.Interaction != "int-1" || f.Snapshot != "s1" {
		t.Fatalf("n did not wrap around: %+v", f)
	}
	press(m, "N")
	if f := m.Focus(); f.Snapshot != "s3" {
		t.Fatalf("N went to %+v, want s3", f)
	}
	// Once both are on their way to approval, nothing awaits.
	press(m, "a", "y", "n", "a", "y")
	press(m, "n")
	if !strings.Contains(m.status.Text, "nothing awaits review") {
		t.Fatalf("status %q", m.status.Text)
	}
}

func TestInteractionsListCountsWhatAwaitsReview(t *testing.T) {
	m := queueModel(t)
	for _, it := range m.inter.Items() {
		want := 1
		if it.Awaiting != want {
			t.Errorf("%s: %d awaiting review, want %d", it.ID, it.Awaiting, want)
		}
	}
	if v := m.View(); !strings.Contains(v, "●1 ") {
		t.Fatalf("the list does not show the count:\n%s", v)
	}
}

// TestBulkReviewAsksOnceAndReportsEach: marks, one question naming the
// count, one operation each; a refused one stays marked.
func TestBulkReviewAsksOnceAndReportsEach(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute), snap("s2", client.StateUploaded, 2*time.Minute),
		snap("s3", client.StateUploaded, 3*time.Minute))
	press(m, " ", " ")
	if r, _ := m.snaps.Row("s1"); !r.Marked {
		t.Fatal("space did not mark s1")
	}
	if f := m.Focus(); f.Snapshot != "s3" {
		t.Fatalf("space did not move on: %+v", f)
	}
	if !strings.Contains(m.View(), "◆") {
		t.Fatalf("no visible mark:\n%s", m.View())
	}
	press(m, "a")
	if f := m.Focus(); f.Dialog != "approve marked" || !strings.Contains(m.View(), "2 marked snapshots") {
		t.Fatalf("a with marks: %+v\n%s", f, m.View())
	}
	press(m, "y")
	if f := m.Focus(); f.InFlight != 2 {
		t.Fatalf("%d in flight, want 2", f.InFlight)
	}
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s1"}})
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s2"},
		Err: &client.APIError{Op: "approve", ID: "s2", Status: 400, Fields: map[string]string{"state": "snapshot is DISCARDED"}}})
	if r, _ := m.snaps.Row("s1"); r.Marked || r.Snapshot.State != client.StateApproved {
		t.Fatalf("s1 after approval: %+v", r)
	}
	if r, _ := m.snaps.Row("s2"); !r.Marked {
		t.Fatal("a refused one was unmarked")
	}
	var ok, bad bool
	for i := 0; i < m.events.Len(); i++ {
		l := m.events.Line(m.events.At(i))
		ok = ok || strings.Contains(l, "approved s1")
		bad = bad || strings.Contains(l, "snapshot is DISCARDED")
	}
	if !ok || !bad {
		t.Fatal("the events pane does not report each outcome")
	}
	// ctrl+a marks every one shown that awaits review; again unmarks.
	press(m, "esc", "ctrl+a")
	if r, _ := m.snaps.Row("s3"); !r.Marked {
		t.Fatal("ctrl+a did not mark s3")
	}
	if r, _ := m.snaps.Row("s1"); r.Marked {
		t.Fatal("ctrl+a marked an approved picture")
	}
	press(m, "ctrl+a")
	if r, _ := m.snaps.Row("s3"); r.Marked {
		t.Fatal("ctrl+a again did not unmark")
	}
}

// TestDialogBesideTheFullScreenPicture: in the full-screen preview the
// picture makes room at its right for the discard question, so the
// reviewer decides seeing it.
func TestDialogBesideTheFullScreenPicture(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "enter")
	full := m.lay.prev.w
	press(m, "d")
	if m.lay.side.w == 0 || m.lay.prev.w >= full || m.dialogCovers() {
		t.Fatalf("no room made: prev %d (was %d), side %+v", m.lay.prev.w, full, m.lay.side)
	}
	press(m, "n")
	if m.lay.prev.w != full {
		t.Fatalf("the picture did not take its room back: %d, want %d", m.lay.prev.w, full)
	}
}
