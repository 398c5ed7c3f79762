// Package interactions is the list of interactions on the left of the
// dashboard: from --interaction, the interactions endpoint, the event stream
// and the recently opened list. Only the visible items are drawn.
package interactions

import (
	"strconv"
	"strings"
	"time"

	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/pane"
	"github.com/snapdash/snapdash/views/snapshots"
)

// Item is one interaction as the list shows it.
type Item struct {
	ID string
	// Title is what the list shows: the customer's name, else the id.
	Title string
	// CreatedAt is when the interaction started; zero when unknown.
	CreatedAt time.Time
	// Count is the number of snapshots known, -1 before the first listing.
	Count int
	// Waiting is the number of requests whose picture has not arrived.
	Waiting int
	// Awaiting is the number of pictures awaiting review.
	Awaiting int
	// Agent is the agent handling the interaction, when known; the filter
	// searches it (agent:).
	Agent string
}

// entry is an item with its columns folded for the filter, once, in
// SetItems.
type entry struct {
	Item
	fields map[string]string
}

// Model is the list's state.
type Model struct {
	c             *common.Common
	st            *theme.Styles
	items         []entry
	view          []int // indexes into items that pass the filter
	query         filter.Query
	cursor, off   int
	width, height int
	focused       bool
}

// New returns an empty list drawing with the program's shared state.
func New(c *common.Common) Model { return Model{c: c, st: c.Styles} }

// SetSize sets the inner size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h; m.clamp() }

// SetFocused says whether the list has the keyboard.
func (m *Model) SetFocused(f bool) { m.focused = f }

// SetItems replaces the items, keeping the cursor on the same interaction.
func (m *Model) SetItems(items []Item) {
	sel, ok := m.Selected()
	m.items = make([]entry, len(items))
	for i, it := range items {
		it.Title = sanitize.Line(it.Title)
		it.ID = sanitize.Line(it.ID)
		it.Agent = sanitize.Line(it.Agent)
		m.items[i] = entry{Item: it, fields: map[string]string{
			"customer": filter.Fold(it.Title), "id": filter.Fold(it.ID), "agent": filter.Fold(it.Agent),
		}}
	}
	m.refilter(sel.ID, ok)
}

// SetFilter shows only the interactions matching q (parsed with
// filter.InteractionsSpec: customer, id and agent), keeping the cursor on
// the same interaction when it still shows.
func (m *Model) SetFilter(q filter.Query) {
	sel, ok := m.Selected()
	m.query = q
	m.refilter(sel.ID, ok)
}

// Filter returns the active filter.
func (m Model) Filter() filter.Query { return m.query }

func (m *Model) refilter(keepID string, keep bool) {
	// A new slice: an earlier copy of the model keeps its own view.
	view := make([]int, 0, len(m.items))
	for i := range m.items {
		if m.query.Empty() || m.query.MatchMap(m.items[i].fields) {
			view = append(view, i)
		}
	}
	m.view = view
	if keep {
		m.Select(keepID)
	}
	m.clamp()
}

// Items returns every item in display order, filtered out or not.
func (m Model) Items() []Item {
	out := make([]Item, len(m.items))
	for i, e := range m.items {
		out[i] = e.Item
	}
	return out
}

// Shown returns the items the filter lets through, in display order.
func (m Model) Shown() []Item {
	out := make([]Item, len(m.view))
	for i, ii := range m.view {
		out[i] = m.items[ii].Item
	}
	return out
}

// Len returns how many items pass the filter.
func (m Model) Len() int { return len(m.view) }

// Total returns the number of items before filtering.
func (m Model) Total() int { return len(m.items) }

// Selected returns the item under the cursor.
func (m Model) Selected() (Item, bool) {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return Item{}, false
	}
	return m.items[m.view[m.cursor]].Item, true
}

// Select moves the cursor to the interaction with id; false when the filter
// hides it or there is none.
func (m *Model) Select(id string) bool {
	for vi, ii := range m.view {
		if m.items[ii].ID == id {
			m.cursor = vi
			m.clamp()
			return true
		}
	}
	return false
}

// ClickRow moves the cursor to the item drawn on line (0 is the first
// shown); false when no item is drawn there.
func (m *Model) ClickRow(line int) bool {
	i := m.off + line
	if line < 0 || line >= max(1, m.height) || i >= len(m.items) {
		return false
	}
	m.cursor = i
	m.clamp()
	return true
}

// Move moves the cursor by n items.
func (m *Model) Move(n int) { m.cursor += n; m.clamp() }

// Top moves to the first item.
func (m *Model) Top() { m.cursor = 0; m.clamp() }

// Bottom moves to the last item.
func (m *Model) Bottom() { m.cursor = len(m.view) - 1; m.clamp() }

// Page moves by one screenful.
func (m *Model) Page(dir int) { m.Move(dir * max(1, m.height)) }

func (m *Model) clamp() {
	if m.cursor >= len(m.view) {
		m.cursor = len(m.view) - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	h := max(1, m.height)
	if m.cursor < m.off {
		m.off = m.cursor
	}
	if m.cursor >= m.off+h {
		m.off = m.cursor - h + 1
	}
	if mo := max(0, len(m.view)-h); m.off > mo {
		m.off = mo
	}
}

// View draws the visible items.
func (m Model) View() []string {
	now := m.c.Now()
	if m.width <= 0 || m.height <= 0 {
		return nil
	}
	if len(m.items) == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No interactions yet.", m.width))}
	}
	if len(m.view) == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No interaction matches the filter.", m.width))}
	}
	lines := make([]string, 0, m.height)
	end := min(len(m.view), m.off+m.height)
	for i := m.off; i < end; i++ {
		it := m.items[m.view[i]]
		var right string
		if it.Waiting > 0 {
			right = "◷" + strconv.Itoa(it.Waiting) + " "
		}
		if it.Awaiting > 0 {
			right += "●" + strconv.Itoa(it.Awaiting) + " "
		}
		if it.Count >= 0 {
			right += strconv.Itoa(it.Count) + " "
		}
		right += shortRel(it.CreatedAt, now)
		marker := "  "
		if i == m.cursor {
			marker = "› "
		}
		tw := m.width - 2 - len([]rune(right)) - 1
		line := marker + pane.Fit(it.Title, max(1, tw)) + " " + right
		line = pane.Fit(line, m.width)
		switch {
		case i == m.cursor && m.focused:
			line = m.st.Selected.Render(line)
		case i == m.cursor:
			line = m.st.SelectedBlur.Render(line)
		}
		lines = append(lines, line)
	}
	return lines
}

func shortRel(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strings.TrimSuffix(snapshots.Rel(t, now), " ago")
}

// Position describes the cursor for the pane title: "3/12", or "0" when
// nothing shows.
func (m Model) Position() string {
	if len(m.view) == 0 {
		return "0"
	}
	return strconv.Itoa(m.cursor+1) + "/" + strconv.Itoa(len(m.view))
}
