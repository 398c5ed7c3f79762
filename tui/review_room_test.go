package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/review"
)

// TestReviewOperationsAreTasksOfTheOneRegistry: an approval in flight is a
// task of the registry every action uses, so the quit question counts it
// with an upload and rewords itself as each ends, and a second operation
// on the same picture is refused while the first is in flight.
func TestReviewOperationsAreTasksOfTheOneRegistry(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	upload := m.begin("uploading a.jpg") // as uploadFile does
	press(m, "a", "y")
	if f := m.Focus(); f.InFlight != 2 || m.tasks.Len() != 2 {
		t.Fatalf("in flight %d, registry %d: want the upload and the approval", f.InFlight, m.tasks.Len())
	}
	if cmd := m.review.review1(review.Op{Kind: review.Discard, SnapshotID: "s1"}); cmd != nil || m.tasks.Len() != 2 {
		t.Fatalf("a discard was sent while s1 is being approved (registry %d)", m.tasks.Len())
	}
	if m.status.Text != "already approving s1" {
		t.Fatalf("status %q, want why the discard was refused", m.status.Text)
	}
	press(m, "q")
	if v := m.View(); !strings.Contains(v, "2 actions are still in flight") {
		t.Fatalf("the quit question does not count both:\n%s", v)
	}
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s1"}})
	if v := m.View(); !strings.Contains(v, "1 action is still in flight") || m.tasks.Len() != 1 {
		t.Fatalf("after the approval's answer (registry %d):\n%s", m.tasks.Len(), m.View())
	}
	if st, op, _ := row(t, m, "s1"); st != client.StateApproved || op != "" {
		t.Fatalf("row %s %q, want approved and nothing in flight", st, op)
	}
	m.end(upload)
	m.Update(nil)
	if v := m.View(); !strings.Contains(v, "Every action has been answered") || m.Focus().InFlight != 0 {
		t.Fatalf("after the upload's answer:\n%s", v)
	}
}
