// Package camera is the menu of commands for the customer's camera:
// switch camera, flash on, flash off. The outcome arrives later as an event
// and is shown by the root in the status line and the events pane.
package camera

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/pane"
	"github.com/snapdash/snapdash/views/prompt"
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
type KeyMap struct{ Up, Down, Choose, Cancel, Next key.Binding }

// DefaultKeyMap returns the menu's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/1-3", "send")),
		Cancel: key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "cancel")),
		Next:   key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "next field")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Choose, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Choose, k.Cancel, k.Next}}
}

// Target is the customer's device a command goes to.
type Target struct{ UserID, UserEndpointID string }

// Known reports whether both ids are there.
func (t Target) Known() bool { return t.UserID != "" && t.UserEndpointID != "" }

// Model is the open menu. When the customer's device is not known it asks
// for it first: two fields above the commands.
type Model struct {
	KeyMap KeyMap
	st     *theme.Styles
	cursor int
	name   string
	ask    bool
	// field is the focused field while asking: 0 user, 1 endpoint, 2 the
	// commands.
	field  int
	inputs [2]textinput.Model
	target Target
	err    string
	choose func(client.CameraRequestType, Target) dialog.Result
}

// New opens the menu for the customer named name, whose device is target.
// A command answers with choose(its type, the target); esc with
// dialog.Closed{Name: "camera"}. When target is not known the menu asks
// for it.
func New(st *theme.Styles, name string, target Target, choose func(client.CameraRequestType, Target) dialog.Result) (Model, tea.Cmd) {
	m := Model{KeyMap: DefaultKeyMap(), st: st, name: sanitize.Line(name), target: target, choose: choose, field: 2}
	if target.Known() {
		return m, nil
	}
	m.ask = true
	for i, v := range []string{target.UserID, target.UserEndpointID} {
		in := prompt.NewInput(st)
		in.SetValue(sanitize.Line(v))
		in.CursorEnd()
		m.inputs[i] = in
	}
	m.field = 0
	if target.UserID != "" {
		m.field = 1
	}
	return m, m.inputs[m.field].Focus()
}

// Asking reports whether the menu asks for the customer's device.
func (m Model) Asking() bool { return m.ask }

func (m *Model) focus(f int) tea.Cmd {
	if m.field < 2 {
		m.inputs[m.field].Blur()
	}
	m.field = f
	if f < 2 {
		return m.inputs[f].Focus()
	}
	return nil
}

// send answers with t, once the target is complete.
func (m *Model) send(t client.CameraRequestType) (tea.Cmd, dialog.Result) {
	if m.ask {
		m.target = Target{UserID: strings.TrimSpace(m.inputs[0].Value()), UserEndpointID: strings.TrimSpace(m.inputs[1].Value())}
		switch {
		case m.target.UserID == "":
			m.err = "the customer's user id is required"
			return m.focus(0), nil
		case m.target.UserEndpointID == "":
			m.err = "the customer's user endpoint is required"
			return m.focus(1), nil
		}
	}
	return nil, m.choose(t, m.target)
}

// Update moves, edits and chooses. The Result is nil while the menu stays
// open.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil, nil
	}
	items := Items()
	if key.Matches(k, m.KeyMap.Cancel) && (m.field == 2 || k.String() == "esc") {
		return m, nil, dialog.Closed{Name: "camera"}
	}
	if m.field < 2 {
		switch {
		case k.String() == "tab" || k.String() == "enter" || k.String() == "down":
			return m, m.focus(m.field + 1), nil
		case k.String() == "shift+tab" || k.String() == "up":
			return m, m.focus(max(0, m.field-1)), nil
		}
		var cmd tea.Cmd
		m.inputs[m.field], cmd = m.inputs[m.field].Update(msg)
		m.err = ""
		return m, cmd, nil
	}
	switch {
	case m.ask && k.String() == "shift+tab":
		return m, m.focus(1), nil
	case key.Matches(k, m.KeyMap.Up):
		m.cursor = (m.cursor + len(items) - 1) % len(items)
	case key.Matches(k, m.KeyMap.Down):
		m.cursor = (m.cursor + 1) % len(items)
	case key.Matches(k, m.KeyMap.Choose):
		cmd, res := m.send(items[m.cursor].Type)
		return m, cmd, res
	default:
		if n, err := strconv.Atoi(k.String()); err == nil && n >= 1 && n <= len(items) {
			cmd, res := m.send(items[n-1].Type)
			return m, cmd, res
		}
	}
	return m, nil, nil
}

// View draws the menu.
func (m Model) View(maxW int) string {
	w := min(40, maxW-4)
	if m.ask {
		w = min(48, maxW-4)
	}
	var b strings.Builder
	if m.name != "" {
		b.WriteString(m.st.Muted.Render("to " + m.name))
		b.WriteString("\n\n")
	}
	if m.ask {
		b.WriteString(m.st.Muted.Render(pane.Fit("The customer's device is not known yet:", w-2)) + "\n")
		for i, label := range [2]string{"Customer user id", "Customer user endpoint"} {
			in := m.inputs[i]
			in.Width = w - 6
			b.WriteString(prompt.Label(m.st, label, m.field == i) + "\n" + in.View() + "\n")
		}
		b.WriteByte('\n')
	}
	for i, it := range Items() {
		line := "  " + strconv.Itoa(i+1) + "  " + it.Label
		if i == m.cursor && m.field == 2 {
			line = m.st.Selected.Render("› " + strconv.Itoa(i+1) + "  " + pane.Fit(it.Label, 20))
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if m.err != "" {
		b.WriteString(m.st.StatusErr.Render("✗ "+m.err) + "\n")
	}
	hint := "enter send · esc cancel"
	if m.ask {
		hint = "tab next · enter send · esc cancel"
	}
	b.WriteString("\n" + m.st.HelpDesc.Render(hint))
	return pane.Dialog(m.st, "Camera", b.String(), w)
}
