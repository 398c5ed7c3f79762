//go:build !windows

package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// startOn runs the built binary against the simulator s as the demo agent,
// with interaction iid selected first.
func startOn(t *testing.T, s *sim.Server, iid string) *term {
	t.Helper()
	return startEnv(t, []string{
		"SNAPDASH_SERVER=" + s.URL(), "SNAPDASH_TOKEN=" + s.IssueToken(sim.RoleAgent, time.Hour),
		"SNAPDASH_APPLICATION_ID=snapdash-e2e",
	}, "--interaction", iid)
}

// newestFirst returns iid's snapshots in the table's order, the pending
// requests (which the event replay shows) included.
func newestFirst(t *testing.T, s *sim.Server, api *client.Client, iid string) []client.Snapshot {
	t.Helper()
	snaps, err := api.ListSnapshots(context.Background(), iid)
	if err != nil {
		t.Fatal(err)
	}
	snaps = append(snaps, s.Requested(iid)...)
	slices.SortFunc(snaps, func(a, b client.Snapshot) int {
		if c := b.When().Compare(a.When()); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return snaps
}

// TestTypedAheadDiscardAnsweredNoKeepsThePicture writes d, enter, y in one
// write, as a slow link delivers them: enter answers No, so y is the
// table's (copy the link) and the picture is not discarded.
func TestTypedAheadDiscardAnsweredNoKeepsThePicture(t *testing.T) {
	s, api, _, _ := demoSim(t)
	// An uploaded picture, and how far down its table it is.
	var iid, target string
	down := 0
	for _, it := range s.Interactions() {
		for i, sn := range newestFirst(t, s, api, it.ID) {
			if sn.State == client.StateUploaded {
				iid, target, down = it.ID, sn.ID, i
				break
			}
		}
		if iid != "" {
			break
		}
	}
	if iid == "" {
		t.Fatal("no uploaded picture in the demo")
	}
	tm := startOn(t, s, iid)
	tm.WaitFor("● uploaded", "Preview · ascii")
	for range down {
		tm.press("j")
	}
	tm.WaitFor("● uploaded  ", target[:14]) // the preview's details name it
	tm.Send("d" + enter + "y")
	// The positive sign that y was handled, and by the table.
	tm.WaitFor("copied a signed URL of " + target[:8])
	got, err := api.GetSnapshot(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != client.StateUploaded {
		t.Fatalf("the picture is %s after d, enter (No), y", got.State)
	}
	if strings.Contains(tm.Screen(), "discarding") || strings.Contains(tm.Screen(), "Discard snapshot?") {
		t.Fatalf("the screen shows a discard:\n%s", tm.Screen())
	}
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}

// TestTypedAheadRequestSendsOneRequest writes r, enter, enter in one
// write: the form had not visibly opened when the enters were typed, so
// they do not send it (a note says so); an enter once the form shows its
// keys sends one request.
func TestTypedAheadRequestSendsOneRequest(t *testing.T) {
	s, _, _, _ := demoSim(t)
	iid := interactionOf(t, s, "Kenji Watanabe")
	before := len(s.Requested(iid))
	tm := startOn(t, s, iid)
	tm.WaitFor("Kenji Watanabe", "Preview")
	tm.Send("r" + enter + enter)
	tm.WaitFor("Request a snapshot", "keys typed before the field opened were ignored")
	tm.WaitFor("send request") // the footer: the form takes keys now
	if after := len(s.Requested(iid)); after != before {
		t.Fatalf("%d requests sent by keys typed ahead", after-before)
	}
	tm.press(enter)
	tm.WaitFor("waiting for the customer's picture")
	if after := len(s.Requested(iid)); after != before+1 {
		t.Fatalf("%d requests sent, want 1", after-before)
	}
	tm.press(esc, "q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}
