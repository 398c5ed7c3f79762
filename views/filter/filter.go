// Package filter is the `/` filter of the dashboard's lists: a one-line
// input and the query it parses into. A query is space-separated terms; a
// term `key:value` narrows the column key names (the keys a list knows are
// its Spec: the snapshots table knows type, state, id and customer), and a
// bare word must appear in any of the list's columns. Matching is substring
// and ignores case and accents (`garcia` finds `Sofía García`). A term whose
// key the list does not know is reported by Query.Unknown and narrows
// nothing, rather than silently hiding every row.
package filter

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
	"golang.org/x/text/unicode/norm"
)

// Spec is what one list's filter knows: its column keys, in the order
// messages list them, and their short forms.
type Spec struct {
	// Keys are the column keys ("type", "state").
	Keys []string
	// Aliases maps a short form to its key ("t" to "type").
	Aliases map[string]string
	// Placeholder is the input's hint while it is empty.
	Placeholder string
}

// SnapshotsSpec is the snapshots table's: type, state, id and customer.
func SnapshotsSpec() Spec {
	return Spec{
		Keys:        []string{"type", "state", "id", "customer"},
		Aliases:     map[string]string{"t": "type", "s": "state", "c": "customer", "cust": "customer"},
		Placeholder: "type:meter state:approved id:… customer:…",
	}
}

// InteractionsSpec is the interactions list's: customer, id and agent.
func InteractionsSpec() Spec {
	return Spec{
		Keys:        []string{"customer", "id", "agent"},
		Aliases:     map[string]string{"c": "customer", "cust": "customer", "a": "agent"},
		Placeholder: "customer:… id:… agent:…",
	}
}

// WatchSpec is the watch table's: the customer.
func WatchSpec() Spec {
	return Spec{
		Keys:        []string{"customer"},
		Aliases:     map[string]string{"c": "customer", "cust": "customer"},
		Placeholder: "customer:…",
	}
}

// key returns the column key k names, if the spec knows it.
func (sp Spec) key(k string) (string, bool) {
	if slices.Contains(sp.Keys, k) {
		return k, true
	}
	v, ok := sp.Aliases[k]
	return v, ok
}

// Fold returns s as the filter compares it: lower-case, without accents
// (decomposed, combining marks removed) and with the few Latin letters that
// do not decompose spelled plainly (ø as o, ß as ss), so `garcia` finds
// `García` and `sorensen` finds `Sørensen`. Rows fold their columns once,
// when they are set, and queries fold their terms when parsed.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch r {
		case 'ø':
			r = 'o'
		case 'ł':
			r = 'l'
		case 'đ', 'ð':
			r = 'd'
		case 'ħ':
			r = 'h'
		case 'ı':
			r = 'i'
		case 'æ':
			b.WriteString("ae")
			continue
		case 'œ':
			b.WriteString("oe")
			continue
		case 'ß':
			b.WriteString("ss")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Fields are the searchable columns of one snapshots row, each already
// passed through Fold.
type Fields struct {
	Type, State, ID, Customer string
}

// term is one `key:value` term, both folded, the key in its long form.
type term struct{ key, value string }

// Query is a parsed filter. The zero value matches everything.
type Query struct {
	terms   []term
	words   []string
	unknown []string
	spec    Spec
	raw     string
}

// Parse reads a filter expression of the snapshots table.
func Parse(s string) Query { return ParseFor(SnapshotsSpec(), s) }

// ParseFor reads a filter expression of the list sp describes.
func ParseFor(sp Spec, s string) Query {
	q := Query{raw: strings.TrimSpace(s), spec: sp}
	for _, t := range strings.Fields(Fold(s)) {
		k, v, ok := strings.Cut(t, ":")
		if !ok || !isKey(k) {
			// A bare word, or a colon in something that is no key
			// ("10:30", "a/b:c"): a word to find.
			q.words = append(q.words, t)
			continue
		}
		long, known := sp.key(k)
		switch {
		case !known:
			if !slices.Contains(q.unknown, k) {
				q.unknown = append(q.unknown, k)
			}
		case v == "":
			// "type:" while its value is still being typed narrows
			// nothing yet, rather than emptying the table.
		default:
			q.terms = append(q.terms, term{long, v})
		}
	}
	return q
}

// isKey reports whether k looks like a column key: letters, digits and
// dashes starting with a letter.
func isKey(k string) bool {
	if k == "" || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// String returns the expression the query was parsed from.
func (q Query) String() string { return q.raw }

// Empty reports whether the query matches everything.
func (q Query) Empty() bool { return len(q.terms)+len(q.words) == 0 }

// Unknown returns the keys of `key:` terms the list does not know (folded,
// as typed, in order); they narrow nothing.
func (q Query) Unknown() []string { return slices.Clone(q.unknown) }

// Warning returns what to tell the user about the query, such as
// "unknown filter term foo: (known: type, state, id, customer)", or "" when
// every term is understood. Unknown keys are sanitized and cut short.
func (q Query) Warning() string {
	if len(q.unknown) == 0 {
		return ""
	}
	names := make([]string, len(q.unknown))
	for i, u := range q.unknown {
		names[i] = sanitize.Truncate(u, 20) + ":"
	}
	what := "term"
	if len(names) > 1 {
		what = "terms"
	}
	return "unknown filter " + what + " " + strings.Join(names, " ") +
		" (known: " + strings.Join(q.spec.Keys, ", ") + ")"
}

// Match reports whether a snapshots row with fields f passes the query.
func (q Query) Match(f Fields) bool {
	return q.match(func(k string) string {
		switch k {
		case "type":
			return f.Type
		case "state":
			return f.State
		case "id":
			return f.ID
		case "customer":
			return f.Customer
		}
		return ""
	}, func(w string) bool {
		return strings.Contains(f.Type, w) || strings.Contains(f.State, w) ||
			strings.Contains(f.ID, w) || strings.Contains(f.Customer, w)
	})
}

// MatchMap reports whether a row passes the query; f maps each of the
// list's keys to that column's value, already passed through Fold. A bare
// word may appear in any of them.
func (q Query) MatchMap(f map[string]string) bool {
	return q.match(func(k string) string { return f[k] }, func(w string) bool {
		for _, v := range f {
			if strings.Contains(v, w) {
				return true
			}
		}
		return false
	})
}

func (q Query) match(col func(key string) string, anywhere func(word string) bool) bool {
	for _, t := range q.terms {
		if !strings.Contains(col(t.key), t.value) {
			return false
		}
	}
	for _, w := range q.words {
		if !anywhere(w) {
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

// Applied is the Result of enter: the filter closes and Query (parsed with
// the input's Spec) stays applied. Esc answers dialog.Closed{Name: "filter"}: the filter is
// cleared. While the input is open the root reads Value after each Update,
// so the table narrows as the user types.
type Applied struct{ Query Query }

// Model is the filter input line.
type Model struct {
	KeyMap KeyMap
	input  textinput.Model
	spec   Spec
	width  int
}

// New returns the snapshots table's filter input styled by st.
func New(st *theme.Styles) Model { return NewFor(st, SnapshotsSpec()) }

// NewFor returns a filter input for the list sp describes.
func NewFor(st *theme.Styles, sp Spec) Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = sp.Placeholder
	in.PromptStyle = st.Accent
	in.TextStyle = st.Base
	in.PlaceholderStyle = st.Muted
	in.Cursor.Style = st.Renderer.NewStyle().Reverse(true)
	in.Cursor.TextStyle = st.Base
	in.Cursor.SetMode(cursor.CursorStatic)
	in.CharLimit = 200
	in.KeyMap.Paste.SetEnabled(false) // see prompt.NewInput: no host clipboard over SSH
	return Model{KeyMap: DefaultKeyMap(), input: in, spec: sp}
}

// SetSpec makes the input filter another list (the focused one): its
// placeholder and the keys its queries know.
func (m *Model) SetSpec(sp Spec) {
	m.spec = sp
	m.input.Placeholder = sp.Placeholder
}

// Spec returns the keys the input's queries know.
func (m Model) Spec() Spec { return m.spec }

// Query parses the text typed so far with the input's Spec.
func (m Model) Query() Query { return ParseFor(m.spec, m.input.Value()) }

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
			return m, nil, Applied{Query: m.Query()}
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
