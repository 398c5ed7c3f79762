package interactions

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/filter"
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
	lines := m.Lines()
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
	if v := m.Lines(); !strings.HasPrefix(v[len(v)-1], "› Bo") {
		t.Fatalf("the cursor scrolled out of view: %q", v)
	}
	// The selection stays on the same interaction when the list changes.
	m.SetItems([]Item{{ID: "i0", Title: "New"}, {ID: "i4", Title: "Bo"}})
	if it, _ := m.Selected(); it.ID != "i4" {
		t.Fatalf("selection moved to %s", it.ID)
	}
}

// TestFilterByCustomerIDAndAgent: `/` on the list narrows it by customer
// (ignoring accents), id and agent; the cursor stays on the same
// interaction while it shows, and Len and Total count the shown and all.
func TestFilterByCustomerIDAndAgent(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := New(common.New(theme.New(theme.Palette{}, nil), func() time.Time { return now }, time.UTC))
	m.SetSize(40, 5)
	m.SetItems([]Item{
		{ID: "int-1", Title: "Ana Ruiz", Agent: "bob", Count: 1},
		{ID: "int-2", Title: "Sofía García", Agent: "carol", Count: 2},
		{ID: "int-3", Title: "Kenji", Agent: "Bob", Count: 3},
		{ID: "int-4", Title: "José García", Agent: "dan", Count: 4},
	})
	m.Select("int-4")
	sp := filter.InteractionsSpec()
	ids := func() (out []string) {
		for _, it := range m.Shown() {
			out = append(out, it.ID)
		}
		return out
	}
	for q, want := range map[string]string{
		"garcia":          "int-2 int-4",
		"agent:BOB":       "int-1 int-3",
		"id:int-3":        "int-3",
		"customer:sofia":  "int-2",
		"a:bob c:kenji":   "int-3",
		"nobody":          "",
		"foo:x int-1":     "int-1",
		"":                "int-1 int-2 int-3 int-4",
		"c:garcía a:carl": "",
	} {
		m.SetFilter(filter.ParseFor(sp, q))
		if got := strings.Join(ids(), " "); got != want {
			t.Errorf("%q shows %q, want %q", q, got, want)
		}
		if m.Total() != 4 || m.Len() != len(ids()) {
			t.Errorf("%q: Len %d Total %d", q, m.Len(), m.Total())
		}
	}
	// The cursor follows its interaction through a filter that keeps it.
	m.SetFilter(filter.Query{})
	m.Select("int-4")
	m.SetFilter(filter.ParseFor(sp, "garcia"))
	if it, _ := m.Selected(); it.ID != "int-4" || m.Position() != "2/2" {
		t.Fatalf("selected %s at %s, want int-4 at 2/2", it.ID, m.Position())
	}
	if v := m.Lines(); len(v) != 2 || !strings.HasPrefix(v[1], "› José") {
		t.Fatalf("view %q", v)
	}
	// A hidden interaction cannot be selected; new items keep the filter.
	if m.Select("int-1") {
		t.Fatal("selected a filtered-out interaction")
	}
	m.SetItems(append(m.Items(), Item{ID: "int-5", Title: "Lucía Garcia"}))
	if m.Len() != 3 || m.Total() != 5 {
		t.Fatalf("after SetItems: Len %d Total %d", m.Len(), m.Total())
	}
	if it, _ := m.Selected(); it.ID != "int-4" {
		t.Fatalf("SetItems moved the cursor to %s", it.ID)
	}
	m.SetFilter(filter.ParseFor(sp, "nobody"))
	if _, ok := m.Selected(); ok || m.Position() != "0" {
		t.Fatal("a selection with nothing shown")
	}
	if v := m.Lines(); len(v) != 1 || !strings.Contains(v[0], "No interaction matches") {
		t.Fatalf("empty view %q", v)
	}
	m.Move(1)
	m.Bottom()
	m.SetFilter(filter.Query{})
	if m.Len() != 5 {
		t.Fatalf("cleared filter shows %d", m.Len())
	}
}
