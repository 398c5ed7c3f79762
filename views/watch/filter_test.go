package watch

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/views/filter"
)

// TestFilterByCustomer: `/` on the watch table narrows it by customer,
// ignoring case and accents; the cursor stays on its interaction while it
// shows; the summary still counts every live interaction.
func TestFilterByCustomer(t *testing.T) {
	rows := manyRows(20)
	rows[3].Customer = "Sofía García"
	rows[11].Customer = "JOSÉ GARCIA"
	rows[11].Agent = "garcia-agent"
	rows[15].Agent = "garcia" // the agent is not searched here
	m := newModel(t, rows, 100, 12)
	crit, late := m.Counts()
	sp := filter.WatchSpec()

	m.Select(rows[11].InteractionID)
	m.SetFilter(filter.ParseFor(sp, "garcia"))
	if m.Len() != 2 || m.Total() != 20 {
		t.Fatalf("garcia: Len %d Total %d, want 2 of 20", m.Len(), m.Total())
	}
	if sel, _ := m.Selected(); sel.InteractionID != rows[11].InteractionID {
		t.Fatalf("cursor moved to %s", sel.InteractionID)
	}
	for _, r := range m.Shown() {
		if !strings.Contains(strings.ToLower(r.Customer), "garc") {
			t.Fatalf("shown %q", r.Customer)
		}
	}
	if c, l := m.Counts(); c != crit || l != late {
		t.Fatalf("counts changed with the filter: %d %d, want %d %d", c, l, crit, late)
	}
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 12 || !strings.Contains(lines[0], "20 live") || !strings.HasSuffix(strings.TrimSpace(lines[0]), "/2") {
		t.Fatalf("summary %q", lines[0])
	}
	if !strings.Contains(v, "Sofía García") || !strings.Contains(v, "JOSÉ GARCIA") || strings.Contains(v, "Customer 1 ") {
		t.Fatalf("view:\n%s", v)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 100 {
			t.Fatalf("line %q is %d wide", l, ansi.StringWidth(l))
		}
	}
	// j moves within the shown rows only, and enter opens the shown one.
	m, _ = press(m, "g", "j", "j", "j")
	if m.Position() != "2/2" {
		t.Fatalf("position %s", m.Position())
	}
	for q, want := range map[string]int{"customer:sofia": 1, "c:GARCÍA": 2, "agent:x": 20, "customer 1": 10, "nobody": 0} {
		m.SetFilter(filter.ParseFor(sp, q))
		if m.Len() != want {
			t.Errorf("%q shows %d rows, want %d", q, m.Len(), want)
		}
	}
	m.SetFilter(filter.ParseFor(sp, "nobody"))
	if !strings.Contains(m.View(), "No live interaction matches the filter.") {
		t.Fatalf("empty filtered view:\n%s", m.View())
	}
	if _, ok := m.Selected(); ok {
		t.Fatal("a selection with nothing shown")
	}
	// New rows keep the filter; an empty query shows everything again.
	m.SetFilter(filter.ParseFor(sp, "garcia"))
	rows[5].Customer = "Lucía Garcia"
	m.SetRows(rows)
	if m.Len() != 3 {
		t.Fatalf("after SetRows: %d rows shown, want 3", m.Len())
	}
	m.SetFilter(filter.Query{})
	if m.Len() != 20 || len(m.Rows()) != 20 {
		t.Fatalf("cleared: %d", m.Len())
	}
}
