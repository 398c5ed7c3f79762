package confirm

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
)

func answer(t *testing.T, m Model, k tea.KeyMsg) (tea.Msg, bool) {
	t.Helper()
	_, cmd := m.Update(k)
	if cmd == nil {
		return nil, false
	}
	return cmd(), true
}

func TestDefaultIsNo(t *testing.T) {
	m := New(theme.New(theme.Palette{}, nil), "discard", "Discard?", "Discard s1?")
	for _, k := range []tea.KeyMsg{{Type: tea.KeyEnter}, {Type: tea.KeyEsc}, {Type: tea.KeyRunes, Runes: []rune("n")}, {Type: tea.KeyRunes, Runes: []rune("N")}} {
		msg, ok := answer(t, m, k)
		if !ok || msg != (AnsweredMsg{Tag: "discard"}) {
			t.Errorf("%s answered %#v, want no", k, msg)
		}
	}
	for _, k := range []string{"y", "Y"} {
		msg, ok := answer(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		if !ok || msg != (AnsweredMsg{Tag: "discard", Yes: true}) {
			t.Errorf("%s answered %#v, want yes", k, msg)
		}
	}
	// Any other key is ignored: a stray d or j must not answer.
	for _, k := range []string{"d", "j", " "} {
		if msg, ok := answer(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}); ok {
			t.Errorf("%q answered %#v", k, msg)
		}
	}
}

func TestQuestionIsSanitized(t *testing.T) {
	m := New(theme.New(theme.Palette{}, nil), "discard", "Discard \x1b]0;x\x07?", "Discard s1\x1b[2J (ty\u202epe)?\nsecond line")
	v := m.View(80)
	if strings.ContainsAny(v, "\x1b\x07\u202e") {
		t.Fatalf("unsafe text: %q", v)
	}
	if !strings.Contains(v, "second line") || !strings.Contains(v, "no (default)") {
		t.Fatalf("view:\n%s", v)
	}
}
