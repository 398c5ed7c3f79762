package events

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func press(m Model, s string) Model {
	k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
	if s == " " {
		k = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	m, _ = m.Update(k)
	return m
}

// The pane owns its keys: pause, the type filter and "this interaction"
// are handled by its Update, which says what changed through the notifier.
func TestPaneKeysAndNotes(t *testing.T) {
	m := newPane(t, 100, 4)
	var notes []string
	m.SetNotify(func(s string) { notes = append(notes, s) })
	m.SetInteraction("int-1")
	m.Push(Entry{Kind: Event, Type: "A", Interaction: "int-1", Text: "one"})
	m.Push(Entry{Kind: Event, Type: "B", Interaction: "int-2", Text: "two"})

	m = press(m, " ")
	if !m.Paused() {
		t.Fatal("space did not pause")
	}
	m = press(m, "p")
	if m.Paused() {
		t.Fatal("p did not follow again")
	}
	m = press(m, "f")
	if m.TypeFilter() != "A" || strings.Contains(m.View(), "two") {
		t.Fatalf("type filter %q:\n%s", m.TypeFilter(), m.View())
	}
	m = press(m, "f")
	m = press(m, "f")
	m = press(m, "t")
	if !m.InteractionOnly() || strings.Contains(m.View(), "two") || !strings.Contains(m.View(), "one") {
		t.Fatalf("this interaction only:\n%s", m.View())
	}
	want := []string{
		"events paused: new ones are counted; p follows again", "events: following",
		"events: A", "events: B", "events: every type", "events: this interaction only",
	}
	if strings.Join(notes, "|") != strings.Join(want, "|") {
		t.Fatalf("notes\n%q\nwant\n%q", notes, want)
	}
}

// Rebound keys apply, and the help lists the pane's own keys.
func TestPaneKeysRebound(t *testing.T) {
	m := newPane(t, 100, 4)
	km := DefaultKeyMap()
	km.Pause = key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "pause/follow"))
	m.SetKeyMap(km)
	if m = press(m, "p"); m.Paused() {
		t.Fatal("p still pauses after rebinding")
	}
	if m = press(m, "z"); !m.Paused() {
		t.Fatal("z does not pause")
	}
	if h := m.ShortHelp(); len(h) != 3 || h[0].Help().Key != "z" {
		t.Fatalf("short help %v", h)
	}
	if f := m.FullHelp(); len(f) != 2 || len(f[1]) != 3 {
		t.Fatalf("full help %v", f)
	}
}

// The wheel scrolls three lines a step.
func TestPaneWheel(t *testing.T) {
	m := newPane(t, 100, 3)
	for i := 0; i < 20; i++ {
		m.Push(Entry{Kind: Event, Text: "line"})
	}
	m, _ = m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	if m.Following() || !strings.Contains(m.Title(), "↑3") {
		t.Fatalf("wheel up: %s", m.Title())
	}
	m, _ = m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if !m.Following() {
		t.Fatalf("wheel down: %s", m.Title())
	}
}
