//go:build !windows

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/client"
)

// firstUploaded starts the binary on the demo with an interaction whose
// newest row is an uploaded picture selected; it returns that picture.
func firstUploaded(t *testing.T) (*term, *client.Client, client.Snapshot) {
	t.Helper()
	s, api, _, _ := demoSim(t)
	for _, it := range s.Interactions() {
		if rows := newestFirst(t, s, api, it.ID); len(rows) > 0 && rows[0].State == client.StateUploaded {
			tm := startOn(t, s, it.ID)
			tm.WaitFor("● uploaded  ", rows[0].ID[:14]) // the preview's details name it
			return tm, api, rows[0]
		}
	}
	t.Fatal("no interaction whose newest picture is uploaded")
	return nil, nil, client.Snapshot{}
}

func stateOf(t *testing.T, api *client.Client, id string) client.Snapshot {
	t.Helper()
	s, err := api.GetSnapshot(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestKeysAsTheTerminalSentThem: each stream is written in one write, as a
// slow link, a paste buffer or a fast typist delivers it. An Escape is an
// Escape whatever follows it, a question is answered by its first key
// (which goes no further), a paste never acts, and nothing is discarded
// or approved that the reviewer did not confirm with y.
func TestKeysAsTheTerminalSentThem(t *testing.T) {
	tm, api, pic := firstUploaded(t)
	copied := "copied a signed URL of " + pic.ID[:8]
	for _, c := range []struct{ keys, shows string }{
		{"d\x1b\x1by", copied}, // esc answers No, esc goes back, y copies
		{"d\x1by", copied},
		{"dxy", copied},                // x answers No and goes no further
		{"a\x1b\x1by", copied},         // the same for the approve question
		{"a2\r", "zoom in · esc back"}, // 2 answers No, enter opens the full preview
		{"\x1b[200~dy\r\x1b[201~", "paste ignored: no text field is open"},
	} {
		tm.Send("dn") // something else in the status line first
		tm.WaitFor("discard cancelled")
		tm.Send(c.keys)
		tm.WaitFor(c.shows)
		if got := stateOf(t, api, pic.ID); got.State != client.StateUploaded {
			t.Fatalf("%q: the picture is %s", c.keys, got.State)
		}
		if strings.Contains(c.shows, "esc back") {
			tm.press("\x1b")
			tm.WaitGone("zoom in")
		}
	}
	// y, the first key, approves as the type shown.
	tm.Send("ay")
	tm.WaitFor("✓ approved " + pic.ID[:8])
	if got := stateOf(t, api, pic.ID); got.State != client.StateApproved || got.Type != pic.Type {
		t.Fatalf("a y: %s as %q, want approved as %q", got.State, got.Type, pic.Type)
	}
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}

// TestDialogHintsAreClickable: a click on the question's y hint (in the
// footer) confirms, as the key does; a click elsewhere answers No.
func TestDialogHintsAreClickable(t *testing.T) {
	tm, api, pic := firstUploaded(t)
	click := func(label string) {
		t.Helper()
		lines := strings.Split(tm.Screen(), "\n")
		for y := len(lines) - 1; y >= 0; y-- {
			if i := strings.Index(lines[y], label); i >= 0 {
				x := ansi.StringWidth(lines[y][:i]) + 1
				tm.Send(fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", x+1, y+1, x+1, y+1))
				return
			}
		}
		t.Fatalf("no %q on the screen:\n%s", label, tm.Screen())
	}
	tm.press("d")
	tm.WaitFor("Discard snapshot?")
	tm.Send("\x1b[<0;3;3M\x1b[<0;3;3m") // the interactions list: No
	tm.WaitFor("discard cancelled")
	tm.press("d")
	tm.WaitFor("Discard snapshot?", "y yes")
	click("y yes")
	tm.WaitFor("✓ discarded " + pic.ID[:8])
	if got := stateOf(t, api, pic.ID); got.State != client.StateDiscarded {
		t.Fatalf("the picture is %s after a click on y", got.State)
	}
}

// TestAFailedJumpAndStatusFade: `:i` with an unknown id leaves the
// selection where it was and says why; a note fades after 5 s.
func TestAFailedJumpAndStatusFade(t *testing.T) {
	tm, _, pic := firstUploaded(t)
	tm.press(":")
	tm.Send("i no-such-interaction\r")
	scr := tm.WaitFor("no interaction no-such-interaction")
	if !strings.Contains(scr, pic.ID[:14]) {
		t.Fatalf("the selection moved:\n%s", scr)
	}
	tm.Send("dn")
	tm.WaitFor("discard cancelled")
	tm.WaitGone("discard cancelled") // after 5 s
}
