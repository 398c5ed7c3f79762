package camera

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/theme"
)

func TestChooseByNumberAndCursor(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	m := New(st, "Mallory \x1b]0;pwned\x07\x1b[31m")
	if v := m.View(80); strings.ContainsAny(v, "\x1b\x07") || !strings.Contains(v, "to Mallory") {
		t.Fatalf("target drawn unsafely: %q", v)
	}
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("3")})
	if got := cmd(); got != (ChosenMsg{Type: client.CameraFlashOff}) {
		t.Fatalf("3 chose %#v", got)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyUp}) // wraps to the last item
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if got := cmd(); got != (ChosenMsg{Type: client.CameraFlashOff}) {
		t.Fatalf("up+enter chose %#v", got)
	}
	for _, k := range []string{"4", "0", "x"} {
		if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}); cmd != nil {
			t.Errorf("%q chose %#v", k, cmd())
		}
	}
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if got := cmd(); got != (CancelledMsg{}) {
		t.Fatalf("esc gave %#v", got)
	}
	for _, it := range Items() {
		if !it.Type.Valid() || Label(it.Type) != it.Label {
			t.Errorf("item %+v", it)
		}
	}
	if got := Label("WEIRD\x1b[31m"); got != "WEIRD" {
		t.Errorf("unknown type label %q", got)
	}
}
