package interactions

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
)

func TestListDrawsSafeFixedWidthLines(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := New(common.New(theme.New(theme.Palette{}, nil), func() time.Time { return now }, time.UTC))
	m.SetSize(22, 3)
	m.SetItems([]Item{
		{ID: "i1", Title: "Mallory \x1b]0;pwned\x07\x1b[31m", Count: 2, Waiting: 1, CreatedAt: now.Add(-45 * time.Minute)},
		{ID: "i2", Title: "渡辺 健二 (Kenji Watanabe)", Count: -1, CreatedAt: now.Add(-3 * time.Hour)},
		{ID: "i3\x1b[2J", Title: "Ana", Count: 0},
		{ID: "i4", Title: "Bo", Count: 1},
	})
	lines := m.View()
	if len(lines) != 3 {
		t.Fatalf("%d lines for a height of 3", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 22 || strings.ContainsAny(l, "\x1b\x07") {
			t.Errorf("line %q: width %d", l, ansi.StringWidth(l))
		}
	}
	if !strings.HasPrefix(lines[0], "› Mallory") || !strings.Contains(lines[0], "◷1 2 45m") {
		t.Fatalf("first item %q", lines[0])
	}
	m.Bottom()
	if it, _ := m.Selected(); it.ID != "i4" || m.Position() != "4/4" {
		t.Fatalf("bottom: %+v %s", it, m.Position())
	}
	if v := m.View(); !strings.HasPrefix(v[len(v)-1], "› Bo") {
		t.Fatalf("the cursor scrolled out of view: %q", v)
	}
	// The selection stays on the same interaction when the list changes.
	m.SetItems([]Item{{ID: "i0", Title: "New"}, {ID: "i4", Title: "Bo"}})
	if it, _ := m.Selected(); it.ID != "i4" {
		t.Fatalf("selection moved to %s", it.ID)
	}
}
