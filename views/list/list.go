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

	fn Funcs[T]
	// items hold the items; with a limit (SetLimit) they are a ring that
	// grows up to it. Every item has a position: its place in the order
	// the items came (SetItems, then Append), counting the dropped ones;
	// item p lives in items[slot(p)].
	items    []T
	limit    int
	start, n int   // positions start … start+n-1 are held
	shown    []int // positions of the items that pass the filters, from shown[head]
	head     int
	query    filter.Query
	where    func(T) bool

	cursor, off   int
	tail          bool // a log: no cursor, the window ends back items from the newest
	back          int
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

// SetLimit bounds the items Append keeps to n (0: no bound); the oldest
// go first. The memory for them is taken as they come, not up front.
func (m *Model[T]) SetLimit(n int) {
	m.limit = max(0, n)
	m.SetItems(m.Items())
}

// SetTail makes the list a log, as a pager following a file: no cursor,
// the window shows the newest items (Back 0) or is scrolled back.
func (m *Model[T]) SetTail(on bool) { m.tail = on; m.clamp() }

// slot is where position p lives in items.
func (m *Model[T]) slot(p int) int {
	if m.limit > 0 {
		return p % m.limit
	}
	return p
}

// SetItems replaces the items, keeping the cursor on the same item (by
// Key) when it still shows. With a limit, only the newest are kept.
func (m *Model[T]) SetItems(items []T) {
	sel, ok := m.Selected()
	if m.limit > 0 && len(items) > m.limit {
		items = items[len(items)-m.limit:]
	}
	m.items, m.start, m.n = items, 0, len(items)
	if m.limit > 0 {
		m.items = append([]T(nil), items...) // the ring is the list's own
	}
	m.refilter(sel, ok)
}

// Append adds an item after the others, dropping the oldest when the
// limit is reached, and reports whether it passes the filters. The cursor
// stays on its item; a tail list scrolled back keeps its window (Back
// grows by one when the item shows) so that what is read does not move.
func (m *Model[T]) Append(it T) bool {
	if m.limit > 0 && m.n == m.limit {
		if m.head < len(m.shown) && m.shown[m.head] == m.start {
			m.head++
			if m.cursor > 0 {
				m.cursor--
			}
		}
		// Its slot is the new item's, written below.
		m.start++
		m.n--
	}
	p := m.start + m.n
	if s := m.slot(p); s == len(m.items) {
		m.items = append(m.items, it)
	} else {
		m.items[s] = it
	}
	m.n++
	ok := m.passes(it)
	if ok {
		if m.head > 64 && m.head*2 > len(m.shown) {
			m.shown = append([]int(nil), m.shown[m.head:]...)
			m.head = 0
		}
		m.shown = append(m.shown, p)
		if m.tail && m.back > 0 {
			m.back++
		}
	}
	m.clamp()
	return ok
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

// SetWhere shows only the items f accepts, besides the query (nil: all);
// a tail list then shows the newest of them.
func (m *Model[T]) SetWhere(f func(T) bool) {
	sel, ok := m.Selected()
	m.where = f
	m.back = 0
	m.refilter(sel, ok)
}

func (m *Model[T]) passes(it T) bool {
	if m.where != nil && !m.where(it) {
		return false
	}
	return m.query.Empty() || m.fn.Match == nil || m.fn.Match(it, m.query)
}

func (m *Model[T]) refilter(keep T, ok bool) {
	// A new slice: an earlier copy of the model keeps its own.
	shown := make([]int, 0, m.n)
	for p := m.start; p < m.start+m.n; p++ {
		if m.passes(m.items[m.slot(p)]) {
			shown = append(shown, p)
		}
	}
	m.shown, m.head = shown, 0
	if ok && !m.tail {
		m.Select(m.fn.Key(keep))
	}
	m.clamp()
}

// Len returns how many items pass the filters; Total how many there are.
func (m Model[T]) Len() int { return len(m.shown) - m.head }

// Total returns the number of items held, filtered out or not.
func (m Model[T]) Total() int { return m.n }

// Slots returns how many items the list has memory for: Total, and never
// more than the limit.
func (m Model[T]) Slots() int { return len(m.items) }

// Item returns item i of all held, 0 being the oldest.
func (m Model[T]) Item(i int) T { return m.items[m.slot(m.start+i)] }

// Items returns every item held in order, filtered out or not, in a new
// slice.
func (m Model[T]) Items() []T {
	out := make([]T, m.n)
	for i := range out {
		out[i] = m.Item(i)
	}
	return out
}

// At returns the i-th item that passes the filters.
func (m Model[T]) At(i int) (T, bool) {
	if i < 0 || i >= m.Len() {
		var zero T
		return zero, false
	}
	return m.items[m.slot(m.shown[m.head+i])], true
}

// Find returns the item with key k, filtered out or not.
func (m Model[T]) Find(k string) (T, bool) {
	for i := 0; i < m.n; i++ {
		if it := m.Item(i); m.fn.Key(it) == k {
			return it, true
		}
	}
	var zero T
	return zero, false
}

// Cursor returns the cursor's index among the shown items.
func (m Model[T]) Cursor() int { return m.cursor }

// Selected returns the item under the cursor (none in a tail list).
func (m Model[T]) Selected() (T, bool) {
	if m.tail {
		var zero T
		return zero, false
	}
	return m.At(m.cursor)
}

// Select moves the cursor to the item with key k; false when the filter
// hides it or there is none.
func (m *Model[T]) Select(k string) bool {
	for vi := 0; vi < m.Len(); vi++ {
		if it, _ := m.At(vi); m.fn.Key(it) == k {
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
	if m.tail || row < m.header || row-m.header >= m.visible() || vi >= m.Len() {
		return false
	}
	m.cursor = vi
	m.clamp()
	return true
}

// visible is how many items fit.
func (m *Model[T]) visible() int { return max(1, m.height-m.header) }

// Move moves the cursor by n items (negative is up), clamped.
func (m *Model[T]) Move(n int) { m.cursor += n; m.clamp() }

// Top moves the cursor to the first item.
func (m *Model[T]) Top() { m.cursor = 0; m.clamp() }

// Bottom moves the cursor to the last item.
func (m *Model[T]) Bottom() { m.cursor = m.Len() - 1; m.clamp() }

// Page moves by one screenful (dir -1 up, 1 down).
func (m *Model[T]) Page(dir int) { m.Move(dir * m.visible()) }

// Scroll moves a tail list's window n items back in time (negative:
// forward), clamped between the newest and the oldest screenful.
func (m *Model[T]) Scroll(n int) { m.back += n; m.clamp() }

// Back returns how many shown items a tail list's window ends before the
// newest; 0 when it shows the newest.
func (m Model[T]) Back() int { return m.back }

func (m *Model[T]) clamp() {
	n, v := len(m.shown)-m.head, m.visible()
	if m.tail {
		m.back = max(0, min(m.back, n-v))
		m.off = max(0, n-v-m.back)
		return
	}
	m.cursor, m.off = pane.Scroll(m.cursor, m.off, n, v)
}

// Update handles the list's keys (KeyMap) and the mouse pressed over it,
// in the list's own cells (Y 0 is its first row, header rows included):
// the wheel moves a line, a left click moves the cursor to the row under
// it (ClickRow). Anything else is left alone.
func (m Model[T]) Update(msg tea.Msg) (Model[T], tea.Cmd) {
	if mm, ok := msg.(tea.MouseMsg); ok {
		m.mouse(mm)
		return m, nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	if m.tail {
		m.tailKey(k)
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

// mouse handles a mouse press over the list.
func (m *Model[T]) mouse(mm tea.MouseMsg) {
	if mm.Action != tea.MouseActionPress {
		return
	}
	step := 0
	switch mm.Button {
	case tea.MouseButtonWheelUp:
		step = -1
	case tea.MouseButtonWheelDown:
		step = 1
	case tea.MouseButtonLeft:
		m.ClickRow(mm.Y)
		return
	}
	if m.tail {
		m.Scroll(-step)
	} else {
		m.Move(step)
	}
}

// tailKey moves a tail list's window: up is back in time, bottom the
// newest, a page a window's height.
func (m *Model[T]) tailKey(k tea.KeyMsg) {
	switch km := &m.KeyMap; {
	case key.Matches(k, km.Up):
		m.Scroll(1)
	case key.Matches(k, km.Down):
		m.Scroll(-1)
	case key.Matches(k, km.Top):
		m.Scroll(m.Len())
	case key.Matches(k, km.Bottom):
		m.Scroll(-m.back)
	case key.Matches(k, km.PageUp):
		m.Scroll(m.visible())
	case key.Matches(k, km.PageDown):
		m.Scroll(-m.visible())
	}
}

// View draws the items in the window, one line each (Funcs.Render); the
// wrapper draws its header rows and what to say when nothing shows.
func (m Model[T]) View() []string {
	if m.width <= 0 || m.height <= 0 {
		return nil
	}
	end := min(m.Len(), m.off+m.visible())
	lines := make([]string, 0, max(0, end-m.off))
	for vi := m.off; vi < end; vi++ {
		it, _ := m.At(vi)
		lines = append(lines, m.fn.Render(it, vi, m.width, !m.tail && vi == m.cursor, m.focused))
	}
	return lines
}

// Position describes the cursor for a pane title: "3/120", "3/12 of 40"
// when a filter hides some, "0/40" when it hides all, "0" when empty.
func (m Model[T]) Position() string {
	if m.Len() == 0 {
		if m.n > 0 {
			return "0/" + strconv.Itoa(m.n)
		}
		return "0"
	}
	s := strconv.Itoa(m.cursor+1) + "/" + strconv.Itoa(m.Len())
	if m.Len() != m.n {
		s += " of " + strconv.Itoa(m.n)
	}
	return s
}

// SetRender replaces how a row is drawn: a table whose columns depend on
// its width sets it in its View, on a copy of the list.
func (m *Model[T]) SetRender(r func(it T, i, w int, selected, focused bool) string) { m.fn.Render = r }
