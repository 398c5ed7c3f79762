package list

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/views/filter"
)

type item struct{ id, name string }

func newList(n int) Model[item] {
	m := New(Funcs[item]{
		Key: func(it item) string { return it.id },
		Match: func(it item, q filter.Query) bool {
			return q.MatchMap(map[string]string{"customer": filter.Fold(it.name)})
		},
		Render: func(it item, i, w int, sel, _ bool) string {
			if sel {
				return "> " + it.name
			}
			return "  " + it.name
		},
	})
	items := make([]item, n)
	for i := range items {
		items[i] = item{id: "id" + strconv.Itoa(i), name: "name" + strconv.Itoa(i)}
	}
	m.SetItems(items)
	m.SetSize(20, 5)
	return m
}

func press(k string) tea.KeyMsg {
	switch k {
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// TestKeysMoveAndPage: the list's own keys move the cursor, page by the
// rows that fit, and the window follows the cursor.
func TestKeysMoveAndPage(t *testing.T) {
	m := newList(12)
	for _, c := range []struct {
		key    string
		cursor int
		first  string
	}{
		{"j", 1, "  name0"}, {"pgdown", 6, "  name2"}, {"G", 11, "  name7"}, {"k", 10, "  name7"},
		{"g", 0, "> name0"}, {"k", 0, "> name0"},
	} {
		m, _ = m.Update(press(c.key))
		if m.Cursor() != c.cursor || m.View()[0] != c.first {
			t.Fatalf("after %s: cursor %d, first row %q; want %d, %q", c.key, m.Cursor(), m.View()[0], c.cursor, c.first)
		}
	}
}

// TestSelectionKeptAcrossRefreshAndFilter: replacing the items (a new one
// first) or filtering keeps the cursor on the same item.
func TestSelectionKeptAcrossRefreshAndFilter(t *testing.T) {
	m := newList(12)
	m.Select("id7")
	items := append([]item{{id: "new", name: "newcomer"}}, m.Items()...)
	m.SetItems(items)
	if it, _ := m.Selected(); it.id != "id7" || m.Cursor() != 8 {
		t.Fatalf("after refresh: %v at %d", it, m.Cursor())
	}
	m.SetFilter(filter.ParseFor(filter.InteractionsSpec(), "name1"))
	if m.Len() != 3 || m.Total() != 13 || m.Position() != "3/3 of 13" {
		t.Fatalf("filter: %d of %d, %q", m.Len(), m.Total(), m.Position())
	}
	m.SetFilter(filter.Query{})
	m.Select("id7")
	m.SetFilter(filter.ParseFor(filter.InteractionsSpec(), "name7"))
	if it, _ := m.Selected(); it.id != "id7" {
		t.Fatalf("filter moved the cursor off id7 to %v", it)
	}
	m.SetFilter(filter.ParseFor(filter.InteractionsSpec(), "nobody"))
	if _, ok := m.Selected(); ok || m.Position() != "0/13" || len(m.View()) != 0 {
		t.Fatalf("empty filter: %q %v", m.Position(), m.View())
	}
}

// TestClickRowWithHeader: row 0 is the header; rows past the items are
// not items.
func TestClickRowWithHeader(t *testing.T) {
	m := newList(3)
	m.SetHeader(1)
	if m.ClickRow(0) || !m.ClickRow(2) || m.Cursor() != 1 || m.ClickRow(4) {
		t.Fatalf("clicks: cursor %d", m.Cursor())
	}
	if got := strings.Join(m.View(), "|"); got != "  name0|> name1|  name2" {
		t.Fatalf("view %q", got)
	}
}

// TestTailAppendsWithinTheLimit: a tail list keeps the newest items up to
// its limit, in memory it takes as they come, shows the newest, and keeps
// a scrolled-back window on the same items as new ones arrive.
func TestTailAppendsWithinTheLimit(t *testing.T) {
	m := New(Funcs[item]{Render: func(it item, _, _ int, sel, _ bool) string {
		if sel {
			return "cursor drawn in a tail list"
		}
		return it.name
	}})
	m.SetLimit(10)
	m.SetTail(true)
	m.SetSize(20, 3)
	m.Append(item{name: "n0"})
	if m.Slots() != 1 {
		t.Fatalf("one item takes %d slots", m.Slots())
	}
	for i := 1; i < 25; i++ {
		m.Append(item{name: "n" + strconv.Itoa(i)})
	}
	if m.Total() != 10 || m.Slots() != 10 || m.Item(0).name != "n15" || m.Item(9).name != "n24" {
		t.Fatalf("held %d in %d slots, %s … %s", m.Total(), m.Slots(), m.Item(0).name, m.Item(9).name)
	}
	if got := strings.Join(m.View(), "|"); got != "n22|n23|n24" {
		t.Fatalf("newest %q", got)
	}
	m.Scroll(2)
	m.Append(item{name: "n25"})
	if got := strings.Join(m.View(), "|"); got != "n20|n21|n22" || m.Back() != 3 {
		t.Fatalf("scrolled back: %q back %d", got, m.Back())
	}
	m.Scroll(100)
	if got := strings.Join(m.View(), "|"); got != "n16|n17|n18" || m.Back() != 7 {
		t.Fatalf("oldest: %q back %d", got, m.Back())
	}
	// Only the even ones: the newest of them, the window back at the end.
	m.SetWhere(func(it item) bool { n, _ := strconv.Atoi(it.name[1:]); return n%2 == 0 })
	if got := strings.Join(m.View(), "|"); got != "n20|n22|n24" || m.Back() != 0 || m.Len() != 5 {
		t.Fatalf("filtered: %q back %d len %d", got, m.Back(), m.Len())
	}
	// Dropping an item the filter shows drops it from the shown ones too.
	for i := 26; i < 36; i++ {
		m.Append(item{name: "n" + strconv.Itoa(i)})
	}
	if m.Len() != 5 || m.Total() != 10 || m.Item(0).name != "n26" {
		t.Fatalf("after a full turn: %d shown of %d from %s", m.Len(), m.Total(), m.Item(0).name)
	}
}

// TestAppendKeepsTheCursorOnItsItem: in a bounded cursor list, dropping
// the oldest moves the cursor's index, not its item.
func TestAppendKeepsTheCursorOnItsItem(t *testing.T) {
	m := newList(0)
	m.SetLimit(4)
	for i := 0; i < 4; i++ {
		m.Append(item{id: "id" + strconv.Itoa(i), name: "name" + strconv.Itoa(i)})
	}
	m.Select("id2")
	m.Append(item{id: "id4", name: "name4"})
	if it, _ := m.Selected(); it.id != "id2" || m.Cursor() != 1 {
		t.Fatalf("cursor on %v at %d", it, m.Cursor())
	}
}
