package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/client"
)

// TestHelpFitsTheSmallestTerminal: at 70×20 the help shows every key
// whole: no line wider than the screen, no column cut with "…", its
// bottom border on screen; with the events pane focused (its keys too).
func TestHelpFitsTheSmallestTerminal(t *testing.T) {
	for _, events := range []bool{false, true} {
		m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
		m.Update(teaSize(70, 20))
		if events {
			press(m, "e", "tab", "tab", "tab")
		}
		press(m, "?")
		v := m.View()
		lines := strings.Split(v, "\n")
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > 70 {
				t.Errorf("line %d is %d wide: %q", i, w, l)
			}
		}
		if strings.Contains(v, "…") {
			t.Errorf("a help column is cut:\n%s", v)
		}
		if !strings.Contains(v, "╰────") {
			t.Errorf("the help's bottom border is off screen:\n%s", v)
		}
		want := []string{"next/prev to review", "request", "quit"}
		if !events {
			want = append(want, "mark / all") // marking is the table's
		}
		for _, want := range want {
			if !strings.Contains(v, want) {
				t.Errorf("the help lacks %q:\n%s", want, v)
			}
		}
	}
}
