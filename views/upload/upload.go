// Package upload is the dialog that names a local file: the picture to
// upload (with its snapshot type) or where to save the selected one. The
// path field completes with tab. Everything that touches the disk (reading
// a directory, checking the chosen path) runs in a tea.Cmd, never in Update.
package upload

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
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

// CompletedMsg is the answer of a completion: the directory entries that
// start with what was typed (directories end with a slash). IsFile says
// that what was typed already names an existing file that is not a
// directory.
type CompletedMsg struct {
	For        string
	Candidates []string
	IsFile     bool
}

// ExpandHome reads a leading "~/" as the home directory, as a shell would:
// the paths typed in this dialog are read so wherever they are used.
func ExpandHome(p string) string {
	if strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, p[2:])
		}
	}
	return p
}

// Complete lists the completions of the path prefix typed.
func Complete(typed string) tea.Cmd {
	return func() tea.Msg {
		msg := CompletedMsg{For: typed}
		if typed != "" && !strings.HasSuffix(typed, "/") {
			if fi, err := os.Stat(ExpandHome(typed)); err == nil && !fi.IsDir() {
				msg.IsFile = true
			}
		}
		dir, base := filepath.Split(typed)
		read := dir
		if read == "" {
			read = "."
		}
		read = ExpandHome(read)
		ents, err := os.ReadDir(read)
		if err != nil {
			return msg
		}
		for _, e := range ents {
			n := e.Name()
			if !strings.HasPrefix(n, base) || (strings.HasPrefix(n, ".") && !strings.HasPrefix(base, ".")) {
				continue
			}
			isDir := e.IsDir()
			if e.Type()&fs.ModeSymlink != 0 {
				if fi, err := os.Stat(filepath.Join(read, n)); err == nil {
					isDir = fi.IsDir()
				}
			}
			if isDir {
				n += "/"
			}
			msg.Candidates = append(msg.Candidates, dir+n)
		}
		sort.Strings(msg.Candidates)
		return msg
	}
}

// check verifies the chosen path before the dialog hands it over: an upload
// must read a regular file (a FIFO or a device would block or never end), a
// save must not replace a file and needs an existing directory. It runs in
// Update, not in a command: one stat of a local path, and the dialog must
// answer in the Update that received enter (see package dialog).
func check(mode Mode, path string) error {
	p := ExpandHome(path)
	if mode == Save {
		if _, err := os.Lstat(p); err == nil {
			return errors.New("a file of that name already exists; choose another")
		}
		dir := filepath.Dir(p)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("no directory %s", dir)
		}
		return nil
	}
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		err = errors.New("no such file")
	case err != nil:
	case fi.IsDir():
		err = errors.New("that is a directory; tab lists its files")
	case !fi.Mode().IsRegular():
		err = errors.New("not a regular file")
	}
	return err
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
	err    string
	submit func(path, typ string) dialog.Result
}

// New opens the dialog with path prefilled (and type, for uploads). Enter
// answers with submit(the checked path, the type); esc with
// dialog.Closed{Name: "upload"} or {Name: "save"}.
func New(st *theme.Styles, mode Mode, path, typ string, submit func(path, typ string) dialog.Result) (Model, tea.Cmd) {
	m := Model{KeyMap: DefaultKeyMap(), Mode: mode, st: st, path: prompt.NewInput(st), typ: prompt.NewInput(st), submit: submit}
	m.path.SetValue(path)
	m.path.CursorEnd()
	m.path.Placeholder = "path to a JPEG, PNG, GIF or WebP picture"
	if mode == Save {
		m.path.Placeholder = "a new file's path (an existing one is never overwritten)"
	}
	m.typ.SetValue(typ)
	m.typ.ShowSuggestions = true
	m.typ.SetSuggestions(requestform.Types())
	m.title = "Upload a picture"
	if mode == Save {
		m.title = "Save picture as"
	}
	return m, m.path.Focus()
}

// commonPrefix returns the longest prefix of every string in a, cut at a
// character boundary (cutting inside a UTF-8 sequence would put a broken
// character into the input).
func commonPrefix(a []string) string {
	if len(a) == 0 {
		return ""
	}
	p := a[0]
	for _, s := range a[1:] {
		n := 0
		for n < len(p) && n < len(s) && p[n] == s[n] {
			n++
		}
		p = p[:n]
	}
	for len(p) > 0 && !utf8.ValidString(p) {
		p = p[:len(p)-1]
	}
	return p
}

// Path returns the path typed so far.
func (m Model) Path() string { return m.path.Value() }

// Err returns the error shown in the dialog, if any.
func (m Model) Err() string { return m.err }

// focusType moves the cursor to the snapshot type (uploads only).
func (m *Model) focusType() tea.Cmd {
	m.path.Blur()
	m.focus = 1
	return m.typ.Focus()
}

// focusPath moves the cursor back to the path.
func (m *Model) focusPath() tea.Cmd {
	m.typ.Blur()
	m.focus = 0
	return m.path.Focus()
}

// Name is "upload" or "save".
func (m Model) Name() string {
	if m.Mode == Save {
		return "save"
	}
	return "upload"
}

// Update edits, completes, submits and cancels. The Result is nil while
// the dialog stays open.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, dialog.Result) {
	cmd, res := m.update(msg)
	return m, cmd, res
}

func (m *Model) update(msg tea.Msg) (tea.Cmd, dialog.Result) {
	switch msg := msg.(type) {
	case CompletedMsg:
		if msg.For != m.path.Value() {
			return nil, nil
		}
		if msg.IsFile && m.Mode == Upload {
			m.cands = nil
			return m.focusType(), nil
		}
		m.cands = msg.Candidates
		if p := commonPrefix(msg.Candidates); len(p) > len(msg.For) {
			m.path.SetValue(p)
			m.path.CursorEnd()
		}
		if len(msg.Candidates) == 1 {
			m.cands = nil
		}
		return nil, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.KeyMap.Submit):
			p, t := strings.TrimSpace(m.path.Value()), strings.TrimSpace(m.typ.Value())
			if p == "" {
				return nil, nil
			}
			if err := check(m.Mode, p); err != nil {
				m.err = err.Error()
				return m.focusPath(), nil
			}
			m.path.Blur()
			m.typ.Blur()
			return nil, m.submit(p, t)
		case key.Matches(msg, m.KeyMap.Cancel):
			return nil, dialog.Closed{Name: m.Name()}
		case key.Matches(msg, m.KeyMap.Complete) && m.focus == 0:
			return Complete(m.path.Value()), nil
		case msg.String() == "shift+tab" || (msg.String() == "tab" && m.focus == 1 && m.typ.Value() == m.typ.CurrentSuggestion()):
			if m.Mode == Upload {
				return m.focusPath(), nil
			}
		}
	}
	var cmd tea.Cmd
	if m.focus == 0 {
		before := m.path.Value()
		m.path, cmd = m.path.Update(msg)
		if m.path.Value() != before {
			m.cands, m.err = nil, ""
		}
	} else {
		m.typ, cmd = m.typ.Update(msg)
	}
	return cmd, nil
}

// View draws the dialog.
func (m Model) View(maxW int) string {
	w := min(70, maxW-4)
	path := m.path
	path.Width = w - 4
	var b strings.Builder
	b.WriteString(prompt.Label(m.st, "File", m.focus == 0) + "\n" + path.View() + "\n")
	if len(m.cands) > 0 {
		n := min(len(m.cands), 5)
		for _, c := range m.cands[:n] {
			b.WriteString(m.st.Muted.Render("  "+pane.Fit(sanitize.Line(filepath.Base(strings.TrimSuffix(c, "/"))+suffix(c)), w-6)) + "\n")
		}
		if len(m.cands) > n {
			b.WriteString(m.st.Muted.Render("  … "+strconv.Itoa(len(m.cands)-n)+" more") + "\n")
		}
	}
	if m.err != "" {
		b.WriteString(m.st.StatusErr.Render(pane.Fit("✗ "+sanitize.Line(m.err), w-2)) + "\n")
	}
	if m.Mode == Upload {
		typ := m.typ
		typ.Width = w - 4
		b.WriteString(prompt.Label(m.st, "Snapshot type", m.focus == 1) + "\n" + typ.View() + "\n")
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
