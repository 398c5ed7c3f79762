// Package confirm is a yes/no question whose default answer is No. It is
// answered by the first key that reaches it: y says yes; every other key,
// a paste and a mouse click (the root turns a click on a hint into its key)
// say no. Other messages (a resize) leave it open. It guards discards, bulk
// reviews and quitting while actions are in flight. The answer is the
// Result of the Update that received the key (see package dialog), so the
// key that answered is never handed on.
package confirm

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/pane"
)

// KeyMap are the dialog's keys.
type KeyMap struct{ Yes, No key.Binding }

// DefaultKeyMap returns y for yes and n/enter/esc/q for no (any other key
// says no too; these are the ones the help names).
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "N", "enter", "esc", "q"), key.WithHelp("N/enter/esc", "no")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Yes, k.No} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Model is one question.
type Model struct {
	KeyMap   KeyMap
	name     string
	title    string
	question string
	yes      dialog.Result
	st       *theme.Styles
}

// New asks question under title. Yes answers with yes; No answers with
// dialog.Closed{Name: name}.
func New(st *theme.Styles, name, title, question string, yes dialog.Result) Model {
	return Model{KeyMap: DefaultKeyMap(), name: name, title: sanitize.Line(title), question: sanitize.Text(question), yes: yes, st: st}
}

// Name says which question this is ("discard", "quit").
func (m Model) Name() string { return m.name }

// Update answers on the first key, paste or click: yes on y, no on
// anything else. Other messages leave the question open (the Result is
// nil).
func (m Model) Update(msg tea.Msg) (Model, dialog.Result) {
	if !Answers(msg) {
		return m, nil
	}
	if k, ok := msg.(tea.KeyMsg); ok && !k.Paste && key.Matches(k, m.KeyMap.Yes) {
		return m, m.yes
	}
	return m, dialog.Closed{Name: m.name}
}

// Answers reports whether msg answers a question: a key, a paste or a
// mouse click (a press of any button but the wheel). Motion, releases, the
// wheel and every other message do not.
func Answers(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return true
	case tea.MouseMsg:
		return msg.Action == tea.MouseActionPress && !tea.MouseEvent(msg).IsWheel()
	}
	return false
}

// Hints are the keys drawn under the question; a click on one is that key.
func (m Model) Hints() []dialog.Hint {
	return []dialog.Hint{{Key: "y", Desc: "yes", Press: "y"}, {Key: "N", Desc: "no (default)", Press: "n"}}
}

// View draws the dialog, at most maxW cells wide.
func (m Model) View(maxW int) string {
	w := min(56, maxW-4)
	return pane.Dialog(m.st, m.title, m.question+"\n\n"+HintLine(m.st, m.Hints()), w)
}

// HintLine draws hints on one line, three spaces apart.
func HintLine(st *theme.Styles, hints []dialog.Hint) string {
	var b strings.Builder
	for i, h := range hints {
		if i > 0 {
			b.WriteString(st.HelpDesc.Render("   "))
		}
		b.WriteString(st.HelpKey.Render(h.Key) + st.HelpDesc.Render(" "+h.Desc))
	}
	return b.String()
}
