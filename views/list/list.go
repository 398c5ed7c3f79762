// Package list is the one filtered list under the dashboard's tables: the
// items, the `/` filter's query, the cursor, the scroll window and paging,
// with the selection kept on the same item (by its key) when the items are
// replaced or the filter changes. Each table (snapshots, interactions)
// wraps it with its columns and its empty-state messages; the list knows
// nothing of what an item is beyond its key, whether it matches a query
// and how to draw one row.
//
// Only the rows in the window are drawn, so a list of tens of thousands of
// items costs no more per frame than one of ten.
package list

import (
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/pane"
)

// KeyMap are the list's own keys. The dashboard passes its rebound keys
// (SetKeyMap) so a user's bindings apply here too.
type KeyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
}

// DefaultKeyMap returns the list's default keys.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		Top:      b("g", "first", "g", "home"),
		Bottom:   b("G", "last", "G", "end"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+d"),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}}
}

// Funcs tell the list what it needs to know about an item.
type Funcs[T any] struct {
	// Key identifies an item across refreshes (its id).
	Key func(it T) string
	// Match reports whether it passes a non-empty query.
	Match func(it T, q filter.Query) bool
	// Render draws item it, the i-th shown, at width w; selected says
	// whether the cursor is on it, focused whether the list has the keys.
	Render func(it T, i, w int, selected, focused bool) string
}

// Model is a filtered list of T. Its zero value is not ready: use New.
type Model[T any] struct {
	// KeyMap are the keys Update handles.
	KeyMap KeyMap

	fn            Funcs[T]
	items         []T
	shown         []int // indexes into items that pass the filter
	query         filter.Query
	cursor, off   int
	width, height int
	header        int // rows drawn above the items by the wrapper
	focused       bool
}

// New returns an empty list.
func New[T any](fn Funcs[T]) Model[T] { return Model[T]{KeyMap: DefaultKeyMap(), fn: fn} }

// SetKeyMap sets the keys Update handles.
func (m *Model[T]) SetKeyMap(k KeyMap) { m.KeyMap = k }

// SetSize sets the list's size: h rows, header of them drawn above the
// items by its wrapper (column titles), the rest items.
func (m *Model[T]) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clamp()
}

// SetHeader says how many of the rows are drawn above the items.
func (m *Model[T]) SetHeader(rows int) { m.header = rows; m.clamp() }

// Size returns the width and height set by SetSize.
func (m Model[T]) Size() (w, h int) { return m.width, m.height }

// SetFocused says whether the list has the keyboard.
func (m *Model[T]) SetFocused(f bool) { m.focused = f }

// Focused reports whether the list has the keyboard.
func (m Model[T]) Focused() bool { return m.focused }

// SetItems replaces the items, keeping the cursor on the same item (by
// Key) when it still shows.
func (m *Model[T]) SetItems(items []T) {
	sel, ok := m.Selected()
	m.items = items
	m.refilter(sel, ok)
}

// SetFilter shows only the items matching q, keeping the cursor on the
// same item when it still shows.
func (m *Model[T]) SetFilter(q filter.Query) {
	sel, ok := m.Selected()
	m.query = q
	m.refilter(sel, ok)
}

// Filter returns the active filter.
func (m Model[T]) Filter() filter.Query { return m.query }

func (m *Model[T]) refilter(keep T, ok bool) {
	// A new slice: an earlier copy of the model keeps its own.
	shown := make([]int, 0, len(m.items))
	for i := range m.items {
		if m.query.Empty() || m.fn.Match(m.items[i], m.query) {
			shown = append(shown, i)
		}
	}
	m.shown = shown
	if ok {
		m.Select(m.fn.Key(keep))
	}
	m.clamp()
}

// Len returns how many items pass the filter; Total how many there are.
func (m Model[T]) Len() int { return len(m.shown) }

// Total returns the number of items before filtering.
func (m Model[T]) Total() int { return len(m.items) }

// Items returns every item in order, filtered out or not. The slice is
// the list's own: do not change it.
func (m Model[T]) Items() []T { return m.items }

// At returns the i-th item that passes the filter.
func (m Model[T]) At(i int) (T, bool) {
	if i < 0 || i >= len(m.shown) {
		var zero T
		return zero, false
	}
	return m.items[m.shown[i]], true
}

// Find returns the item with key k, filtered out or not.
func (m Model[T]) Find(k string) (T, bool) {
	for _, it := range m.items {
		if m.fn.Key(it) == k {
			return it, true
		}
	}
	var zero T
	return zero, false
}

// Cursor returns the cursor's index among the shown items.
func (m Model[T]) Cursor() int { return m.cursor }

// Selected returns the item under the cursor.
func (m Model[T]) Selected() (T, bool) { return m.At(m.cursor) }

// Select moves the cursor to the item with key k; false when the filter
// hides it or there is none.
func (m *Model[T]) Select(k string) bool {
	for vi, ii := range m.shown {
		if m.fn.Key(m.items[ii]) == k {
			m.cursor = vi
			m.clamp()
			return true
		}
	}
	return false
}

// ClickRow moves the cursor to the item drawn on row (0 is the list's
// first row, header rows included); false when no item is drawn there.
func (m *Model[T]) ClickRow(row int) bool {
	vi := m.off + row - m.header
	if row < m.header || row-m.header >= m.visible() || vi >= len(m.shown) {
		return false
	}
	m.cursor = vi
	m.clamp()
	return true
}

// visible is how many items fit.
func (m Model[T]) visible() int { return max(1, m.height-m.header) }

// Move moves the cursor by n items (negative is up), clamped.
func (m *Model[T]) Move(n int) { m.cursor += n; m.clamp() }

// Top moves the cursor to the first item.
func (m *Model[T]) Top() { m.cursor = 0; m.clamp() }

// Bottom moves the cursor to the last item.
func (m *Model[T]) Bottom() { m.cursor = len(m.shown) - 1; m.clamp() }

// Page moves by one screenful (dir -1 up, 1 down).
func (m *Model[T]) Page(dir int) { m.Move(dir * m.visible()) }

func (m *Model[T]) clamp() {
	m.cursor, m.off = pane.Scroll(m.cursor, m.off, len(m.shown), m.visible())
}

// Update handles the list's keys (KeyMap); anything else is left alone.
func (m Model[T]) Update(msg tea.Msg) (Model[T], tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch km := &m.KeyMap; {
	case key.Matches(k, km.Up):
		m.Move(-1)
	case key.Matches(k, km.Down):
		m.Move(1)
	case key.Matches(k, km.Top):
		m.Top()
	case key.Matches(k, km.Bottom):
		m.Bottom()
	case key.Matches(k, km.PageUp):
		m.Page(-1)
	case key.Matches(k, km.PageDown):
		m.Page(1)
	}
	return m, nil
}

// View draws the items in the window, one line each (Funcs.Render); the
// wrapper draws its header rows and what to say when nothing shows.
func (m Model[T]) View() []string {
	if m.width <= 0 || m.height <= 0 {
		return nil
	}
	end := min(len(m.shown), m.off+m.visible())
	lines := make([]string, 0, max(0, end-m.off))
	for vi := m.off; vi < end; vi++ {
		lines = append(lines, m.fn.Render(m.items[m.shown[vi]], vi, m.width, vi == m.cursor, m.focused))
	}
	return lines
}

// Position describes the cursor for a pane title: "3/120", "3/12 of 40"
// when a filter hides some, "0/40" when it hides all, "0" when empty.
func (m Model[T]) Position() string {
	if len(m.shown) == 0 {
		if len(m.items) > 0 {
			return "0/" + strconv.Itoa(len(m.items))
		}
		return "0"
	}
	s := strconv.Itoa(m.cursor+1) + "/" + strconv.Itoa(len(m.shown))
	if len(m.shown) != len(m.items) {
		s += " of " + strconv.Itoa(len(m.items))
	}
	return s
}

// SetRender replaces how a row is drawn: a table whose columns depend on
// its width sets it in its View, on a copy of the list.
func (m *Model[T]) SetRender(r func(it T, i, w int, selected, focused bool) string) { m.fn.Render = r }
