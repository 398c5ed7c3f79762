package camera

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
)

type sent struct {
	Type   client.CameraRequestType
	Target Target
}

func choose(t client.CameraRequestType, to Target) dialog.Result { return sent{t, to} }

func press(m Model, ks ...string) (Model, dialog.Result) {
	var res dialog.Result
	for _, k := range ks {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "tab":
			msg = tea.KeyMsg{Type: tea.KeyTab}
		case "up":
			msg = tea.KeyMsg{Type: tea.KeyUp}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		m, _, res = m.Update(msg)
	}
	return m, res
}

func TestChooseByNumberAndCursor(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	to := Target{UserID: "u1", UserEndpointID: "e1"}
	m, _ := New(st, "Mallory \x1b]0;pwned\x07\x1b[31m", to, choose)
	if v := m.View(80); strings.ContainsAny(v, "\x1b\x07") || !strings.Contains(v, "to Mallory") {
		t.Fatalf("target drawn unsafely: %q", v)
	}
	if _, res := press(m, "3"); res != (sent{client.CameraFlashOff, to}) {
		t.Fatalf("3 chose %#v", res)
	}
	if _, res := press(m, "up", "enter"); res != (sent{client.CameraFlashOff, to}) { // up wraps to the last item
		t.Fatalf("up+enter chose %#v", res)
	}
	for _, k := range []string{"4", "0", "x"} {
		if _, res := press(m, k); res != nil {
			t.Errorf("%q chose %#v", k, res)
		}
	}
	if _, res := press(m, "esc"); res != (dialog.Closed{Name: "camera"}) {
		t.Fatalf("esc gave %#v", res)
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

// TestAsksForAnUnknownCustomer: with no customer known the menu asks for
// the device instead of sending a command the server must refuse; digits
// typed then are the id, not a command.
func TestAsksForAnUnknownCustomer(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	m, _ := New(st, "int-1", Target{}, choose)
	if !m.Asking() || !strings.Contains(m.View(80), "Customer user id") {
		t.Fatalf("not asking:\n%s", m.View(80))
	}
	m, res := press(m, "u", "2", "enter", "enter")
	if res != nil {
		t.Fatalf("sent before the endpoint was given: %#v", res)
	}
	m, res = press(m, "enter")
	if res != nil || !strings.Contains(m.View(80), "user endpoint is required") {
		t.Fatalf("empty endpoint accepted (%#v):\n%s", res, m.View(80))
	}
	_, res = press(m, "esc")
	if res != (dialog.Closed{Name: "camera"}) {
		t.Fatalf("esc gave %#v", res)
	}
	m, _ = New(st, "int-1", Target{UserID: "u2"}, choose)
	if _, res := press(m, "e", "9", "tab", "2"); res != (sent{client.CameraFlashOn, Target{"u2", "e9"}}) {
		t.Fatalf("gave %#v", res)
	}
}
