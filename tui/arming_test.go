package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

// TestTextFieldsTakeNoKeyTypedAhead: keys that arrive before a text field
// takes keys (the same read as the key that opened it, or within
// ArmDelay) are dropped with a note; esc still cancels; once armed the
// field is typed into as usual.
func TestTextFieldsTakeNoKeyTypedAhead(t *testing.T) {
	m := unitModel(t, Options{ArmDelay: time.Hour}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "r", "x", "enter")
	if f := m.Focus(); f.Dialog != "request" || f.InFlight != 0 {
		t.Fatalf("r x enter typed ahead: %+v", f)
	}
	if !strings.Contains(m.status.Text, "typed before the field opened") {
		t.Fatalf("status %q", m.status.Text)
	}
	if strings.Contains(m.View(), "send request") {
		t.Fatal("the footer shows the form's keys before it takes them")
	}
	m.Update(fieldArmedMsg{seq: m.field.seq})
	if !strings.Contains(m.View(), "send request") {
		t.Fatal("the footer does not show the form's keys once it takes them")
	}
	press(m, "enter")
	if f := m.Focus(); f.Dialog != "" || f.InFlight != 1 {
		t.Fatalf("enter in the armed form: %+v", f)
	}

	// Escape cancels a field that does not take keys yet.
	m = unitModel(t, Options{ArmDelay: time.Hour}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "r", "esc")
	if f := m.Focus(); f.Dialog != "" {
		t.Fatalf("r esc: %+v", f)
	}

	// A new approve type: the field opens from the picker; what was typed
	// with the enter that opened it is dropped; the new type is asked
	// about before it is used.
	m = unitModel(t, Options{ArmDelay: time.Hour}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "a", "t", "k", "k", "enter", "z", "enter")
	if f := m.Focus(); f.Dialog != "approve type" || !openAs[*approveDialog](t, m).m.Typing() {
		t.Fatalf("the new type's field: %+v", f)
	}
	m.Update(fieldArmedMsg{seq: m.field.seq})
	typeInto(m, "odometer")
	press(m, "enter")
	if f := m.Focus(); f.Dialog != "approve" || !strings.Contains(m.View(), "not one of the known types") {
		t.Fatalf("enter on a new type: %+v\n%s", f, m.View())
	}
	press(m, "y")
	if _, _, typ := row(t, m, "s1"); typ != "odometer" || m.Focus().InFlight != 1 {
		t.Fatalf("approved as %q, %d in flight", typ, m.Focus().InFlight)
	}
}
