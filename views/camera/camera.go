// Package camera is the menu of commands for the customer's camera:
// switch camera, flash on, flash off. The outcome arrives later as an event
// and is shown by the root in the status line and the events pane.
package camera

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/pane"
)

// Item is one command of the menu.
type Item struct {
	Type  client.CameraRequestType
	Label string
}

// Items are the commands in menu order.
func Items() []Item {
	return []Item{
		{client.CameraSwitch, "Switch camera"},
		{client.CameraFlashOn, "Flash on"},
		{client.CameraFlashOff, "Flash off"},
	}
}

// Label returns the menu label of t, or t itself.
func Label(t client.CameraRequestType) string {
	for _, it := range Items() {
		if it.Type == t {
			return it.Label
		}
	}
	return sanitize.Line(string(t))
}

// KeyMap are the menu's keys.
type KeyMap struct{ Up, Down, Choose, Cancel key.Binding }

// DefaultKeyMap returns the menu's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/1-3", "send")),
		Cancel: key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Choose, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// ChosenMsg is sent when a command is picked.
type ChosenMsg struct{ Type client.CameraRequestType }

// CancelledMsg is sent when the menu is closed without a choice.
type CancelledMsg struct{}

// Model is the open menu.
type Model struct {
	KeyMap KeyMap
	st     *theme.Styles
	cursor int
	target string
}

// New opens the menu for the customer named target.
func New(st *theme.Styles, target string) Model {
	return Model{KeyMap: DefaultKeyMap(), st: st, target: sanitize.Line(target)}
}

// Update moves and chooses.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	items := Items()
	switch {
	case key.Matches(k, m.KeyMap.Up):
		m.cursor = (m.cursor + len(items) - 1) % len(items)
	case key.Matches(k, m.KeyMap.Down):
		m.cursor = (m.cursor + 1) % len(items)
	case key.Matches(k, m.KeyMap.Choose):
		t := items[m.cursor].Type
		return m, func() tea.Msg { return ChosenMsg{Type: t} }
	case key.Matches(k, m.KeyMap.Cancel):
		return m, func() tea.Msg { return CancelledMsg{} }
	default:
		if n, err := strconv.Atoi(k.String()); err == nil && n >= 1 && n <= len(items) {
			t := items[n-1].Type
			return m, func() tea.Msg { return ChosenMsg{Type: t} }
		}
	}
	return m, nil
}

// View draws the menu.
func (m Model) View(maxW int) string {
	var b strings.Builder
	if m.target != "" {
		b.WriteString(m.st.Muted.Render("to " + m.target))
		b.WriteString("\n\n")
	}
	for i, it := range Items() {
		line := "  " + strconv.Itoa(i+1) + "  " + it.Label
		if i == m.cursor {
			line = m.st.Selected.Render("› " + strconv.Itoa(i+1) + "  " + pane.Fit(it.Label, 20))
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteString("\n" + m.st.HelpDesc.Render("enter send · esc cancel"))
	return pane.Dialog(m.st, "Camera", b.String(), min(40, maxW-4))
}
