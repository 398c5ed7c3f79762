// Package filter is the `/` filter of the snapshots table: a one-line input
// and the query it parses into. A query is space-separated terms; a term
// `type:`, `state:`, `id:` or `customer:` narrows that column, and a bare
// word must appear in any of them. Matching is case-insensitive substring.
package filter

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
)

// Fields are the searchable columns of one row, already lower-cased.
type Fields struct {
	Type, State, ID, Customer string
}

// Query is a parsed filter. The zero value matches everything.
type Query struct {
	Type, State, ID, Customer []string
	Words                     []string
	raw                       string
}

// Parse reads a filter expression.
func Parse(s string) Query {
	q := Query{raw: strings.TrimSpace(s)}
	for _, t := range strings.Fields(strings.ToLower(s)) {
		k, v, ok := strings.Cut(t, ":")
		if !ok {
			q.Words = append(q.Words, t)
			continue
		}
		if v == "" {
			if fieldKey(k) {
				// "type:" while its value is still being typed narrows
				// nothing yet, rather than emptying the table.
				continue
			}
			q.Words = append(q.Words, t)
			continue
		}
		switch k {
		case "type", "t":
			q.Type = append(q.Type, v)
		case "state", "s":
			q.State = append(q.State, v)
		case "id":
			q.ID = append(q.ID, v)
		case "customer", "c", "cust":
			q.Customer = append(q.Customer, v)
		default:
			q.Words = append(q.Words, t)
		}
	}
	return q
}

// fieldKey reports whether k names a column (type, state, id, customer or
// one of their short forms).
func fieldKey(k string) bool {
	switch k {
	case "type", "t", "state", "s", "id", "customer", "c", "cust":
		return true
	}
	return false
}

// String returns the expression the query was parsed from.
func (q Query) String() string { return q.raw }

// Empty reports whether the query matches everything.
func (q Query) Empty() bool {
	return len(q.Type)+len(q.State)+len(q.ID)+len(q.Customer)+len(q.Words) == 0
}

func all(field string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(field, t) {
			return false
		}
	}
	return true
}

// Match reports whether a row with fields f passes the query.
func (q Query) Match(f Fields) bool {
	if !all(f.Type, q.Type) || !all(f.State, q.State) || !all(f.ID, q.ID) || !all(f.Customer, q.Customer) {
		return false
	}
	for _, w := range q.Words {
		if !strings.Contains(f.Type, w) && !strings.Contains(f.State, w) &&
			!strings.Contains(f.ID, w) && !strings.Contains(f.Customer, w) {
			return false
		}
	}
	return true
}

// KeyMap are the keys of the filter input.
type KeyMap struct {
	Apply, Clear key.Binding
}

// DefaultKeyMap returns the filter's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Apply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Clear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Apply, k.Clear} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Applied is the Result of enter: the filter closes and Query stays
// applied. Esc answers dialog.Closed{Name: "filter"}: the filter is
// cleared. While the input is open the root reads Value after each Update,
// so the table narrows as the user types.
type Applied struct{ Query Query }

// Model is the filter input line.
type Model struct {
	KeyMap KeyMap
	input  textinput.Model
	width  int
}

// New returns a filter input styled by st.
func New(st *theme.Styles) Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "type:meter state:approved id:… customer:…"
	in.PromptStyle = st.Accent
	in.TextStyle = st.Base
	in.PlaceholderStyle = st.Muted
	in.Cursor.Style = st.Renderer.NewStyle().Reverse(true)
	in.Cursor.TextStyle = st.Base
	in.Cursor.SetMode(cursor.CursorStatic)
	in.CharLimit = 200
	in.KeyMap.Paste.SetEnabled(false) // see prompt.NewInput: no host clipboard over SSH
	return Model{KeyMap: DefaultKeyMap(), input: in}
}

// Open focuses the input with the current expression.
func (m Model) Open(current string) (Model, tea.Cmd) {
	m.input.SetValue(current)
	m.input.CursorEnd()
	return m, m.input.Focus()
}

// Value returns the text typed so far.
func (m Model) Value() string { return m.input.Value() }

// SetWidth sets the line's width.
func (m *Model) SetWidth(w int) {
	m.width = w
	m.input.Width = max(1, w-3)
}

// Update handles keys while the filter is open. The Result is nil while
// it stays open.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.KeyMap.Apply):
			m.input.Blur()
			return m, nil, Applied{Query: Parse(m.input.Value())}
		case key.Matches(k, m.KeyMap.Clear):
			m.input.Blur()
			m.input.SetValue("")
			return m, nil, dialog.Closed{Name: "filter"}
		}
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd, nil
}

// View draws the input line.
func (m Model) View() string { return m.input.View() }
