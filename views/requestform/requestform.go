// Package requestform is the form that asks a customer's device for a
// picture: target user, target endpoint and snapshot type, prefilled from
// the interaction's data. The session it belongs to is shown, not edited.
package requestform

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/pane"
	"github.com/snapdash/snapdash/views/prompt"
)

// Types are the snapshot types offered by tab completion.
func Types() []string { return []string{"car-damage", "meter", "id-document", "other"} }

// Values are the form's fields.
type Values struct {
	TargetUserID, TargetUserEndpointID, SnapshotType string
	// Session is shown for context ("CALL s-1"); not edited.
	Session string
}

// KeyMap are the form's keys.
type KeyMap struct{ Next, Prev, Submit, Cancel key.Binding }

// DefaultKeyMap returns the form's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send request")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Next, k.Submit, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Next, k.Prev, k.Submit, k.Cancel}}
}

var labels = [...]string{"Target user", "Target endpoint", "Snapshot type"}

// Model is the open form.
type Model struct {
	KeyMap  KeyMap
	st      *theme.Styles
	inputs  [3]textinput.Model
	focus   int
	session string
	err     string
	submit  func(Values) dialog.Result
}

// New opens the form prefilled with v. Enter answers with submit(the
// values) once the required fields are filled; esc with
// dialog.Closed{Name: "request"}.
func New(st *theme.Styles, v Values, submit func(Values) dialog.Result) (Model, tea.Cmd) {
	m := Model{KeyMap: DefaultKeyMap(), st: st, session: sanitize.Line(v.Session), submit: submit}
	for i, val := range []string{v.TargetUserID, v.TargetUserEndpointID, v.SnapshotType} {
		in := prompt.NewInput(st)
		in.SetValue(sanitize.Line(val))
		in.CursorEnd()
		m.inputs[i] = in
	}
	m.inputs[2].ShowSuggestions = true
	m.inputs[2].SetSuggestions(Types())
	m.inputs[2].Placeholder = "optional: car-damage, meter, … (tab completes)"
	// Start on the first empty field: usually the type.
	for i := range m.inputs {
		if m.inputs[i].Value() == "" {
			m.focus = i
			break
		}
		m.focus = 2
	}
	return m, m.inputs[m.focus].Focus()
}

// Values returns what the form holds now.
func (m Model) Values() Values {
	return Values{
		TargetUserID:         strings.TrimSpace(m.inputs[0].Value()),
		TargetUserEndpointID: strings.TrimSpace(m.inputs[1].Value()),
		SnapshotType:         strings.TrimSpace(m.inputs[2].Value()),
		Session:              m.session,
	}
}

func (m *Model) move(d int) tea.Cmd {
	m.inputs[m.focus].Blur()
	m.focus = (m.focus + d + len(m.inputs)) % len(m.inputs)
	return m.inputs[m.focus].Focus()
}

// Update edits, moves between fields, submits and cancels. The Result is
// nil while the form stays open.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.KeyMap.Submit):
			v := m.Values()
			switch {
			case v.TargetUserID == "":
				m.err = "target user is required"
				return m, m.focusOn(0), nil
			case v.TargetUserEndpointID == "":
				m.err = "target endpoint is required"
				return m, m.focusOn(1), nil
			}
			m.inputs[m.focus].Blur()
			return m, nil, m.submit(v)
		case key.Matches(k, m.KeyMap.Cancel):
			m.inputs[m.focus].Blur()
			return m, nil, dialog.Closed{Name: "request"}
		case k.String() == "tab" && m.focus == 2 && len(m.inputs[2].MatchedSuggestions()) > 0 &&
			m.inputs[2].Value() != m.inputs[2].CurrentSuggestion():
			// tab completes the type first, then moves on
		case key.Matches(k, m.KeyMap.Next):
			return m, m.move(1), nil
		case key.Matches(k, m.KeyMap.Prev):
			return m, m.move(-1), nil
		}
	}
	var cmd tea.Cmd
	m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
	return m, cmd, nil
}

func (m *Model) focusOn(i int) tea.Cmd {
	m.inputs[m.focus].Blur()
	m.focus = i
	return m.inputs[i].Focus()
}

// View draws the form.
func (m Model) View(maxW int) string {
	w := min(64, maxW-4)
	var b strings.Builder
	for i := range m.inputs {
		in := m.inputs[i]
		in.Width = w - 4
		b.WriteString(prompt.Label(m.st, labels[i], i == m.focus) + "\n" + in.View() + "\n")
	}
	if m.session != "" {
		b.WriteString(m.st.Muted.Render(pane.Fit("Session  "+m.session, w-2)) + "\n")
	}
	if m.err != "" {
		b.WriteString(m.st.StatusErr.Render("✗ "+m.err) + "\n")
	}
	b.WriteString("\n" + m.st.HelpDesc.Render("tab next · enter send · esc cancel"))
	return pane.Dialog(m.st, "Request a snapshot", b.String(), w)
}
