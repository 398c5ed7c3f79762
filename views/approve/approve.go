// Package approve is the approve question and its type picker.
//
// Approving is a yes/no question like discarding: "Approve snapshot … as
// meter?" is answered by its first key, y approves as the type shown and
// every other key says no. Changing the type is a deliberate second step:
// t opens a picker of the known types; choosing one asks the question
// again with the new type. A type that is not a known one can be typed
// only after choosing "new type…" in the picker, and is then asked about
// once more ("meterx is not a known type. Approve as meterx?"), so a
// reviewer's y/N habit or a stray digit never approves as a made-up type.
package approve

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/pane"
	"github.com/snapdash/snapdash/views/prompt"
)

// Step is where the dialog is.
type Step int

// The steps: the question, the picker, the new type's field, and the
// question about a new type.
const (
	Asking Step = iota
	Picking
	Typing
	AskingNew
)

// newEntry is the picker's last entry, which opens the field.
const newEntry = "new type…"

// KeyMap are the dialog's keys.
type KeyMap struct {
	Yes, Type, No          key.Binding
	Up, Down, Choose, Back key.Binding
}

// DefaultKeyMap returns y (yes), t (change the type), any other key no;
// in the picker ↑/↓ (k/j) move, enter chooses, esc cancels.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "approve")),
		Type:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "change type")),
		No:     key.NewBinding(key.WithKeys("n", "enter", "esc"), key.WithHelp("N/enter/esc", "no")),
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Model is one approval being decided.
type Model struct {
	KeyMap KeyMap
	st     *theme.Styles
	id     string
	was    string   // the snapshot's own type
	typ    string   // the type the question shows
	types  []string // the known types
	step   Step
	cursor int
	input  textinput.Model
	submit func(typ string) dialog.Result
}

// New asks whether to approve snapshot id, whose type is was, as was.
// types are the known types; submit makes the answer for a yes.
func New(st *theme.Styles, id, was string, types []string, submit func(typ string) dialog.Result) Model {
	was = sanitize.Line(was)
	return Model{KeyMap: DefaultKeyMap(), st: st, id: sanitize.Line(id), was: was, typ: was,
		types: slices.Clone(types), submit: submit}
}

// Step says where the dialog is.
func (m Model) Step() Step { return m.step }

// Type is the type the question shows (and a yes approves as).
func (m Model) Type() string { return m.typ }

// Name says which dialog this is: "approve" while it asks, "approve type"
// while the type is being picked or typed.
func (m Model) Name() string {
	if m.step == Picking || m.step == Typing {
		return "approve type"
	}
	return "approve"
}

// Typing reports whether the new type's text field is open.
func (m Model) Typing() bool { return m.step == Typing }

// Update handles one message; the Result is non-nil when the dialog is
// answered (the approval, or dialog.Closed).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	switch m.step {
	case Asking, AskingNew:
		return m.updateAsking(msg)
	case Picking:
		return m.updatePicking(msg)
	case Typing:
		return m.updateTyping(msg)
	}
	return m, nil, nil
}

// closed is the answer of a dialog closed without approving.
var closed = dialog.Closed{Name: "approve"}

// updateAsking answers the yes/no question: yes approves with the current
// type, t (only for a known type) opens the picker, anything else closes.
func (m Model) updateAsking(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	if !confirm.Answers(msg) {
		return m, nil, nil
	}
	k, isKey := msg.(tea.KeyMsg)
	switch {
	case isKey && !k.Paste && key.Matches(k, m.KeyMap.Yes):
		return m, nil, m.submit(m.typ)
	case isKey && !k.Paste && m.step == Asking && key.Matches(k, m.KeyMap.Type):
		m.step, m.cursor = Picking, max(0, slices.Index(m.entries(), m.typ))
		return m, nil, nil
	}
	return m, nil, closed
}

// updatePicking moves the type picker's cursor, chooses, or closes.
func (m Model) updatePicking(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || k.Paste {
		return m, nil, nil
	}
	n := len(m.entries())
	switch {
	case key.Matches(k, m.KeyMap.Back):
		return m, nil, closed
	case key.Matches(k, m.KeyMap.Up):
		m.cursor = (m.cursor + n - 1) % n
	case key.Matches(k, m.KeyMap.Down):
		m.cursor = (m.cursor + 1) % n
	case key.Matches(k, m.KeyMap.Choose):
		return m.choose()
	}
	return m, nil, nil
}

// updateTyping edits the new type's name; enter takes it back to the
// question, esc closes.
func (m Model) updateTyping(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	k, ok := msg.(tea.KeyMsg)
	if ok && key.Matches(k, m.KeyMap.Back) {
		return m, nil, closed
	}
	if ok && !k.Paste && k.Type == tea.KeyEnter {
		v := sanitize.Line(strings.TrimSpace(m.input.Value()))
		switch {
		case v == "":
			return m, nil, nil
		case v == m.was || slices.Contains(m.types, v):
			m.typ, m.step = v, Asking
		default:
			m.typ, m.step = v, AskingNew
		}
		m.input.Blur()
		return m, nil, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd, nil
}

// choose takes the picker's entry under the cursor.
func (m Model) choose() (Model, tea.Cmd, dialog.Result) {
	e := m.entries()[m.cursor]
	if e == newEntry {
		m.step = Typing
		m.input = prompt.NewInput(m.st)
		m.input.CharLimit = 64
		m.input.Placeholder = "type name"
		return m, m.input.Focus(), nil
	}
	m.typ, m.step = e, Asking
	return m, nil, nil
}

// entries are the picker's lines: the snapshot's own type first when it
// is not a known one, the known types, then "new type…".
func (m Model) entries() []string {
	var e []string
	if m.was != "" && !slices.Contains(m.types, m.was) {
		e = append(e, m.was)
	}
	return append(append(e, m.types...), newEntry)
}

// Hints are the keys the question draws (a click on one is that key).
func (m Model) Hints() []dialog.Hint {
	switch m.step {
	case Asking:
		return []dialog.Hint{{Key: "y", Desc: "approve", Press: "y"}, {Key: "t", Desc: "change type", Press: "t"},
			{Key: "N", Desc: "no (default)", Press: "n"}}
	case AskingNew:
		return []dialog.Hint{{Key: "y", Desc: "approve", Press: "y"}, {Key: "N", Desc: "no (default)", Press: "n"}}
	case Picking:
		return []dialog.Hint{{Key: "enter", Desc: "choose", Press: "enter"}, {Key: "esc", Desc: "cancel", Press: "esc"}}
	}
	return []dialog.Hint{{Key: "enter", Desc: "ok", Press: "enter"}, {Key: "esc", Desc: "cancel", Press: "esc"}}
}

// ShortHelp implements help.KeyMap for the footer.
func (m Model) ShortHelp() []key.Binding {
	k := m.KeyMap
	switch m.step {
	case Asking:
		return []key.Binding{k.Yes, k.Type, k.No}
	case AskingNew:
		return []key.Binding{k.Yes, k.No}
	case Picking:
		return []key.Binding{k.Up, k.Down, k.Choose, k.Back}
	}
	return []key.Binding{k.Choose, k.Back}
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the dialog, at most maxW cells wide.
func (m Model) View(maxW int) string {
	w := min(60, maxW-4)
	id := sanitize.Truncate(m.id, 30)
	var body string
	title := "Approve snapshot?"
	switch m.step {
	case Asking:
		as := m.st.Accent.Render(orNone(m.typ))
		body = "Approve snapshot " + id + "\nas " + as + "?"
		if m.typ != m.was {
			body += "\n" + m.st.Muted.Render("(its type was "+orNone(m.was)+")")
		}
	case AskingNew:
		title = "Approve as a new type?"
		body = m.st.Accent.Render(m.typ) + " is not one of the known types (" + strings.Join(m.types, ", ") +
			").\nApprove snapshot " + id + " as the new type " + m.st.Accent.Render(m.typ) + "?"
	case Picking:
		title = "Snapshot type"
		lines := make([]string, 0, len(m.entries()))
		for i, e := range m.entries() {
			label := e
			if e == m.was {
				label += m.st.Muted.Render(" (its type)")
			}
			if i == m.cursor {
				lines = append(lines, m.st.Accent.Render("▸ "+label))
			} else {
				lines = append(lines, "  "+label)
			}
		}
		body = "Approve " + id + " as:\n" + strings.Join(lines, "\n")
	case Typing:
		title = "New snapshot type"
		m.input.Width = w - 6
		body = m.st.Muted.Render("A type that is not one of the known ones:") + "\n" + m.input.View()
	}
	return pane.Dialog(m.st, title, body+"\n\n"+confirm.HintLine(m.st, m.Hints()), w)
}

func orNone(t string) string {
	if t == "" {
		return "(no type)"
	}
	return t
}
