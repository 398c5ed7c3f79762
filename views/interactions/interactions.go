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
}

// Model is the list's state.
type Model struct {
	c             *common.Common
	st            *theme.Styles
	items         []Item
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
	m.items = items
	for i := range m.items {
		m.items[i].Title = sanitize.Line(m.items[i].Title)
		m.items[i].ID = sanitize.Line(m.items[i].ID)
	}
	if ok {
		m.Select(sel.ID)
	}
	m.clamp()
}

// Items returns the items in display order.
func (m Model) Items() []Item { return m.items }

// Len returns the number of items.
func (m Model) Len() int { return len(m.items) }

// Selected returns the item under the cursor.
func (m Model) Selected() (Item, bool) {
	if m.cursor < 0 || m.cursor >= len(m.items) {
		return Item{}, false
	}
	return m.items[m.cursor], true
}

// Select moves the cursor to the interaction with id.
func (m *Model) Select(id string) bool {
	for i := range m.items {
		if m.items[i].ID == id {
			m.cursor = i
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
func (m *Model) Bottom() { m.cursor = len(m.items) - 1; m.clamp() }

// Page moves by one screenful.
func (m *Model) Page(dir int) { m.Move(dir * max(1, m.height)) }

func (m *Model) clamp() {
	if m.cursor >= len(m.items) {
		m.cursor = len(m.items) - 1
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
	if mo := max(0, len(m.items)-h); m.off > mo {
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
	lines := make([]string, 0, m.height)
	end := min(len(m.items), m.off+m.height)
	for i := m.off; i < end; i++ {
		it := m.items[i]
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

// Position describes the cursor for the pane title.
func (m Model) Position() string {
	if len(m.items) == 0 {
		return "0"
	}
	return strconv.Itoa(m.cursor+1) + "/" + strconv.Itoa(len(m.items))
}
