package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/brokertest"
	"github.com/snapdash/snapdash/team"
)

// teamPair is two dashboards of one `serve` sharing claims in memory.
func teamPair(t *testing.T) (hub *team.Hub, ada, bob *Model) {
	t.Helper()
	hub = team.NewMemory(team.Options{})
	t.Cleanup(hub.Close)
	rows := []client.Snapshot{snap("s1", client.StateUploaded, time.Minute), snap("s2", client.StateUploaded, 2*time.Minute),
		snap("s3", client.StateUploaded, 3*time.Minute), snap("s4", client.StateApproved, 4*time.Minute)}
	ada = unitModel(t, Options{Team: hub.Join("ada")}, rows...)
	bob = unitModel(t, Options{Team: hub.Join("bob")}, rows...)
	return hub, ada, bob
}

func TestTeamClaimsSkipShowAndAsk(t *testing.T) {
	_, ada, bob := teamPair(t)
	// Idle dashboards claim nothing, though their cursor is on s1.
	if _, ok := bob.opts.Team.Holder("s1"); ok {
		t.Fatal("an idle dashboard claimed its first row")
	}
	press(ada, "n")
	if f := ada.Focus(); f.Snapshot != "s2" {
		t.Fatalf("ada's n went to %+v, want s2", f)
	}
	if who, ok := bob.opts.Team.Holder("s2"); !ok || who != "ada" {
		t.Fatalf("s2's holder %q %v, want ada", who, ok)
	}
	// bob's n skips ada's picture.
	press(bob, "n")
	if f := bob.Focus(); f.Snapshot != "s3" {
		t.Fatalf("bob's n went to %+v, want s3 (s2 is ada's)", f)
	}
	bob.Update(teamMsg{})
	if r, _ := bob.snaps.Row("s2"); r.Holder != "ada" {
		t.Fatalf("bob's row s2 holder %q, want ada", r.Holder)
	}
	if v := bob.View(); !strings.Contains(v, "◎ ada") {
		t.Fatalf("bob's table does not show ada's claim:\n%s", v)
	}
	ada.Update(teamMsg{})
	if v := ada.View(); !strings.Contains(v, "◎ bob") || strings.Contains(v, "◎ ada") {
		t.Fatalf("ada's table should show bob's claim and not her own:\n%s", v)
	}

	// Acting on ada's picture asks first; N keeps it as it is.
	press(bob, "k")
	if f := bob.Focus(); f.Snapshot != "s2" {
		t.Fatalf("k went to %+v", f)
	}
	if _, ok := bob.opts.Team.Holder("s2"); !ok {
		t.Fatal("bob moving onto ada's picture took it from her")
	}
	press(bob, "a")
	if !strings.Contains(bob.View(), "ada is reviewing this — approve anyway?") {
		t.Fatalf("no question before approving ada's picture:\n%s", bob.View())
	}
	press(bob, "n")
	if bob.dialog != nil || bob.review.ops.Len() != 0 {
		t.Fatal("N did not leave the picture alone")
	}
	press(bob, "d")
	if !strings.Contains(bob.View(), "ada is reviewing this — discard anyway?") {
		t.Fatalf("no question before discarding ada's picture:\n%s", bob.View())
	}
	press(bob, "y")
	if _, op, _ := row(t, bob, "s2"); op != "discarding" {
		t.Fatalf("y did not discard: op %q", op)
	}

	// Marking all skips the claimed picture and says so.
	press(bob, "j")
	if who, _ := ada.opts.Team.Holder("s3"); who != "bob" {
		t.Fatalf("s3's holder %q, want bob", who)
	}
	press(ada, "ctrl+a")
	if !strings.Contains(ada.status.Text, "1 skipped") {
		t.Fatalf("status %q does not say the claimed picture was skipped", ada.status.Text)
	}
	if ada.review.marks["s3"] {
		t.Fatal("bob's picture was marked")
	}
}

func TestTeamReleaseOnMoveAndQuit(t *testing.T) {
	_, ada, bob := teamPair(t)
	press(ada, "n")
	if _, ok := bob.opts.Team.Holder("s2"); !ok {
		t.Fatal("n did not claim s2")
	}
	// Moving away releases it and claims the next.
	press(ada, "j")
	if _, ok := bob.opts.Team.Holder("s2"); ok {
		t.Fatal("moving away kept s2")
	}
	if who, _ := bob.opts.Team.Holder("s3"); who != "ada" {
		t.Fatalf("s3's holder %q, want ada", who)
	}
	// A row that does not await review is not claimed; s3 is released.
	press(ada, "j")
	if _, ok := bob.opts.Team.Holder("s3"); ok {
		t.Fatal("s3 is still claimed with the cursor on an approved row")
	}
	press(ada, "k")
	if who, _ := bob.opts.Team.Holder("s3"); who != "ada" {
		t.Fatal("back on s3 did not claim it")
	}
	press(ada, "q")
	if _, ok := bob.opts.Team.Holder("s3"); ok {
		t.Fatal("quitting kept the claim")
	}
}

func TestTeamAllClaimedSaysSo(t *testing.T) {
	hub, _, bob := teamPair(t)
	for _, id := range []string{"s1", "s2", "s3"} {
		if st, _ := hub.Join("r-" + id).Claim(id); st != team.Held {
			t.Fatalf("claim %s: %v", id, st)
		}
	}
	press(bob, "n")
	if !strings.Contains(bob.status.Text, "every one being reviewed by someone else") {
		t.Fatalf("status %q", bob.status.Text)
	}
	if f := bob.Focus(); f.Snapshot != "s1" {
		t.Fatalf("n moved to %+v with every picture claimed", f)
	}
}

// TestTeamBulkSkipsPicturesClaimedAfterMarking: a marked picture someone
// claims before the bulk action is left to them, and the events pane says
// so.
func TestTeamBulkSkipsPicturesClaimedAfterMarking(t *testing.T) {
	hub, ada, _ := teamPair(t)
	press(ada, " ", " ") // s1 and s2 marked
	if !ada.review.marks["s1"] || !ada.review.marks["s2"] {
		t.Fatalf("marks %v", ada.review.marks)
	}
	if st, _ := hub.Join("carl").Claim("s1"); st != team.Held {
		t.Fatalf("carl's claim: %v", st)
	}
	ada.Update(teamMsg{})
	press(ada, "a", "y")
	if _, op, _ := row(t, ada, "s1"); op != "" {
		t.Fatalf("carl's picture is being %s", op)
	}
	if _, op, _ := row(t, ada, "s2"); op != "approving" {
		t.Fatalf("s2: op %q, want approving", op)
	}
	if !ada.review.marks["s1"] {
		t.Fatal("the skipped picture lost its mark")
	}
	if v := ada.View(); !strings.Contains(v, "1 skipped") {
		press(ada, "e") // the events pane
		if v = ada.View(); !strings.Contains(v, "1 skipped") {
			t.Fatalf("nothing says a marked picture was skipped:\n%s", v)
		}
	}
}

// TestTeamBrokerUnreachableSaysWhy: a team broker whose certificate the
// dashboard does not trust leaves the header at "team: offline" or
// "connecting", and the events pane says why, once.
func TestTeamBrokerUnreachableSaysWhy(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{TLS: true})
	hub, err := team.Connect(team.BrokerOptions{URL: b.SSLURL(), Organization: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	m := unitModel(t, Options{Team: hub.Join("ada")}, snap("s1", client.StateUploaded, time.Minute))
	said := func() int {
		n := 0
		for i := 0; i < m.events.Len(); i++ {
			if e := m.events.At(i); strings.HasPrefix(e.Text, "team broker: ") && strings.Contains(e.Text, "certificate") {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(20 * time.Second)
	for said() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the events pane never said why the team broker is unreachable")
		}
		time.Sleep(20 * time.Millisecond)
		m.Update(teamMsg{})
	}
	// A later attempt fails the same way (the broker saw it refused):
	// nothing more is said.
	for strings.Count(b.Log(), "alert bad certificate") < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the hub did not try again")
		}
		time.Sleep(20 * time.Millisecond)
	}
	m.Update(teamMsg{})
	if n := said(); n != 1 || hub.Online() {
		t.Errorf("said %d times (want once), online %v", n, hub.Online())
	}
	if h := m.review.teamHeader(); h != "team: offline" && h != "team: connecting" {
		t.Errorf("header %q", h)
	}
}
