package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/statusbar"
)

// TestBulkReviewCountsWhatItWillDo: a mark that can no longer be approved
// (approved elsewhere meanwhile) is left out and said so in the question;
// each approval keeps its own type; the status line gives the totals once
// every answer is in.
func TestBulkReviewCountsWhatItWillDo(t *testing.T) {
	s2 := snap("s2", client.StateUploaded, 2*time.Minute)
	s2.Type = "car-damage"
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute), s2, snap("s3", client.StateUploaded, 3*time.Minute))
	press(m, "ctrl+a")
	if len(m.review.marks) != 3 {
		t.Fatalf("%d marked, want 3", len(m.review.marks))
	}
	// s3 is approved by someone else.
	e, r := m.store.row("s3")
	nr := *r
	nr.State = client.StateApproved
	m.store.putEvent(e, nr)
	press(m, "a")
	if v := m.View(); !strings.Contains(v, "Approve 2 of 3 marked?") || !strings.Contains(v, "1 is already approved") {
		t.Fatalf("the question does not count what it will do:\n%s", v)
	}
	press(m, "y")
	if f := m.Focus(); f.InFlight != 2 {
		t.Fatalf("%d in flight, want 2", f.InFlight)
	}
	for id, want := range map[string]string{"s1": "meter", "s2": "car-damage"} {
		if op, ok := m.review.ops.Pending(id); !ok || op.Type != want {
			t.Fatalf("%s sent as %+v, want type %q", id, op, want)
		}
	}
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s1", Type: "meter"}})
	if m.status.Kind != statusbar.Progress {
		t.Fatalf("after the first answer: %+v", m.status)
	}
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s2", Type: "car-damage"},
		Err: &client.APIError{Op: "approve", ID: "s2", Status: 400, Fields: map[string]string{"state": "snapshot is DISCARDED"}}})
	if m.status.Text != "approved 1, refused 1 — see events" {
		t.Fatalf("status %+v", m.status)
	}
}
