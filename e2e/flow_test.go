//go:build !windows

package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client"
)

// TestMouseClickSelectsARow writes an SGR mouse click on the table's third
// row to the pty: the row is selected and the preview shows it.
func TestMouseClickSelectsARow(t *testing.T) {
	s, api, _, _ := demoSim(t)
	iid := interactionOf(t, s, "Sofía García")
	rows := newestFirst(t, s, api, iid)
	if len(rows) < 3 {
		t.Fatalf("Sofía García has %d snapshots", len(rows))
	}
	tm := startOn(t, s, iid)
	// The table's rows, not only its title: a click before they are listed
	// lands on nothing.
	tm.WaitFor(fmt.Sprintf("Snapshots · Sofía García 1/%d", len(rows)), "Preview · ascii")
	// 120 columns: the list is 24 wide, the table's border is on row 2
	// (1-based), its header on row 3, its third row on row 6.
	for _, ev := range []string{"\x1b[<0;30;6M", "\x1b[<0;30;6m"} {
		tm.Send(ev)
	}
	tm.WaitFor(rows[2].ID[:14], "3/3")
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}

// TestNextToReviewCrossesInteractions: n from an interaction with nothing
// awaiting review opens another one, on a picture awaiting review.
func TestNextToReviewCrossesInteractions(t *testing.T) {
	s, api, _, _ := demoSim(t)
	iid := interactionOf(t, s, "Eleni Papadopoulou")
	for _, sn := range newestFirst(t, s, api, iid) {
		if sn.State == client.StateUploaded {
			t.Fatalf("Eleni's interaction has a picture awaiting review: %s", sn.ID)
		}
	}
	tm := startOn(t, s, iid)
	tm.WaitFor("Snapshots · Eleni Papadopoulou", "to review")
	tm.press("n")
	scr := tm.WaitFor("awaiting review")
	if strings.Contains(scr, "Snapshots · Eleni") {
		t.Fatalf("n stayed on Eleni's interaction:\n%s", scr)
	}
	if !strings.Contains(scr, "● uploaded  ") {
		t.Fatalf("the preview does not show a picture awaiting review:\n%s", scr)
	}
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}

// TestBulkApprove marks every picture awaiting review with ctrl+a, approves
// them with one question, and the simulator has them all approved.
func TestBulkApprove(t *testing.T) {
	s, api, _, _ := demoSim(t)
	iid := interactionOf(t, s, "Sofía García")
	var want []string
	for _, sn := range newestFirst(t, s, api, iid) {
		if sn.State == client.StateUploaded {
			want = append(want, sn.ID)
		}
	}
	if len(want) < 2 {
		t.Fatalf("Sofía García has %d pictures awaiting review", len(want))
	}
	tm := startOn(t, s, iid)
	// The table's rows, not only its title: ctrl+a marks the rows shown,
	// and is off while there are none.
	tm.WaitFor("Snapshots · Sofía García 1/"+strconv.Itoa(len(newestFirst(t, s, api, iid))), "Preview · ascii")
	tm.press("\x01") // ctrl+a
	tm.WaitFor(fmt.Sprintf("%d marked", len(want)))
	tm.press("a")
	tm.WaitFor(fmt.Sprintf("Approve %d marked snapshots?", len(want)))
	tm.press("y", "e") // and the events pane, where each outcome has its line
	for _, id := range want {
		tm.WaitFor("approved " + id[:8])
	}
	for _, id := range want {
		got, err := api.GetSnapshot(context.Background(), id)
		if err != nil || got.State != client.StateApproved {
			t.Fatalf("%s is %s (%v)", id, got.State, err)
		}
	}
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}

// TestCommandLineAndAccentFilter: `:i` with a customer's name opens the
// interaction; `/` on the interactions pane finds Sofía García by
// "garcia".
func TestCommandLineAndAccentFilter(t *testing.T) {
	s, _, _, _ := demoSim(t)
	tm := startOn(t, s, interactionOf(t, s, "Kenji Watanabe"))
	tm.WaitFor("Snapshots · Kenji Watanabe")
	tm.press(":")
	tm.WaitFor("interaction") // the hint lists the commands
	for _, k := range []string{"i", " ", "m", "a", "l", "l", "o", "r", "y", enter} {
		tm.press(k)
	}
	tm.WaitFor("Snapshots · Mallory")
	tm.press("\x1b[Z") // shift+tab: the interactions pane
	tm.press("/")
	for _, k := range []string{"g", "a", "r", "c", "i", "a"} {
		tm.press(k)
	}
	scr := tm.WaitFor("Interactions 1/1")
	if !strings.Contains(scr, "Sofía García") || strings.Contains(scr, "Kenji Wat") {
		t.Fatalf("the filter did not keep only Sofía García:\n%s", scr)
	}
	tm.press(enter)
	tm.WaitFor("Snapshots · Sofía García")
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}
