package list

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func mouse(b tea.MouseButton, y int) tea.MouseMsg {
	return tea.MouseMsg{Y: y, Button: b, Action: tea.MouseActionPress}
}

// TestMouseInUpdate: the list takes the mouse in its own cells: the wheel
// moves the cursor a row, a click moves it to the row drawn there (header
// rows count), a click below the rows and a release do nothing.
func TestMouseInUpdate(t *testing.T) {
	m := newList(12)
	m.SetHeader(1)
	m, _ = m.Update(mouse(tea.MouseButtonWheelDown, 0))
	m, _ = m.Update(mouse(tea.MouseButtonWheelDown, 0))
	if m.Cursor() != 2 {
		t.Fatalf("two wheel steps down: cursor %d", m.Cursor())
	}
	m, _ = m.Update(mouse(tea.MouseButtonWheelUp, 0))
	if m.Cursor() != 1 {
		t.Fatalf("wheel up: cursor %d", m.Cursor())
	}
	m, _ = m.Update(mouse(tea.MouseButtonLeft, 3)) // header, then rows 0, 1, 2
	if m.Cursor() != 2 {
		t.Fatalf("click on the third drawn row: cursor %d", m.Cursor())
	}
	m, _ = m.Update(mouse(tea.MouseButtonLeft, 0)) // the header
	if m.Cursor() != 2 {
		t.Fatalf("click on the header moved the cursor to %d", m.Cursor())
	}
	rel := mouse(tea.MouseButtonLeft, 1)
	rel.Action = tea.MouseActionRelease
	if m, _ = m.Update(rel); m.Cursor() != 2 {
		t.Fatalf("a release moved the cursor to %d", m.Cursor())
	}
	tail := newList(30)
	tail.SetTail(true)
	tail, _ = tail.Update(mouse(tea.MouseButtonWheelUp, 0))
	if tail.Back() != 1 {
		t.Fatalf("wheel up on a log: back %d", tail.Back())
	}
}
