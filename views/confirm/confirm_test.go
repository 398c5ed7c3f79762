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
	msg, ok := answer(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	if !ok || msg != (discardIt{"s1"}) {
		t.Errorf("y answered %#v, want yes", msg)
	}
	// Any other key, a paste and a click say no: the first key answers,
	// so a stray key never leaves the question open for a later y.
	for _, k := range []tea.KeyMsg{
		{Type: tea.KeyRunes, Runes: []rune("d")}, {Type: tea.KeyRunes, Runes: []rune("Y")},
		{Type: tea.KeySpace, Runes: []rune(" ")}, {Type: tea.KeyEsc, Alt: true},
		{Type: tea.KeyRunes, Runes: []rune("y"), Paste: true}, {Type: tea.KeyUp},
	} {
		if msg, ok := answer(t, m, k); !ok || msg != (dialog.Closed{Name: "discard"}) {
			t.Errorf("%q answered %#v, want no", k, msg)
		}
	}
	if _, res := m.Update(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, X: 3, Y: 4}); res != (dialog.Closed{Name: "discard"}) {
		t.Errorf("a click answered %#v, want no", res)
	}
	// A resize, the wheel, motion and releases leave it open.
	for _, msg := range []tea.Msg{
		tea.WindowSizeMsg{Width: 100, Height: 30},
		tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown},
		tea.MouseMsg{Action: tea.MouseActionRelease, Button: tea.MouseButtonLeft},
		tea.MouseMsg{Action: tea.MouseActionMotion},
	} {
		if _, res := m.Update(msg); res != nil {
			t.Errorf("%#v answered %#v", msg, res)
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
