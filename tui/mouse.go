package tui

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/views/statusbar"
)

// doubleClick is the longest gap between the two clicks of a double click.
const doubleClick = 400 * time.Millisecond

// click remembers the last click on a snapshot, for double clicks.
type click struct {
	id string
	at time.Time
}

// onMouse handles the mouse (cell motion, over SSH too): a click selects
// the row under it and focuses its pane, the wheel scrolls the pane under
// the pointer, a double click on a snapshot opens it full screen, and a
// click on a key hint in the footer does what the key does.
func (m *Model) onMouse(msg tea.MouseMsg) tea.Cmd {
	if m.tooSmall() || msg.Action != tea.MouseActionPress {
		return nil
	}
	if m.dialog != dialogNone {
		return m.dialogMouse(msg)
	}
	if msg.Button == tea.MouseButtonLeft && msg.Y == m.height-1 {
		if b, ok := statusbar.HintAt(m.footerKeys(), msg.X); ok {
			return m.handleKey(keyFor(b.Keys()[0]))
		}
		return nil
	}
	if m.screen == screenWatch {
		var cmd tea.Cmd
		m.watch, cmd = m.watch.Update(msg)
		m.watchMoved = true
		return cmd
	}
	wheel := 0
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		wheel = -1
	case tea.MouseButtonWheelDown:
		wheel = 1
	case tea.MouseButtonLeft:
	default:
		return nil
	}
	l := m.lay
	in := func(r rect) bool { return msg.X >= r.x && msg.X < r.x+r.w && msg.Y >= r.y && msg.Y < r.y+r.h }
	switch {
	case m.showEvents && l.events.h > 0 && in(l.events):
		if wheel != 0 {
			m.events.Scroll(-wheel * 3)
			return nil
		}
		m.setFocus(focusEvents)
	case m.preview.Full():
		if wheel != 0 {
			m.moveTable(wheel)
		}
	case in(l.inter):
		before, _ := m.inter.Selected()
		if wheel != 0 {
			m.inter.Move(wheel)
		} else {
			m.setFocus(focusInteractions)
			m.inter.ClickRow(msg.Y - l.inter.y - 1)
		}
		if after, ok := m.inter.Selected(); ok && after.ID != before.ID {
			return m.selectInteraction(after.ID)
		}
	case in(l.snaps):
		if wheel != 0 {
			m.moveTable(wheel)
			return nil
		}
		m.setFocus(focusSnapshots)
		if m.snaps.ClickRow(msg.Y - l.snaps.y - 1) {
			m.topPending, m.snapsMoved = false, true
			return m.clicked()
		}
	case in(l.prev):
		if wheel != 0 {
			m.moveTable(wheel)
			return nil
		}
		m.setFocus(focusPreview)
	}
	return nil
}

// moveTable moves the snapshots cursor as the reviewer would with j/k.
func (m *Model) moveTable(n int) {
	m.snaps.Move(n)
	m.topPending, m.snapsMoved = false, true
}

// clicked notes a click on the selected snapshot; the second within
// doubleClick opens it full screen.
func (m *Model) clicked() tea.Cmd {
	r, ok := m.selectedRow()
	if !ok {
		return nil
	}
	now := m.wall()
	if m.lastClick.id == r.Snapshot.ID && now.Sub(m.lastClick.at) <= doubleClick {
		m.lastClick = click{}
		m.setFull(true)
		return nil
	}
	m.lastClick = click{id: r.Snapshot.ID, at: now}
	return nil
}

// keyFor is the key press a binding's key names, for a click on its hint.
func keyFor(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"ctrl+a": tea.KeyCtrlA, "ctrl+c": tea.KeyCtrlC, "ctrl+d": tea.KeyCtrlD, "ctrl+u": tea.KeyCtrlU,
		"backspace": tea.KeyBackspace,
	}
	if t, ok := named[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	if k == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.TrimPrefix(k, "alt+"))}
}
