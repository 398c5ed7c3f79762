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
	switch {
	case m.tooSmall() || msg.Action != tea.MouseActionPress:
		return nil
	case m.dialog != nil:
		return m.dialogMouse(msg)
	case msg.Button == tea.MouseButtonLeft && msg.Y == m.height-1:
		if b, ok := statusbar.HintAt(m.footerKeys(), msg.X); ok {
			return m.handleKey(keyFor(b.Keys()[0]))
		}
		return nil
	case m.screen == screenWatch:
		return m.watch.update(msg)
	}
	wheel, ok := wheelOf(msg.Button)
	if !ok {
		return nil
	}
	if m.preview.Full() && !m.overEvents(msg) {
		if wheel != 0 {
			m.moveTable(wheel)
		}
		return nil
	}
	for _, p := range mousePanes {
		if r := p.rect(m); msg.X >= r.x && msg.X < r.x+r.w && msg.Y >= r.y && msg.Y < r.y+r.h {
			return p.do(m, msg.Y-r.y, wheel)
		}
	}
	return nil
}

// wheelOf is the wheel's step for a button (-1 up, 1 down, 0 for a left
// click); ok is false for a button the dashboard does not use.
func wheelOf(b tea.MouseButton) (wheel int, ok bool) {
	switch b {
	case tea.MouseButtonWheelUp:
		return -1, true
	case tea.MouseButtonWheelDown:
		return 1, true
	case tea.MouseButtonLeft:
		return 0, true
	}
	return 0, false
}

// overEvents reports whether msg is over the events pane, which stays
// under the pointer even beside the full-screen picture.
func (m *Model) overEvents(msg tea.MouseMsg) bool {
	r := m.lay.events
	return m.showEvents && r.h > 0 && msg.X >= r.x && msg.X < r.x+r.w && msg.Y >= r.y && msg.Y < r.y+r.h
}

// mousePane is a pane of the main screen as the mouse sees it: where it is
// and what a click (wheel 0) or a wheel step on it does; y is the row
// within the pane, its border being row 0.
type mousePane struct {
	rect func(*Model) rect
	do   func(m *Model, y, wheel int) tea.Cmd
}

// mousePanes are hit-tested in order: the events pane first (it is checked
// only when shown), then the interactions, the table and the preview.
var mousePanes = []mousePane{
	{func(m *Model) rect {
		if !m.showEvents {
			return rect{}
		}
		return m.lay.events
	}, (*Model).mouseEvents},
	{func(m *Model) rect { return m.lay.inter }, (*Model).mouseInter},
	{func(m *Model) rect { return m.lay.snaps }, (*Model).mouseSnaps},
	{func(m *Model) rect { return m.lay.prev }, (*Model).mousePreview},
}

func (m *Model) mouseEvents(_, wheel int) tea.Cmd {
	if wheel != 0 {
		m.events.Scroll(-wheel * 3)
		return nil
	}
	m.setFocus(focusEvents)
	return nil
}

func (m *Model) mouseInter(y, wheel int) tea.Cmd {
	before, _ := m.inter.Selected()
	if wheel != 0 {
		m.inter.Move(wheel)
	} else {
		m.setFocus(focusInteractions)
		m.inter.ClickRow(y - 1)
	}
	if after, ok := m.inter.Selected(); ok && after.ID != before.ID {
		return m.selectInteraction(after.ID)
	}
	return nil
}

func (m *Model) mouseSnaps(y, wheel int) tea.Cmd {
	if wheel != 0 {
		m.moveTable(wheel)
		return nil
	}
	m.setFocus(focusSnapshots)
	if m.snaps.ClickRow(y - 1) {
		m.topPending, m.snapsMoved = false, true
		return m.clicked()
	}
	return nil
}

func (m *Model) mousePreview(_, wheel int) tea.Cmd {
	if wheel != 0 {
		m.moveTable(wheel)
		return nil
	}
	m.setFocus(focusPreview)
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
		m.preview.showFull(true)
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
