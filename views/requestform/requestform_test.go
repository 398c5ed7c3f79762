package requestform

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
)

type submitted struct{ Values Values }

func submit(v Values) dialog.Result { return submitted{v} }

func press(m Model, keys ...tea.KeyMsg) (Model, dialog.Result) {
	var res dialog.Result
	for _, k := range keys {
		m, _, res = m.Update(k)
	}
	return m, res
}

var (
	tab   = tea.KeyMsg{Type: tea.KeyTab}
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	esc   = tea.KeyMsg{Type: tea.KeyEsc}
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestPrefilledSanitizedAndFocusedOnFirstEmptyField(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	m, _ := New(st, Values{TargetUserID: "cust\x1b]0;pwn\x07-1", TargetUserEndpointID: "ep-1", Session: "CALL s\x1b[2J1"}, submit)
	v := m.View(80)
	if strings.ContainsAny(v, "\x1b\x07") {
		t.Fatalf("escape in the form: %q", v)
	}
	if got := m.Values(); got.TargetUserID != "cust-1" || got.Session != "CALL s1" {
		t.Fatalf("values %+v", got)
	}
	// The type is the first empty field: it has the cursor, and its label
	// is marked so that the focus shows without colour.
	if !strings.Contains(v, "▸ Snapshot type") || strings.Contains(v, "▸ Target user") {
		t.Fatalf("focus not marked on the type:\n%s", v)
	}
	m, _ = press(m, tab)
	if v := m.View(80); !strings.Contains(v, "▸ Target user") || strings.Contains(v, "▸ Snapshot type") {
		t.Fatalf("focus mark did not follow tab:\n%s", v)
	}
}

func TestTabCompletesTypeThenSubmit(t *testing.T) {
	m, _ := New(theme.New(theme.Palette{}, nil), Values{TargetUserID: "c", TargetUserEndpointID: "e"}, submit)
	m, _ = press(m, runes("m"), runes("e"), tab)
	if got := m.Values().SnapshotType; got != "meter" {
		t.Fatalf("tab completed to %q", got)
	}
	_, msg := press(m, enter)
	sub, ok := msg.(submitted)
	if !ok || sub.Values.SnapshotType != "meter" || sub.Values.TargetUserID != "c" {
		t.Fatalf("enter gave %#v", msg)
	}
}

func TestRequiredFieldsAndCancel(t *testing.T) {
	m, _ := New(theme.New(theme.Palette{}, nil), Values{TargetUserEndpointID: "e"}, submit)
	m, msg := press(m, enter)
	if msg != nil {
		t.Fatal("submitted without a target user")
	}
	if !strings.Contains(m.View(80), "target user is required") || !strings.Contains(m.View(80), "▸ Target user") {
		t.Fatalf("missing user not reported at the field:\n%s", m.View(80))
	}
	if _, msg := press(m, esc); msg != (dialog.Closed{Name: "request"}) {
		t.Fatalf("esc gave %#v", msg)
	}
}

// TestNoHostClipboard: ctrl+v must not read the clipboard of the machine
// running snapdash (over SSH, the server's).
func TestNoHostClipboard(t *testing.T) {
	m, _ := New(theme.New(theme.Palette{}, nil), Values{}, submit)
	if _, cmd, _ := m.Update(tea.KeyMsg{Type: tea.KeyCtrlV}); cmd != nil {
		t.Fatalf("ctrl+v returned a command (%T)", cmd())
	}
}
