package prompt

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
)

func TestPromptSubmitsEditedValueAndSanitizesTitle(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	m, _ := New(st, "approve", "Approve s1\x1b]0;pwn\x07", "Snapshot type", "meter\x1b[31m", "", []string{"meter", "car-damage"})
	v := m.View(80)
	if strings.ContainsAny(v, "\x1b\x07") || !strings.Contains(v, "Approve s1") {
		t.Fatalf("title or value drawn unsafely: %q", v)
	}
	if !strings.Contains(v, "tab completes") {
		t.Fatalf("the hint does not say tab completes:\n%s", v)
	}
	for range len("meter[31m") {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	for _, r := range "car" {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if got, ok := cmd().(SubmittedMsg); !ok || got.Tag != "approve" || got.Value != "car-damage" {
		t.Fatalf("enter gave %#v", cmd())
	}
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if got := cmd(); got != (CancelledMsg{Tag: "approve"}) {
		t.Fatalf("esc gave %#v", got)
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
	m, _ := New(theme.New(theme.Palette{}, nil), "x", "t", "l", "", "", nil)
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlV}); cmd != nil {
		t.Fatalf("ctrl+v returned a command (%T)", cmd())
	}
}
