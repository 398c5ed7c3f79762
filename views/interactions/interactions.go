// Package interactions is the list of interactions on the left of the
// dashboard: from --interaction, the interactions endpoint, the event stream
// and the recently opened list. Only the visible items are drawn.
package interactions

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/list"
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

// Model is the list's state: a views/list of the interactions.
type Model struct {
	c    *common.Common
	st   *theme.Styles
	list list.Model[entry]
}

// New returns an empty list drawing with the program's shared state.
func New(c *common.Common) Model {
	m := Model{c: c, st: c.Styles}
	m.list = list.New(list.Funcs[entry]{
		Key:    func(e entry) string { return e.ID },
		Match:  func(e entry, q filter.Query) bool { return q.MatchMap(e.fields) },
		Render: m.row,
	})
	return m
}

// SetSize sets the inner size.
func (m *Model) SetSize(w, h int) { m.list.SetSize(w, h) }

// SetFocused says whether the list has the keyboard.
func (m *Model) SetFocused(f bool) { m.list.SetFocused(f) }

// SetKeyMap sets the keys Update moves the cursor with.
func (m *Model) SetKeyMap(k list.KeyMap) { m.list.SetKeyMap(k) }

// KeyMap returns the list's keys (a help.KeyMap).
func (m Model) KeyMap() list.KeyMap { return m.list.KeyMap }

// ShortHelp implements help.KeyMap: the keys that move the cursor.
func (m Model) ShortHelp() []key.Binding { return m.list.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.list.KeyMap.FullHelp() }

// Update moves the cursor with the list's keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return m, cmd
}

// SetItems replaces the items, keeping the cursor on the same interaction.
func (m *Model) SetItems(items []Item) {
	ents := make([]entry, len(items))
	for i, it := range items {
		it.Title = sanitize.Line(it.Title)
		it.ID = sanitize.Line(it.ID)
		it.Agent = sanitize.Line(it.Agent)
		ents[i] = entry{Item: it, fields: map[string]string{
			"customer": filter.Fold(it.Title), "id": filter.Fold(it.ID), "agent": filter.Fold(it.Agent),
		}}
	}
	m.list.SetItems(ents)
}

// SetFilter shows only the interactions matching q (parsed with
// filter.InteractionsSpec: customer, id and agent), keeping the cursor on
// the same interaction when it still shows.
func (m *Model) SetFilter(q filter.Query) { m.list.SetFilter(q) }

// Filter returns the active filter.
func (m Model) Filter() filter.Query { return m.list.Filter() }

// Items returns every item in display order, filtered out or not.
func (m Model) Items() []Item {
	ents := m.list.Items()
	out := make([]Item, len(ents))
	for i, e := range ents {
		out[i] = e.Item
	}
	return out
}

// Shown returns the items the filter lets through, in display order.
func (m Model) Shown() []Item {
	out := make([]Item, m.list.Len())
	for i := range out {
		e, _ := m.list.At(i)
		out[i] = e.Item
	}
	return out
}

// Len returns how many items pass the filter.
func (m Model) Len() int { return m.list.Len() }

// Total returns the number of items before filtering.
func (m Model) Total() int { return m.list.Total() }

// Selected returns the item under the cursor.
func (m Model) Selected() (Item, bool) {
	e, ok := m.list.Selected()
	return e.Item, ok
}

// Select moves the cursor to the interaction with id; false when the filter
// hides it or there is none.
func (m *Model) Select(id string) bool { return m.list.Select(id) }

// ClickRow moves the cursor to the item drawn on line (0 is the first
// shown); false when no item is drawn there.
func (m *Model) ClickRow(line int) bool { return m.list.ClickRow(line) }

// Move moves the cursor by n items.
func (m *Model) Move(n int) { m.list.Move(n) }

// Top moves to the first item.
func (m *Model) Top() { m.list.Top() }

// Bottom moves to the last item.
func (m *Model) Bottom() { m.list.Bottom() }

// Page moves by one screenful.
func (m *Model) Page(dir int) { m.list.Page(dir) }

// View draws the visible items (common.Component).
func (m Model) View() string { return strings.Join(m.Lines(), "\n") }

// Lines draws the visible items one line each, for the root's box.
func (m Model) Lines() []string {
	w, h := m.list.Size()
	if w <= 0 || h <= 0 {
		return nil
	}
	if m.list.Total() == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No interactions yet.", w))}
	}
	if m.list.Len() == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No interaction matches the filter.", w))}
	}
	return m.list.View()
}

// row draws one item.
func (m Model) row(it entry, _, w int, selected, focused bool) string {
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
	right += shortRel(it.CreatedAt, m.c.Now())
	marker := "  "
	if selected {
		marker = "› "
	}
	tw := w - 2 - len([]rune(right)) - 1
	line := marker + pane.Fit(it.Title, max(1, tw)) + " " + right
	line = pane.Fit(line, w)
	switch {
	case selected && focused:
		line = m.st.Selected.Render(line)
	case selected:
		line = m.st.SelectedBlur.Render(line)
	}
	return line
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
	if m.list.Len() == 0 {
		return "0"
	}
	return strconv.Itoa(m.list.Cursor()+1) + "/" + strconv.Itoa(m.list.Len())
}

var _ common.Component[Model] = (*Model)(nil)
