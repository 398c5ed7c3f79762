// Package prompt is a one-field dialog: a label, a prefilled text input,
// enter to submit and esc to cancel. Approving with a type override uses it.
package prompt

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/pane"
)

// KeyMap are the dialog's keys.
type KeyMap struct{ Submit, Cancel key.Binding }

// DefaultKeyMap returns enter and esc.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Submit, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Model is the open prompt.
type Model struct {
	KeyMap       KeyMap
	name         string
	submit       func(value string) dialog.Result
	title, label string
	note         string
	input        textinput.Model
	st           *theme.Styles
}

// New opens a prompt named name; suggestions complete with tab. Enter
// answers with submit(the value); esc with dialog.Closed{Name: name}.
func New(st *theme.Styles, name, title, label, value, note string, suggestions []string, submit func(value string) dialog.Result) (Model, tea.Cmd) {
	in := NewInput(st)
	in.SetValue(value)
	in.CursorEnd()
	if len(suggestions) > 0 {
		in.ShowSuggestions = true
		in.SetSuggestions(suggestions)
	}
	m := Model{KeyMap: DefaultKeyMap(), name: name, submit: submit, title: sanitize.Line(title), label: label, note: sanitize.Line(note), input: in, st: st}
	return m, m.input.Focus()
}

// Label draws a field's label; the focused field's is marked with ▸ as well
// as coloured, so the field being edited shows without colour (NO_COLOR)
// too, where the text cursor is invisible.
func Label(st *theme.Styles, text string, focused bool) string {
	if focused {
		return st.Accent.Render("▸ " + text)
	}
	return st.Muted.Render(text)
}

// NewInput returns a text input styled for dialogs, with a steady cursor
// (no blinking, so screens are reproducible and SSH traffic stays low).
func NewInput(st *theme.Styles) textinput.Model {
	in := textinput.New()
	in.Prompt = "› "
	in.PromptStyle = st.Accent
	in.TextStyle = st.Base
	in.PlaceholderStyle = st.Muted
	in.CompletionStyle = st.Muted
	in.Cursor.Style = st.Renderer.NewStyle().Reverse(true)
	in.Cursor.TextStyle = st.Base
	in.Cursor.SetMode(cursor.CursorStatic)
	in.CharLimit = 512
	// ctrl+v would read the clipboard of the machine running snapdash
	// (atotto/clipboard runs xclip or pbpaste): over SSH that is the
	// server's. The terminal's own paste still types the text.
	in.KeyMap.Paste.SetEnabled(false)
	return in
}

// Name says which prompt this is ("approve").
func (m Model) Name() string { return m.name }

// Update edits the value and answers on enter or esc; the Result is nil
// while the prompt stays open.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.KeyMap.Submit):
			m.input.Blur()
			return m, nil, m.submit(m.input.Value())
		case key.Matches(k, m.KeyMap.Cancel):
			m.input.Blur()
			return m, nil, dialog.Closed{Name: m.name}
		}
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd, nil
}

// View draws the dialog.
func (m Model) View(maxW int) string {
	w := min(60, maxW-4)
	m.input.Width = w - 4
	body := m.st.Muted.Render(m.label) + "\n" + m.input.View()
	if m.note != "" {
		body += "\n\n" + m.st.Muted.Render(m.note)
	}
	hint := "enter ok · esc cancel"
	if m.input.ShowSuggestions {
		hint = "tab completes · " + hint
	}
	body += "\n\n" + m.st.HelpDesc.Render(hint)
	return pane.Dialog(m.st, m.title, body, w)
}
