package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// fixedNow is the clock of every test: the simulator and the dashboard agree.
func fixedNow() time.Time { return time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC) }

// runCmd runs a command that answers at once and returns its messages.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// shown reports whether the interactions pane lists interaction id.
func shown(m *Model, id string) bool {
	for _, it := range m.inter.Items() {
		if it.ID == id {
			return true
		}
	}
	return false
}

// shownAs reports whether the interactions pane lists id under title.
func shownAs(m *Model, id, title string) bool {
	for _, it := range m.inter.Items() {
		if it.ID == id {
			return it.Title == title
		}
	}
	return false
}

// openAs returns the open dialog as D, failing the test when another (or
// none) is open.
func openAs[D dialogModel](t testing.TB, m *Model) D {
	t.Helper()
	d, ok := m.dialog.(D)
	if !ok {
		t.Fatalf("open dialog is %T", m.dialog)
	}
	return d
}
