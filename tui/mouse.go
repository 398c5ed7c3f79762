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
		return m.watchMouse(msg)
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
			if wheel == 0 {
				m.setFocus(p.focus) // a click focuses the pane
			}
			// In the pane's own cells: inside its border.
			in := msg
			in.X, in.Y = msg.X-r.x-1, msg.Y-r.y-1
			return p.do(m, in)
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

// mousePane is a pane of the main screen as the mouse sees it: where it
// is, the focus a click gives, and what it does with a click or a wheel
// step, given in the pane's own cells (0, 0 inside its border).
type mousePane struct {
	rect  func(*Model) rect
	focus focus
	do    func(*Model, tea.MouseMsg) tea.Cmd
}

// mousePanes are hit-tested in order: the events pane first (it is checked
// only when shown), then the interactions, the table and the preview. The
// lists scroll and select with the mouse in their own Update.
var mousePanes = []mousePane{
	{func(m *Model) rect {
		if !m.showEvents {
			return rect{}
		}
		return m.lay.events
	}, focusEvents, func(m *Model, msg tea.MouseMsg) tea.Cmd { m.events, _ = m.events.Update(msg); return nil }},
	{func(m *Model) rect { return m.lay.inter }, focusInteractions, func(m *Model, msg tea.MouseMsg) tea.Cmd { return m.toInter(msg) }},
	{func(m *Model) rect { return m.lay.snaps }, focusSnapshots, (*Model).mouseSnaps},
	{func(m *Model) rect { return m.lay.prev }, focusPreview, func(m *Model, msg tea.MouseMsg) tea.Cmd {
		if w, _ := wheelOf(msg.Button); w != 0 {
			m.moveTable(w) // the wheel over the picture walks the table
		}
		return nil
	}},
}

// mouseSnaps is a click or a wheel step over the table; a click on a row
// may be the second of a double click.
func (m *Model) mouseSnaps(msg tea.MouseMsg) tea.Cmd {
	if w, _ := wheelOf(msg.Button); w != 0 {
		m.moveTable(w)
		return nil
	}
	if m.snaps.ClickRow(msg.Y) {
		m.topPending, m.snapsMoved = false, true
		return m.clicked()
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
