package confirm

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
)

type discardIt struct{ ID string }

func answer(t *testing.T, m Model, k tea.KeyMsg) (dialog.Result, bool) {
	t.Helper()
	_, res := m.Update(k)
	return res, res != nil
}

func TestDefaultIsNo(t *testing.T) {
	m := New(theme.New(theme.Palette{}, nil), "discard", "Discard?", "Discard s1?", discardIt{"s1"})
	for _, k := range []tea.KeyMsg{{Type: tea.KeyEnter}, {Type: tea.KeyEsc}, {Type: tea.KeyRunes, Runes: []rune("n")}, {Type: tea.KeyRunes, Runes: []rune("N")}} {
		msg, ok := answer(t, m, k)
		if !ok || msg != (dialog.Closed{Name: "discard"}) {
			t.Errorf("%s answered %#v, want no", k, msg)
		}
	}
	for _, k := range []string{"y", "Y"} {
		msg, ok := answer(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		if !ok || msg != (discardIt{"s1"}) {
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
	m := New(theme.New(theme.Palette{}, nil), "discard", "Discard \x1b]0;x\x07?", "Discard s1\x1b[2J (ty\u202epe)?\nsecond line", nil)
	v := m.View(80)
	if strings.ContainsAny(v, "\x1b\x07\u202e") {
		t.Fatalf("unsafe text: %q", v)
	}
	if !strings.Contains(v, "second line") || !strings.Contains(v, "no (default)") {
		t.Fatalf("view:\n%s", v)
	}
}
