// Package cmdline is the `:` command line, as in k9s: one prompt line with
// tab completion of command names and their arguments, a history walked
// with ↑ and ↓ and kept between runs, and a hint line under it (the
// command's usage, the completion candidates, or why enter did nothing).
package cmdline

import (
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/pane"
	"github.com/snapdash/snapdash/views/prompt"
)

// Name is the name in the dialog.Closed the command line answers to esc.
const Name = "cmdline"

// maxCandidates bounds what one completion keeps of Complete's answer.
const maxCandidates = 200

// Command is one command the line knows.
type Command struct {
	// Name is what the user types (":refresh") and what Run names.
	Name string
	// Aliases are other names for it (":i" for ":interaction").
	Aliases []string
	// Args is the usage of its arguments ("ID"), "" when it takes none.
	Args string
	// Help says in a few words what it does.
	Help string
	// Complete returns the candidates for the argument being typed,
	// given what is typed of it so far; nil means no completion.
	Complete func(prefix string) []string
}

// Run is the Result of enter on a known command.
type Run struct {
	// Name is the command's Name, even when an alias was typed.
	Name string
	// Args are the words after the command, split on spaces.
	Args []string
	// Line is the whole line as typed, trimmed (for an argument with
	// spaces, such as a filter).
	Line string
	// HistoryErr is why the line could not be saved in the history file,
	// nil when it was; the command runs either way.
	HistoryErr error
}

// KeyMap are the command line's keys.
type KeyMap struct {
	Run, Cancel, Complete, CompleteBack, Prev, Next key.Binding
}

// DefaultKeyMap returns enter, esc, tab, shift+tab, ↑ and ↓.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Run:          b("enter", "run", "enter"),
		Cancel:       b("esc", "cancel", "esc"),
		Complete:     b("tab", "complete", "tab"),
		CompleteBack: b("shift+tab", "previous completion", "shift+tab"),
		Prev:         b("↑", "older", "up", "ctrl+p"),
		Next:         b("↓", "newer", "down", "ctrl+n"),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Run, k.Complete, k.Prev, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Run, k.Cancel}, {k.Complete, k.CompleteBack}, {k.Prev, k.Next}}
}

// Model is the open command line.
type Model struct {
	KeyMap KeyMap
	st     *theme.Styles
	cmds   []Command
	hist   *History
	input  textinput.Model
	// errLine says why enter did nothing; cleared by the next edit.
	errLine string
	// cands are the candidates of the completion under way (nil when
	// none is); tab puts base+cands[idx] in the input.
	cands []string
	idx   int
	base  string
	// histLines are the history as it was when the line opened; histIdx
	// is the line shown (len(histLines) for the line being typed, kept
	// in draft).
	histLines []string
	histIdx   int
	draft     string
}

// New opens the command line for cmds with history (nil: a history in
// memory only).
func New(st *theme.Styles, cmds []Command, history *History) (Model, tea.Cmd) {
	if history == nil {
		history, _ = OpenHistory("")
	}
	in := prompt.NewInput(st)
	in.Prompt = ":"
	in.CharLimit = MaxLineLen
	m := Model{KeyMap: DefaultKeyMap(), st: st, cmds: cmds, hist: history, input: in}
	m.histLines = history.Lines()
	m.histIdx = len(m.histLines)
	return m, m.input.Focus()
}

// Value returns the line typed so far.
func (m Model) Value() string { return m.input.Value() }

// SetValue replaces the line (to open it prefilled, as ":filter ").
func (m *Model) SetValue(s string) {
	m.input.SetValue(sanitize.Line(s))
	m.input.CursorEnd()
	m.cands, m.errLine = nil, ""
}

// lookup returns the command called name (its Name or an alias, any
// case), or nil.
func (m Model) lookup(name string) *Command {
	name = strings.ToLower(strings.TrimLeft(name, ":"))
	for i := range m.cmds {
		c := &m.cmds[i]
		if strings.ToLower(c.Name) == name {
			return c
		}
		for _, a := range c.Aliases {
			if strings.ToLower(a) == name {
				return c
			}
		}
	}
	return nil
}

// Update edits the line and answers on enter or esc, in the same call; the
// Result is nil while the line stays open.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.KeyMap.Cancel):
			m.input.Blur()
			return m, nil, dialog.Closed{Name: Name}
		case key.Matches(k, m.KeyMap.Run):
			return m.submit()
		case key.Matches(k, m.KeyMap.Complete):
			m.complete(1)
			return m, nil, nil
		case key.Matches(k, m.KeyMap.CompleteBack):
			m.complete(-1)
			return m, nil, nil
		case key.Matches(k, m.KeyMap.Prev):
			m.walk(-1)
			return m, nil, nil
		case key.Matches(k, m.KeyMap.Next):
			m.walk(1)
			return m, nil, nil
		}
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if v := m.input.Value(); v != before {
		// Typed or pasted text may hold controls: the line never does.
		if s := sanitize.Line(v); s != v {
			m.input.SetValue(s)
		}
		m.cands, m.errLine = nil, ""
	}
	return m, cmd, nil
}

func (m Model) submit() (Model, tea.Cmd, dialog.Result) {
	line := strings.TrimSpace(m.input.Value())
	if line == "" {
		m.input.Blur()
		return m, nil, dialog.Closed{Name: Name}
	}
	f := strings.Fields(line)
	c := m.lookup(f[0])
	if c == nil {
		m.errLine = m.unknown(strings.TrimLeft(f[0], ":"))
		m.cands = nil
		return m, nil, nil
	}
	err := m.hist.Add(line)
	m.input.Blur()
	return m, nil, Run{Name: c.Name, Args: f[1:], Line: line, HistoryErr: err}
}

// complete is tab (dir 1) and shift+tab (dir -1): the first press
// completes the word being typed, the command's name or else its last
// argument, with the first candidate (a lone one is taken, followed by a
// space when arguments come next); the following presses cycle through
// the candidates, which the hint line shows.
func (m *Model) complete(dir int) {
	m.errLine = ""
	if n := len(m.cands); n > 1 {
		m.idx = ((m.idx+dir)%n + n) % n
		m.setLine(m.base + m.cands[m.idx])
		return
	}
	v := strings.TrimLeft(m.input.Value(), " :")
	var c *Command
	var cands []string
	if i := strings.LastIndexByte(v, ' '); i < 0 {
		m.base = ""
		cands = m.names(v)
	} else {
		m.base = v[:i+1]
		if c = m.lookup(strings.Fields(v)[0]); c != nil && c.Complete != nil {
			cands = m.args(c, v[i+1:])
		}
	}
	m.cands, m.idx = cands, 0
	if m.cands == nil {
		m.cands = []string{} // shown as "no completions"
	}
	switch len(cands) {
	case 0:
	case 1:
		line := m.base + cands[0]
		if c == nil {
			if cc := m.lookup(cands[0]); cc != nil && cc.Args != "" {
				line += " "
			}
		}
		m.setLine(line)
		m.cands = nil
	default:
		m.setLine(m.base + cands[0])
	}
}

func (m *Model) setLine(s string) {
	m.input.SetValue(s)
	m.input.CursorEnd()
}

// names returns the names of the commands whose name or an alias starts
// with prefix, sorted.
func (m Model) names(prefix string) []string {
	prefix = strings.ToLower(prefix)
	var out []string
	for _, c := range m.cmds {
		n := sanitize.Line(c.Name)
		match := strings.HasPrefix(strings.ToLower(n), prefix)
		for _, a := range c.Aliases {
			match = match || strings.HasPrefix(strings.ToLower(a), prefix)
		}
		if match && n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// args returns c's candidates for prefix: sanitized, without blanks or
// repeats, at most maxCandidates.
func (m Model) args(c *Command, prefix string) []string {
	var out []string
	for _, a := range c.Complete(prefix) {
		a = strings.TrimSpace(sanitize.Line(a))
		if a == "" || slices.Contains(out, a) {
			continue
		}
		if len(a) > MaxLineLen/2 {
			a = sanitize.Truncate(a, MaxLineLen/4)
		}
		out = append(out, a)
		if len(out) == maxCandidates {
			break
		}
	}
	return out
}

// walk is ↑ (dir -1) and ↓ (dir 1) through the history; below the newest
// line is the line being typed.
func (m *Model) walk(dir int) {
	i := m.histIdx + dir
	if i < 0 || i > len(m.histLines) {
		return
	}
	if m.histIdx == len(m.histLines) {
		m.draft = m.input.Value()
	}
	m.histIdx = i
	if i == len(m.histLines) {
		m.setLine(m.draft)
	} else {
		m.setLine(m.histLines[i])
	}
	m.cands, m.errLine = nil, ""
}

// View draws the prompt line and the hint line under it, each at most maxW
// cells wide.
func (m Model) View(maxW int) string {
	w := max(1, maxW)
	m.input.Width = max(1, w-2)
	return pane.Fit(m.input.View(), w) + "\n" + m.hint(w)
}

// hint is the second line: the error, the candidates, or the usage of
// what is typed.
func (m Model) hint(w int) string {
	switch {
	case m.errLine != "":
		return m.st.Bad.Render(pane.Fit(m.errLine, w))
	case m.cands != nil && len(m.cands) == 0:
		return m.st.Muted.Render(pane.Fit("no completions", w))
	case m.cands != nil:
		return m.candidates(w)
	}
	v := strings.TrimLeft(m.input.Value(), " :")
	f := strings.Fields(v)
	if len(f) == 0 {
		return m.st.Muted.Render(pane.Fit("commands: "+strings.Join(m.names(""), " ")+" · tab completes", w))
	}
	if c := m.lookup(f[0]); c != nil && (len(f) > 1 || strings.HasSuffix(v, " ") || len(m.names(f[0])) == 1) {
		return m.st.Muted.Render(pane.Fit(usage(c), w))
	}
	if n := m.names(f[0]); len(n) > 0 && len(f) == 1 {
		return m.st.Muted.Render(pane.Fit(strings.Join(n, " ")+" · tab completes", w))
	}
	return m.st.Muted.Render(pane.Fit("unknown command: "+sanitize.Truncate(f[0], 30), w))
}

// usage is "interaction ID — open an interaction (alias i)".
func usage(c *Command) string {
	s := c.Name
	if c.Args != "" {
		s += " " + c.Args
	}
	if c.Help != "" {
		s += " — " + c.Help
	}
	if len(c.Aliases) == 1 {
		s += " (alias " + c.Aliases[0] + ")"
	} else if len(c.Aliases) > 1 {
		s += " (aliases " + strings.Join(c.Aliases, ", ") + ")"
	}
	return sanitize.Line(s)
}

// candidates draws the completion candidates on one line, the current one
// marked (▸ and the selection's colours), starting far enough along that
// the current one shows, with "+N" for those cut off.
func (m Model) candidates(w int) string {
	n := len(m.cands)
	cell := func(i int) string {
		if i == m.idx {
			return "▸" + m.cands[i]
		}
		return " " + m.cands[i]
	}
	start := 0
	for start < m.idx && widthOf(m.cands[start:m.idx+1], cell, start)+8 > w {
		start++
	}
	var b strings.Builder
	used := 0
	shown := 0
	for i := start; i < n; i++ {
		c := cell(i)
		cw := ansi.StringWidth(c) + 1
		if used+cw+8 > w && i > m.idx {
			break
		}
		if i == m.idx {
			b.WriteString(m.st.Selected.Render(c))
		} else {
			b.WriteString(m.st.Muted.Render(c))
		}
		b.WriteByte(' ')
		used += cw
		shown++
	}
	if rest := n - shown; rest > 0 {
		b.WriteString(m.st.Muted.Render("+" + strconv.Itoa(rest)))
	}
	return pane.Fit(b.String(), w)
}

func widthOf(cands []string, cell func(int) string, from int) int {
	w := 0
	for i := range cands {
		w += ansi.StringWidth(cell(from+i)) + 1
	}
	return w
}
