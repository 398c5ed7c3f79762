package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
)

// Bubble Tea v1 hands the characters of one read to Update as one KeyMsg;
// each must still count as a key press.
func TestRunesInOneReadAreSeparateKeys(t *testing.T) {
	m := unitModel(t, Options{},
		snap("s1", client.StateUploaded, time.Minute),
		snap("s2", client.StateUploaded, 2*time.Minute),
		snap("s3", client.StateUploaded, 3*time.Minute))
	if r, _ := m.snaps.Selected(); r.Snapshot.ID != "s1" {
		t.Fatalf("start on %s, want s1", r.Snapshot.ID)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
	if r, _ := m.snaps.Selected(); r.Snapshot.ID != "s3" {
		t.Fatalf(`"jj" in one read selected %s, want s3`, r.Snapshot.ID)
	}
	// A paste stays one message (it goes to a text input, if any).
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kk"), Paste: true})
	if r, _ := m.snaps.Selected(); r.Snapshot.ID != "s3" {
		t.Fatalf("a paste moved the selection to %s", r.Snapshot.ID)
	}
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kq")})
	if r, _ := m.snaps.Selected(); r.Snapshot.ID != "s2" {
		t.Fatalf(`"kq" selected %s, want s2`, r.Snapshot.ID)
	}
	if cmd == nil || !m.quitting {
		t.Fatal(`"q" in a burst of keys did not quit`)
	}
}
