package watch

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
)

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func press(m Model, keys ...string) (Model, tea.Cmd) {
	var cmd tea.Cmd
	for _, k := range keys {
		m, cmd = m.Update(keyMsg(k))
	}
	return m, cmd
}

func manyRows(n int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{InteractionID: "int-" + strconv.Itoa(100000+i), Customer: "Customer " + strconv.Itoa(i),
			Agent: "agent-" + strconv.Itoa(i%7), Pending: i % 3, Approved: i % 5, Discarded: i % 2,
			LastActivity: t0.Add(-time.Duration(i) * time.Second)}
		if i%4 != 0 {
			rows[i].Awaiting = 1 + i%3
			rows[i].OldestAwaiting = t0.Add(-time.Duration(i%900) * time.Second)
		}
	}
	return rows
}

func TestNavigation(t *testing.T) {
	rows := manyRows(50)
	m := newModel(t, rows, 80, 12) // 10 rows visible
	cur := func(m Model) int { return m.list.Cursor() }
	steps := []struct {
		keys []string
		want int
	}{
		{nil, 0},
		{[]string{"k"}, 0},
		{[]string{"up"}, 0},
		{[]string{"j"}, 1},
		{[]string{"down", "down"}, 3},
		{[]string{"k"}, 2},
		{[]string{"G"}, 49},
		{[]string{"j"}, 49},
		{[]string{"g"}, 0},
		{[]string{"end"}, 49},
		{[]string{"home"}, 0},
		{[]string{"pgdown"}, 10},
		{[]string{"pgdown"}, 20},
		{[]string{"ctrl+d"}, 20}, // ctrl+d is not a rune key; see below
		{[]string{"pgup"}, 10},
		{[]string{"pgup", "pgup"}, 0},
	}
	for _, s := range steps {
		if len(s.keys) == 1 && s.keys[0] == "ctrl+d" {
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyCtrlD})
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyCtrlU})
		} else {
			m, _ = press(m, s.keys...)
		}
		if cur(m) != s.want {
			t.Fatalf("after %v: cursor %d, want %d", s.keys, cur(m), s.want)
		}
		// The cursor's row is drawn: it is in the window.
		if !strings.Contains(ansi.Strip(m.View()), "› ") {
			t.Fatalf("after %v: cursor %d outside the window", s.keys, cur(m))
		}
	}
	m, _ = m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown})
	m, _ = m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown})
	m, _ = m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelUp})
	if cur(m) != 1 {
		t.Fatalf("wheel: cursor %d", cur(m))
	}
	if got := m.Position(); got != "2/50" {
		t.Fatalf("position %q", got)
	}
}

func TestEnterOpensInteraction(t *testing.T) {
	m := newModel(t, fixtureRows(), 80, 24)
	m, _ = press(m, "j", "j", "j")
	sel, ok := m.Selected()
	if !ok {
		t.Fatal("no selection")
	}
	_, cmd := m.Update(keyMsg("enter"))
	if cmd == nil {
		t.Fatal("enter gave no command")
	}
	msg, ok := cmd().(OpenInteractionMsg)
	if !ok || msg.ID != sel.InteractionID {
		t.Fatalf("got %#v, want OpenInteractionMsg{%q}", cmd(), sel.InteractionID)
	}
	// The id is handed back as the server sent it, for API calls.
	m.Select("int-0004-mallory")
	_, cmd = m.Update(keyMsg("enter"))
	if got := cmd().(OpenInteractionMsg).ID; got != "int-0004-mallory" {
		t.Fatalf("id %q", got)
	}
	empty := newModel(t, nil, 80, 24)
	if _, cmd := empty.Update(keyMsg("enter")); cmd != nil {
		t.Fatal("enter on an empty table gave a command")
	}
	if _, ok := empty.Selected(); ok {
		t.Fatal("empty table has a selection")
	}
	// Keys the view does not own are ignored.
	if _, cmd := m.Update(keyMsg("a")); cmd != nil {
		t.Fatal("a gave a command: the watch screen is read-only")
	}
}

func TestSetRowsKeepsSelectionAndSorts(t *testing.T) {
	rows := manyRows(30)
	m := newModel(t, rows, 100, 10)
	m, _ = press(m, "j", "j", "j", "j", "j")
	sel, _ := m.Selected()
	// Reverse the input: SetRows sorts, and the cursor follows the row.
	rev := make([]Row, len(rows))
	for i := range rows {
		rev[len(rows)-1-i] = rows[i]
	}
	m.SetRows(rev)
	if got, _ := m.Selected(); got.InteractionID != sel.InteractionID {
		t.Fatalf("selection moved from %s to %s", sel.InteractionID, got.InteractionID)
	}
	for shown, i := m.Shown(), 1; i < len(shown); i++ {
		if compare(shown[i-1], shown[i]) > 0 {
			t.Fatalf("rows %d and %d out of order", i-1, i)
		}
	}
	// When the selected row goes away the cursor stays in range.
	m.SetRows(rows[:2])
	if _, ok := m.Selected(); !ok || m.list.Cursor() > 1 {
		t.Fatalf("cursor %d", m.list.Cursor())
	}
	if !m.Select(rows[1].InteractionID) || m.Select("nope") {
		t.Fatal("Select")
	}
}

func TestCounts(t *testing.T) {
	m := newModel(t, fixtureRows(), 80, 24)
	crit, late := m.Counts()
	if crit != 2 || late != 1 {
		t.Fatalf("critical %d late %d, want 2 and 1", crit, late)
	}
	// A brute-force count agrees at many clocks.
	for s := 0; s < 4000; s += 7 {
		now := t0.Add(time.Duration(s) * time.Second)
		c, l := m.counts(now)
		var wc, wl int
		for _, r := range m.Rows() {
			switch m.th.Level(r, now) {
			case LevelCritical:
				wc++
			case LevelLate:
				wl++
			}
		}
		if c != wc || l != wl {
			t.Fatalf("at +%ds: %d/%d, want %d/%d", s, c, l, wc, wl)
		}
	}
}

func TestTicking(t *testing.T) {
	m := newModel(t, nil, 80, 24)
	if _, cmd := m.Update(TickMsg{gen: m.gen}); cmd != nil {
		t.Fatal("ticks before StartTicking")
	}
	if cmd := m.StartTicking(); cmd == nil {
		t.Fatal("StartTicking gave no command")
	}
	old := TickMsg{gen: m.gen}
	if _, cmd := m.Update(old); cmd == nil {
		t.Fatal("the loop stopped")
	}
	m.StartTicking() // reopening the screen starts a new loop and ends the old
	if _, cmd := m.Update(old); cmd != nil {
		t.Fatal("two loops run at once")
	}
	m.StopTicking()
	if _, cmd := m.Update(TickMsg{gen: m.gen}); cmd != nil {
		t.Fatal("ticks after StopTicking")
	}
}

func TestKeyMapHelp(t *testing.T) {
	k := DefaultKeyMap()
	if len(k.ShortHelp()) == 0 || len(k.FullHelp()) == 0 {
		t.Fatal("empty help")
	}
	for _, g := range k.FullHelp() {
		for _, b := range g {
			if b.Help().Key == "" || b.Help().Desc == "" || len(b.Keys()) == 0 {
				t.Fatalf("binding without help: %+v", b.Help())
			}
		}
	}
}

func TestView80x24(t *testing.T) {
	m := newModel(t, fixtureRows(), 80, 24)
	m, _ = press(m, "j", "j")
	golden.RequireEqual(t, []byte(m.View()))
}

func TestView120x40(t *testing.T) {
	m := newModel(t, fixtureRows(), 120, 40)
	m, _ = press(m, "j", "j", "j")
	golden.RequireEqual(t, []byte(m.View()))
}

func TestView200x12(t *testing.T) {
	m := newModel(t, fixtureRows(), 200, 12)
	m, _ = press(m, "G")
	golden.RequireEqual(t, []byte(m.View()))
}

func TestViewEmpty(t *testing.T) {
	m := newModel(t, nil, 80, 6)
	golden.RequireEqual(t, []byte(m.View()))
}

// TestViewFits checks every size draws exactly h lines of exactly w cells,
// in colour and without, and that no escape from a hostile name survives.
func TestViewFits(t *testing.T) {
	rows := fixtureRows()
	colour := lipgloss.NewRenderer(nil)
	colour.SetColorProfile(termenv.TrueColor)
	for _, st := range []*theme.Styles{styles(t), theme.New(styles(t).Palette, colour)} {
		for w := 0; w <= 230; w += 3 {
			for _, h := range []int{0, 1, 2, 3, 5, 24} {
				m := New(common.New(st, fixedNow, time.UTC), Thresholds{})
				m.SetSize(w, h)
				m.SetRows(rows)
				m, _ = press(m, "j", "j", "j")
				out := m.View()
				if w == 0 || h == 0 {
					if out != "" {
						t.Fatalf("%dx%d: %q", w, h, out)
					}
					continue
				}
				lines := strings.Split(out, "\n")
				if len(lines) != h {
					t.Fatalf("%dx%d: %d lines", w, h, len(lines))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw != w {
						t.Fatalf("%dx%d line %d is %d cells: %q", w, h, i, lw, l)
					}
				}
				if strings.Contains(out, "pwned") || strings.Contains(out, "\x1b]") || strings.Contains(out, "\x07") ||
					strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x1b[31m") {
					t.Fatalf("%dx%d: hostile text reached the screen: %q", w, h, out)
				}
				if st.NoColor && strings.Contains(out, "\x1b") {
					t.Fatalf("%dx%d: escape in a colourless view: %q", w, h, out)
				}
			}
		}
	}
}

// TestLevelNeverColourAlone checks each level's word is on screen.
func TestLevelNeverColourAlone(t *testing.T) {
	out := newModel(t, fixtureRows(), 80, 24).View()
	for _, w := range []string{"‼ CRITICAL", "! late", "✓ ok"} {
		if !strings.Contains(out, w) {
			t.Errorf("%q missing:\n%s", w, out)
		}
	}
}
