package prompt

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
)

type approved struct{ Type string }

func TestPromptSubmitsEditedValueAndSanitizesTitle(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	m, _ := New(st, "approve", "Approve s1\x1b]0;pwn\x07", "Snapshot type", "meter\x1b[31m", "", []string{"meter", "car-damage"},
		func(v string) dialog.Result { return approved{v} })
	v := m.View(80)
	if strings.ContainsAny(v, "\x1b\x07") || !strings.Contains(v, "Approve s1") {
		t.Fatalf("title or value drawn unsafely: %q", v)
	}
	if !strings.Contains(v, "tab completes") {
		t.Fatalf("the hint does not say tab completes:\n%s", v)
	}
	for range len("meter[31m") {
		m, _, _ = m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	for _, r := range "car" {
		m, _, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	m, _, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
	if _, _, res := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); res != (approved{"car-damage"}) {
		t.Fatalf("enter gave %#v", res)
	}
	if _, _, res := m.Update(tea.KeyMsg{Type: tea.KeyEsc}); res != (dialog.Closed{Name: "approve"}) {
		t.Fatalf("esc gave %#v", res)
	}
}

func TestLabelMarksFocusWithoutColour(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	if got := Label(st, "File", true); got != "▸ File" {
		t.Fatalf("focused label %q", got)
	}
	if got := Label(st, "File", false); got != "File" {
		t.Fatalf("label %q", got)
	}
}

func TestNoHostClipboard(t *testing.T) {
	m, _ := New(theme.New(theme.Palette{}, nil), "x", "t", "l", "", "", nil, func(v string) dialog.Result { return approved{v} })
	if _, cmd, _ := m.Update(tea.KeyMsg{Type: tea.KeyCtrlV}); cmd != nil {
		t.Fatalf("ctrl+v returned a command (%T)", cmd())
	}
}
