package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/client"
)

func press2(x, y int, b tea.MouseButton) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Button: b, Action: tea.MouseActionPress}
}

// TestMouseClicksWheelAndFooter: a click selects the row under it and
// focuses its pane; the wheel moves the pane under the pointer; a double
// click opens the picture full screen; a click on a footer hint does what
// its key does.
func TestMouseClicksWheelAndFooter(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute), snap("s2", client.StateUploaded, 2*time.Minute),
		snap("s3", client.StateApproved, 3*time.Minute))
	wall := fixedNow()
	m.wall = func() time.Time { return wall }
	l := m.lay
	// The third row of the table: border, header, then rows.
	m.Update(press2(l.snaps.x+5, l.snaps.y+4, tea.MouseButtonLeft))
	if f := m.Focus(); f.Snapshot != "s3" || f.Pane != "snapshots" {
		t.Fatalf("click on the third row: %+v", f)
	}
	m.Update(press2(l.inter.x+3, l.inter.y+1, tea.MouseButtonLeft))
	if f := m.Focus(); f.Pane != "interactions" {
		t.Fatalf("click on the list: %+v", f)
	}
	m.Update(press2(l.snaps.x+5, l.snaps.y+5, tea.MouseButtonWheelUp))
	if f := m.Focus(); f.Snapshot != "s2" {
		t.Fatalf("wheel up over the table: %+v", f)
	}
	// Double click.
	m.Update(press2(l.snaps.x+5, l.snaps.y+2, tea.MouseButtonLeft))
	wall = wall.Add(200 * time.Millisecond)
	m.Update(press2(l.snaps.x+5, l.snaps.y+2, tea.MouseButtonLeft))
	if !m.preview.Full() {
		t.Fatal("a double click did not open the full-screen preview")
	}
	press(m, "esc")
	// A slow second click is two clicks.
	m.Update(press2(l.snaps.x+5, l.snaps.y+2, tea.MouseButtonLeft))
	wall = wall.Add(time.Second)
	m.Update(press2(l.snaps.x+5, l.snaps.y+2, tea.MouseButtonLeft))
	if m.preview.Full() {
		t.Fatal("two slow clicks opened the full-screen preview")
	}
	// The footer: click on "d discard".
	lines := strings.Split(m.View(), "\n")
	foot := ansi.Strip(lines[len(lines)-1])
	x := strings.Index(foot, "d discard")
	if x < 0 {
		t.Fatalf("no discard hint in %q", foot)
	}
	m.Update(press2(len([]rune(foot[:x]))+2, m.height-1, tea.MouseButtonLeft))
	if f := m.Focus(); f.Dialog != "discard" {
		t.Fatalf("click on the discard hint: %+v", f)
	}
	// A click outside a question's hints answers No and goes no further:
	// the table under it does not move.
	before := m.Focus().Snapshot
	m.Update(press2(l.snaps.x+5, l.snaps.y+4, tea.MouseButtonLeft))
	if f := m.Focus(); f.Dialog != "" || f.Snapshot != before {
		t.Fatalf("a click beside the question: %+v", f)
	}
	// The hints drawn in the question, and the footer's, are its keys.
	m.Update(keyMsg("d"))
	if !clickLabel(t, m, "N no", false) || m.Focus().Dialog != "" {
		t.Fatalf("click on the question's N: %+v", m.Focus())
	}
	m.Update(keyMsg("d"))
	if !clickLabel(t, m, "y yes", true) || m.Focus().InFlight != 1 {
		t.Fatalf("click on the footer's y: %+v", m.Focus())
	}
}

// clickLabel clicks on the middle of label, in the footer or above it.
func clickLabel(t *testing.T, m *Model, label string, footer bool) bool {
	t.Helper()
	lines := strings.Split(m.View(), "\n")
	for y := len(lines) - 1; y >= 0; y-- {
		if footer != (y == len(lines)-1) {
			continue
		}
		plain := ansi.Strip(lines[y])
		if i := strings.Index(plain, label); i >= 0 {
			m.Update(press2(ansi.StringWidth(plain[:i])+1, y, tea.MouseButtonLeft))
			return true
		}
	}
	t.Fatalf("no %q on the screen:\n%s", label, m.View())
	return false
}

func TestNoMouseLeavesTheTerminalItsSelection(t *testing.T) {
	on := unitModel(t, Options{})
	off := unitModel(t, Options{NoMouse: true})
	if len(on.ProgramOptions()) != 1 || len(off.ProgramOptions()) != 0 {
		t.Fatalf("program options: on %d, off %d", len(on.ProgramOptions()), len(off.ProgramOptions()))
	}
}
