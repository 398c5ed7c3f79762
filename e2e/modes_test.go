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
	tm.waitFor("Mallory", "● live")
	for i := 0; i < 5 && !strings.Contains(tm.screen(), "┏━ Interactions"); i++ {
		tm.press(shiftTab) // until the interactions list has the keyboard
		time.Sleep(100 * time.Millisecond)
	}
	for i := 0; i < 5 && !strings.Contains(tm.screen(), "Snapshots · Mallory"); i++ {
		tm.press("j")
		time.Sleep(200 * time.Millisecond)
	}
	tm.waitFor("Snapshots · Mallory", "● uploaded")
	tm.press("c")
	tm.waitFor("to Mallory")
	tm.press("\x1b")
	tm.waitGone("to Mallory")
	tm.press("e")
	tm.waitFor("Events")

	out := tm.output()
	for _, bad := range []string{"pwned", "\x1b]0;", "\x1b]2;", "\x1b[31m"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("the hostile name's %q reached the terminal", bad)
		}
	}
	if m := sgr.FindAll(out, 5); len(m) > 0 {
		t.Errorf("NO_COLOR is set, yet the program wrote %q", m)
	}
	tm.press("q")
	if err := tm.exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}

// TestDemoReadOnly: with --read-only the action keys do nothing, are not
// offered, and the header says why; copying a link still works.
func TestDemoReadOnly(t *testing.T) {
	hasDemo(t)
	tm := start(t, "demo", "--read-only")
	s := tm.waitFor("READ-ONLY", "● uploaded", "actions are disabled")
	lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
	footer := lines[len(lines)-1]
	for _, k := range []string{"approve", "discard", "request", "camera"} {
		if strings.Contains(footer, k) {
			t.Errorf("the footer offers %q in read-only mode: %q", k, footer)
		}
	}
	// The oldest row is an uploaded picture (newer ones may be requests
	// still waiting for theirs, which have nothing to act on).
	tm.press("G")
	tm.press("a", "d", "r", "c", "u")
	time.Sleep(300 * time.Millisecond)
	s = tm.screen()
	for _, dialog := range []string{"Approve ", "Discard snapshot?", "Request a snapshot", "Switch camera", "Upload a picture"} {
		if strings.Contains(s, dialog) {
			t.Fatalf("read-only mode opened %q:\n%s", dialog, s)
		}
	}
	tm.press("y")
	tm.waitFor("copied a signed URL")
	if !bytes.Contains(tm.output(), []byte("\x1b]52;c;")) {
		t.Error("y sent no OSC 52 clipboard sequence")
	}
	tm.press("q")
	if err := tm.exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}
