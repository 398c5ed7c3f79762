//go:build !windows

package e2e

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

const shiftTab = "\x1b[Z"

// sgr matches a Select Graphic Rendition sequence (colour, bold, ...).
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// TestDemoHostileNameWithNoColor opens the demo customer whose name carries
// escape sequences (a window title "pwned" and red text), under NO_COLOR:
// nothing of the sequences may reach the terminal, and no colour at all.
func TestDemoHostileNameWithNoColor(t *testing.T) {
	hasDemo(t)
	tm := startEnv(t, []string{"NO_COLOR=1"}, "demo")
	tm.WaitFor("Mallory", "● live")
	for i := 0; i < 5 && !strings.Contains(tm.Screen(), "┏━ Interactions"); i++ {
		tm.press(shiftTab) // until the interactions list has the keyboard
		time.Sleep(100 * time.Millisecond)
	}
	for i := 0; i < 5 && !strings.Contains(tm.Screen(), "Snapshots · Mallory"); i++ {
		tm.press("j")
		time.Sleep(200 * time.Millisecond)
	}
	tm.WaitFor("Snapshots · Mallory", "● uploaded")
	tm.press("c")
	tm.WaitFor("to Mallory")
	tm.press("\x1b")
	tm.WaitGone("to Mallory")
	tm.press("e")
	tm.WaitFor("Events")

	out := tm.Output()
	for _, bad := range []string{"pwned", "\x1b]0;", "\x1b]2;", "\x1b[31m"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("the hostile name's %q reached the terminal", bad)
		}
	}
	if m := sgr.FindAll(out, 5); len(m) > 0 {
		t.Errorf("NO_COLOR is set, yet the program wrote %q", m)
	}
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}

// TestDemoReadOnly: with --read-only the action keys do nothing, are not
// offered, and the header says why; copying a link still works.
func TestDemoReadOnly(t *testing.T) {
	hasDemo(t)
	tm := start(t, "demo", "--read-only")
	s := tm.WaitFor("READ-ONLY", "● uploaded", "actions are disabled")
	lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
	footer := lines[len(lines)-1]
	for _, k := range []string{"approve", "discard", "request", "camera"} {
		if strings.Contains(footer, k) {
			t.Errorf("the footer offers %q in read-only mode: %q", k, footer)
		}
	}
	// The first row is an uploaded picture (the demo opens on one; a
	// request still waiting for its picture would have nothing to act on).
	tm.press("a", "d", "r", "c", "u")
	// y copies a link, which read-only mode allows: its confirmation is the
	// sign that the keys before it were handled. A dialog opened by one of
	// them would have taken the y.
	dialogs := []string{"Approve ", "Discard snapshot?", "Request a snapshot", "Switch camera", "Upload a picture"}
	tm.press("y")
	s = tm.Until("the copy's confirmation or a dialog", func(s string) bool {
		for _, d := range dialogs {
			if strings.Contains(s, d) {
				return true
			}
		}
		return strings.Contains(s, "copied a signed URL")
	})
	for _, dialog := range dialogs {
		if strings.Contains(s, dialog) {
			t.Fatalf("read-only mode opened %q:\n%s", dialog, s)
		}
	}
	if !bytes.Contains(tm.Output(), []byte("\x1b]52;c;")) {
		t.Error("y sent no OSC 52 clipboard sequence")
	}
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}
