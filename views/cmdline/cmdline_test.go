package cmdline

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
)

func prefixed(all ...string) func(string) []string {
	return func(p string) []string {
		var out []string
		for _, a := range all {
			if strings.HasPrefix(a, p) {
				out = append(out, a)
			}
		}
		return out
	}
}

func commands() []Command {
	return []Command{
		{Name: "interaction", Aliases: []string{"i"}, Args: "ID", Help: "open an interaction",
			Complete: prefixed("int-100", "int-101", "int-200")},
		{Name: "filter", Args: "TEXT", Help: "filter the focused list"},
		{Name: "image", Args: "MODE", Help: "set the image mode", Complete: prefixed("ascii", "auto", "halfblock", "kitty", "sixel")},
		{Name: "theme", Args: "NAME", Complete: prefixed("dark", "high-contrast", "light")},
		{Name: "watch"}, {Name: "events"}, {Name: "refresh", Aliases: []string{"r"}},
		{Name: "help", Aliases: []string{"?"}}, {Name: "quit", Aliases: []string{"q"}},
	}
}

func open(t *testing.T, h *History) Model {
	t.Helper()
	m, _ := New(theme.New(theme.Palette{}, nil), commands(), h)
	return m
}

// send gives m one key (named as tea names them, or runes) and returns
// the Result.
func send(t *testing.T, m Model, k string) (Model, dialog.Result) {
	t.Helper()
	var msg tea.KeyMsg
	switch k {
	case "enter":
		msg = tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		msg = tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		msg = tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		msg = tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		msg = tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		msg = tea.KeyMsg{Type: tea.KeyDown}
	case "backspace":
		msg = tea.KeyMsg{Type: tea.KeyBackspace}
	default:
		msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
	}
	m, _, res := m.Update(msg)
	return m, res
}

func keys(t *testing.T, m Model, ks ...string) Model {
	t.Helper()
	for _, k := range ks {
		var res dialog.Result
		if m, res = send(t, m, k); res != nil {
			t.Fatalf("key %q answered %#v", k, res)
		}
	}
	return m
}

func hint(m Model) string {
	return strings.TrimSpace(strings.SplitN(m.View(80), "\n", 2)[1])
}

func TestCompletesNamesThenArguments(t *testing.T) {
	m := open(t, nil)
	m = keys(t, m, "in", "tab")
	if m.Value() != "interaction " {
		t.Fatalf("in⇥ = %q, want the name and a space for its argument", m.Value())
	}
	if h := hint(m); !strings.Contains(h, "interaction ID — open an interaction (alias i)") {
		t.Fatalf("usage hint %q", h)
	}
	// The argument: the first tab takes the first candidate and shows
	// them all; the next ones cycle, wrapping; shift+tab goes back.
	for i, want := range []string{"int-100", "int-101", "int-200", "int-100"} {
		m = keys(t, m, "tab")
		if m.Value() != "interaction "+want {
			t.Fatalf("tab %d: %q, want %q", i+1, m.Value(), want)
		}
		h := hint(m)
		if !strings.Contains(h, "▸"+want) || !strings.Contains(h, "int-101") || !strings.Contains(h, "int-200") {
			t.Fatalf("tab %d: candidates %q", i+1, h)
		}
	}
	m = keys(t, m, "shift+tab")
	if m.Value() != "interaction int-200" {
		t.Fatalf("shift+tab: %q", m.Value())
	}
	// Typing ends the cycle; the next tab completes what is typed.
	m = keys(t, m, "backspace", "backspace", "backspace", "1", "tab")
	if m.Value() != "interaction int-1" && !strings.HasPrefix(m.Value(), "interaction int-10") {
		t.Fatalf("after editing: %q", m.Value())
	}
	if m.Value() != "interaction int-100" {
		t.Fatalf("int-1⇥ = %q, want int-100 first", m.Value())
	}
	// A lone candidate is taken.
	m = keys(t, m, "backspace", "backspace", "backspace", "2", "tab")
	if m.Value() != "interaction int-200" {
		t.Fatalf("int-2⇥ = %q", m.Value())
	}
	// No candidates says so; a command without completion too.
	m = keys(t, m, "x", "tab")
	if h := hint(m); h != "no completions" || m.Value() != "interaction int-200x" {
		t.Fatalf("nothing to complete: %q %q", m.Value(), h)
	}

	// Names: several candidates cycle (an alias counts: i is interaction).
	m = open(t, nil)
	m = keys(t, m, "i", "tab")
	if m.Value() != "image" || !strings.Contains(hint(m), "interaction") {
		t.Fatalf("i⇥ = %q, hint %q", m.Value(), hint(m))
	}
	m = keys(t, m, "tab")
	if m.Value() != "interaction" {
		t.Fatalf("i⇥⇥ = %q", m.Value())
	}
	// A command without arguments gets no space.
	m = open(t, nil)
	if m = keys(t, m, "ev", "tab"); m.Value() != "events" {
		t.Fatalf("ev⇥ = %q", m.Value())
	}
	m = open(t, nil)
	if m = keys(t, m, "image k", "tab"); m.Value() != "image kitty" {
		t.Fatalf("image k⇥ = %q", m.Value())
	}
	// The empty line lists the commands.
	if h := hint(open(t, nil)); !strings.HasPrefix(h, "commands: events filter help image interaction quit refresh theme watch") {
		t.Fatalf("empty hint %q", h)
	}
}

func TestEnterRunsKnownCommandsAndAliases(t *testing.T) {
	for line, want := range map[string]Run{
		"interaction int-7": {Name: "interaction", Args: []string{"int-7"}, Line: "interaction int-7"},
		"i int-7":           {Name: "interaction", Args: []string{"int-7"}, Line: "i int-7"},
		"  I   int-7 ":      {Name: "interaction", Args: []string{"int-7"}, Line: "I   int-7"},
		"filter Sofía  García": {Name: "filter", Args: []string{"Sofía", "García"},
			Line: "filter Sofía  García"},
		"q":        {Name: "quit", Args: []string{}, Line: "q"},
		":refresh": {Name: "refresh", Args: []string{}, Line: ":refresh"},
	} {
		m := keys(t, open(t, nil), line)
		_, res := send(t, m, "enter")
		got, ok := res.(Run)
		if !ok || got.Name != want.Name || !slices.Equal(got.Args, want.Args) || got.Line != want.Line || got.HistoryErr != nil {
			t.Errorf("%q answered %#v, want %#v", line, res, want)
		}
	}
	if _, res := send(t, open(t, nil), "esc"); res != (dialog.Closed{Name: "cmdline"}) {
		t.Fatalf("esc answered %#v", res)
	}
	if _, res := send(t, keys(t, open(t, nil), "  "), "enter"); res != (dialog.Closed{Name: "cmdline"}) {
		t.Fatalf("enter on a blank line answered %#v", res)
	}
}

func TestUnknownCommandSaysSoWithCloseMatches(t *testing.T) {
	for typed, want := range map[string]string{
		"refesh": "unknown command: refesh — did you mean: refresh?",
		"fltr":   "unknown command: fltr — did you mean: filter?",
		"inter":  "unknown command: inter — did you mean: interaction?",
		"them x": "unknown command: them — did you mean: theme?",
		"fresh":  "unknown command: fresh — did you mean: refresh?",
		"xyzzy":  "unknown command: xyzzy — tab lists the commands",
		"hepl":   "unknown command: hepl — did you mean: help?",
		"wtch":   "unknown command: wtch — did you mean: watch?",
		"eve":    "unknown command: eve — did you mean: events?",
		"ime":    "unknown command: ime — did you mean: image?",
	} {
		m := keys(t, open(t, nil), typed)
		m, res := send(t, m, "enter")
		if res != nil {
			t.Errorf("%q answered %#v; it should stay open", typed, res)
			continue
		}
		if h := hint(m); h != want {
			t.Errorf("%q: %q, want %q", typed, h, want)
		}
		// The next edit clears the error; the line is kept.
		m = keys(t, m, "!")
		if strings.Contains(hint(m), "did you mean") || m.Value() != typed+"!" {
			t.Errorf("%q: after an edit %q / %q", typed, m.Value(), hint(m))
		}
	}
}

// TestHostileStringsAreNeverDrawnRaw: typed or pasted controls, candidates
// from the server and lines from the history file are all drawn clean.
func TestHostileStringsAreNeverDrawnRaw(t *testing.T) {
	evil := "\x1b]52;c;cHduZWQ=\x07\x1b[2J\u202e\u009b31m"
	cmds := append(commands(), Command{Name: "x", Args: "ARG", Help: "h" + evil, Aliases: []string{"y" + evil},
		Complete: func(string) []string { return []string{"a" + evil, "b" + evil, evil} }})
	dir := t.TempDir()
	h, _ := OpenHistory(dir)
	if err := h.Add("refresh" + evil); err != nil {
		t.Fatal(err)
	}
	m, _ := New(theme.New(theme.Palette{}, nil), cmds, h)
	check := func(what string) {
		t.Helper()
		for _, w := range []int{1, 10, 80} {
			v := m.View(w)
			if strings.ContainsAny(v, "\x1b\x07\u202e\u009b") {
				t.Fatalf("%s: raw control drawn: %q", what, v)
			}
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > w {
					t.Fatalf("%s: line %q wider than %d", what, l, w)
				}
			}
		}
	}
	m = keys(t, m, "up")
	check("history line")
	if m.Value() != "refresh" {
		t.Fatalf("history value %q, want the line without its escapes", m.Value())
	}
	m, _ = New(theme.New(theme.Palette{}, nil), cmds, nil)
	m = keys(t, m, "x "+evil)
	check("typed")
	if strings.ContainsRune(m.Value(), 0x1b) {
		t.Fatalf("value kept a control: %q", m.Value())
	}
	m = keys(t, m, "tab")
	check("candidates")
	m = keys(t, m, "tab", "tab")
	check("cycled")
	m = keys(t, m, "backspace")
	check("usage")
	m, _ = New(theme.New(theme.Palette{}, nil), cmds, nil)
	m = keys(t, m, "zz"+evil)
	m, _ = send(t, m, "enter")
	check("unknown")
}

var _ help.KeyMap = KeyMap{}

// TestManyCandidatesKeepTheCurrentInView: cycling far through a long list
// keeps the current candidate on the hint line, which says how many more
// there are and never grows past the width.
func TestManyCandidatesKeepTheCurrentInView(t *testing.T) {
	var ids []string
	for i := range 300 {
		ids = append(ids, fmt.Sprintf("id-%03d", i))
	}
	cmds := []Command{{Name: "interaction", Args: "ID", Complete: prefixed(ids...)}}
	m, _ := New(theme.New(theme.Palette{}, nil), cmds, nil)
	m = keys(t, m, "interaction ", "tab")
	for i := range 120 {
		want := ids[i%maxCandidates]
		if m.Value() != "interaction "+want {
			t.Fatalf("tab %d: %q, want %q", i+1, m.Value(), want)
		}
		for _, w := range []int{20, 40, 120} {
			h := strings.SplitN(m.View(w), "\n", 2)[1]
			if ansi.StringWidth(h) > w || !strings.Contains(h, "▸"+want) {
				t.Fatalf("tab %d at width %d: hint %q", i+1, w, h)
			}
			if w == 40 && !strings.Contains(h, "+") {
				t.Fatalf("tab %d: no count of the candidates cut off: %q", i+1, h)
			}
		}
		m = keys(t, m, "tab")
	}
}
