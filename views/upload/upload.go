// Package upload is the dialog that names a local file: the picture to
// upload (with its snapshot type) or where to save the selected one. The
// path field completes with tab, reading the directory in a tea.Cmd.
package upload

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/pane"
	"github.com/snapdash/snapdash/views/prompt"
	"github.com/snapdash/snapdash/views/requestform"
)

// Mode says what the path is for.
type Mode int

// The dialog's uses.
const (
	// Upload sends a local picture to the interaction.
	Upload Mode = iota
	// Save writes the selected picture to a file.
	Save
)

// KeyMap are the dialog's keys.
type KeyMap struct{ Complete, Submit, Cancel key.Binding }

// DefaultKeyMap returns the dialog's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete / next")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Complete, k.Submit, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// SubmittedMsg carries the chosen path (and type for uploads).
type SubmittedMsg struct {
	Mode       Mode
	Path, Type string
}

// CancelledMsg says the dialog was closed.
type CancelledMsg struct{}

// CompletedMsg is the answer of a completion: the directory entries that
// start with what was typed (directories end with a slash).
type CompletedMsg struct {
	For        string
	Candidates []string
}

// Complete lists the completions of the path prefix typed.
func Complete(typed string) tea.Cmd {
	return func() tea.Msg {
		dir, base := filepath.Split(typed)
		read := dir
		if read == "" {
			read = "."
		}
		if strings.HasPrefix(read, "~/") {
			if h, err := os.UserHomeDir(); err == nil {
				read = filepath.Join(h, read[2:])
			}
		}
		ents, err := os.ReadDir(read)
		if err != nil {
			return CompletedMsg{For: typed}
		}
		var out []string
		for _, e := range ents {
			n := e.Name()
			if !strings.HasPrefix(n, base) || (strings.HasPrefix(n, ".") && !strings.HasPrefix(base, ".")) {
				continue
			}
			if e.IsDir() {
				n += "/"
			}
			out = append(out, dir+n)
		}
		sort.Strings(out)
		return CompletedMsg{For: typed, Candidates: out}
	}
}

// Model is the open dialog.
type Model struct {
	KeyMap KeyMap
	Mode   Mode
	st     *theme.Styles
	path   textinput.Model
	typ    textinput.Model
	focus  int
	cands  []string
	title  string
}

// New opens the dialog with path prefilled (and type, for uploads).
func New(st *theme.Styles, mode Mode, path, typ string) (Model, tea.Cmd) {
	m := Model{KeyMap: DefaultKeyMap(), Mode: mode, st: st, path: prompt.NewInput(st), typ: prompt.NewInput(st)}
	m.path.SetValue(path)
	m.path.CursorEnd()
	m.path.Placeholder = "path to a JPEG or PNG"
	m.typ.SetValue(typ)
	m.typ.ShowSuggestions = true
	m.typ.SetSuggestions(requestform.Types())
	m.title = "Upload a picture"
	if mode == Save {
		m.title = "Save picture as"
	}
	return m, m.path.Focus()
}

func commonPrefix(a []string) string {
	if len(a) == 0 {
		return ""
	}
	p := a[0]
	for _, s := range a[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// Update edits, completes, submits and cancels.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case CompletedMsg:
		if msg.For != m.path.Value() {
			return m, nil
		}
		m.cands = msg.Candidates
		if p := commonPrefix(msg.Candidates); len(p) > len(msg.For) {
			m.path.SetValue(p)
			m.path.CursorEnd()
		}
		if len(msg.Candidates) == 1 {
			m.cands = nil
		}
		return m, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.KeyMap.Submit):
			p, t := strings.TrimSpace(m.path.Value()), strings.TrimSpace(m.typ.Value())
			if p == "" {
				return m, nil
			}
			mode := m.Mode
			return m, func() tea.Msg { return SubmittedMsg{Mode: mode, Path: p, Type: t} }
		case key.Matches(msg, m.KeyMap.Cancel):
			return m, func() tea.Msg { return CancelledMsg{} }
		case key.Matches(msg, m.KeyMap.Complete) && m.focus == 0:
			if m.Mode == Upload && len(m.cands) == 0 && m.path.Value() != "" && !strings.HasSuffix(m.path.Value(), "/") {
				if _, err := os.Stat(m.path.Value()); err == nil {
					m.path.Blur()
					m.focus = 1
					return m, m.typ.Focus()
				}
			}
			return m, Complete(m.path.Value())
		case msg.String() == "shift+tab" || (msg.String() == "tab" && m.focus == 1 && m.typ.Value() == m.typ.CurrentSuggestion()):
			if m.Mode == Upload {
				m.typ.Blur()
				m.focus = 0
				return m, m.path.Focus()
			}
		}
	}
	var cmd tea.Cmd
	if m.focus == 0 {
		before := m.path.Value()
		m.path, cmd = m.path.Update(msg)
		if m.path.Value() != before {
			m.cands = nil
		}
	} else {
		m.typ, cmd = m.typ.Update(msg)
	}
	return m, cmd
}

// View draws the dialog.
func (m Model) View(maxW int) string {
	w := min(70, maxW-4)
	path := m.path
	path.Width = w - 4
	var b strings.Builder
	b.WriteString(m.st.Muted.Render("File") + "\n" + path.View() + "\n")
	if len(m.cands) > 0 {
		n := min(len(m.cands), 5)
		for _, c := range m.cands[:n] {
			b.WriteString(m.st.Muted.Render("  "+pane.Fit(sanitize.Line(filepath.Base(strings.TrimSuffix(c, "/"))+suffix(c)), w-6)) + "\n")
		}
		if len(m.cands) > n {
			b.WriteString(m.st.Muted.Render("  … "+itoa(len(m.cands)-n)+" more") + "\n")
		}
	}
	if m.Mode == Upload {
		typ := m.typ
		typ.Width = w - 4
		b.WriteString(m.st.Muted.Render("Snapshot type") + "\n" + typ.View() + "\n")
	}
	b.WriteString("\n" + m.st.HelpDesc.Render("tab complete · enter ok · esc cancel"))
	return pane.Dialog(m.st, m.title, b.String(), w)
}

func suffix(c string) string {
	if strings.HasSuffix(c, "/") {
		return "/"
	}
	return ""
}

func itoa(n int) string {
	s := ""
	for n > 0 || s == "" {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}
