// Package confirm is a yes/no question whose default answer is No: only y
// says yes; enter, n, esc and q say no. It guards discards and quitting
// while actions are in flight. The answer is the Result of the Update that
// received the key (see package dialog).
package confirm

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/pane"
)

// KeyMap are the dialog's keys.
type KeyMap struct{ Yes, No key.Binding }

// DefaultKeyMap returns y for yes and n/enter/esc/q for no.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
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

// Update answers on y or a no-key; any other key is ignored and the
// question stays open (the Result is nil).
func (m Model) Update(msg tea.Msg) (Model, dialog.Result) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.KeyMap.Yes):
		return m, m.yes
	case key.Matches(k, m.KeyMap.No):
		return m, dialog.Closed{Name: m.name}
	}
	return m, nil
}

// View draws the dialog, at most maxW cells wide.
func (m Model) View(maxW int) string {
	w := min(56, maxW-4)
	body := m.question + "\n\n" + m.st.HelpKey.Render("y") + m.st.HelpDesc.Render(" yes   ") +
		m.st.HelpKey.Render("N") + m.st.HelpDesc.Render(" no (default)")
	return pane.Dialog(m.st, m.title, body, w)
}
