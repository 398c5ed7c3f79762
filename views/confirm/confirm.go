// Package confirm is a yes/no question whose default answer is No: only y
// says yes; enter, n, esc and q say no. It guards discards and quitting
// while actions are in flight.
package confirm

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
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

// AnsweredMsg carries the answer; Tag says which question it was.
type AnsweredMsg struct {
	Tag string
	Yes bool
}

// Model is one question.
type Model struct {
	KeyMap   KeyMap
	Tag      string
	title    string
	question string
	st       *theme.Styles
}

// New asks question under title; tag comes back in AnsweredMsg.
func New(st *theme.Styles, tag, title, question string) Model {
	return Model{KeyMap: DefaultKeyMap(), Tag: tag, title: sanitize.Line(title), question: sanitize.Text(question), st: st}
}

// Update answers on y or no-keys; other keys are ignored.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	tag := m.Tag
	switch {
	case key.Matches(k, m.KeyMap.Yes):
		return m, func() tea.Msg { return AnsweredMsg{Tag: tag, Yes: true} }
	case key.Matches(k, m.KeyMap.No):
		return m, func() tea.Msg { return AnsweredMsg{Tag: tag} }
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
