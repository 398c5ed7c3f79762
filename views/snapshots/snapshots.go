// Package snapshots is the table of one interaction's snapshots, newest
// first. It is a light windowed table written for this dashboard: only the
// rows on screen are formatted each frame, so an interaction with tens of
// thousands of pictures costs no more to draw than one with ten.
package snapshots

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/list"
	"github.com/snapdash/snapdash/views/pane"
)

// Row is one line of the table: a stored snapshot or a pending request.
type Row struct {
	Snapshot client.Snapshot
	// Customer and Requester are display names (sanitized by SetRows); an
	// empty Requester shows the snapshot's RequesterUserID.
	Customer, Requester string
	// Op names an action in flight on the row ("approving", "discarding"),
	// drawn instead of the state word until the server answers.
	Op string
	// At is when the row happened; Snapshot.When() when zero.
	At time.Time
	// Marked is set when the row is picked for a bulk review; it is drawn
	// as ◆ beside the cursor column.
	Marked bool
	// Holder is the reviewer (sanitized) reviewing the picture in the
	// team, drawn as "◎ ada" in place of its state while it awaits review.
	Holder string
}

// When returns the row's time.
func (r Row) When() time.Time {
	if !r.At.IsZero() {
		return r.At
	}
	return r.Snapshot.When()
}

// StateLabel returns the state as symbol and word (never colour alone).
func StateLabel(s client.SnapshotState, op, spin string) string {
	if op != "" {
		return "⋯ " + op
	}
	switch s {
	case client.StateUploaded:
		return "● uploaded"
	case client.StateApproved:
		return "✓ approved"
	case client.StateDiscarded:
		return "✗ discarded"
	case client.StateRequested:
		if spin == "" {
			spin = "◷"
		}
		return spin + " requested"
	}
	return "? " + strings.ToLower(sanitize.Line(string(s)))
}

// Late reports whether r is a request whose picture has not arrived
// within the warn-after time (SetWarnAfter).
func (m Model) Late(r Row, now time.Time) bool {
	return m.warnAfter > 0 && r.Snapshot.State == client.StateRequested && r.Op == "" && now.Sub(r.When()) > m.warnAfter
}

// Label returns the state label the table shows for r: StateLabel, or
// "! late" for a late request. Other views showing the row use it too, so
// they agree with the table.
func (m Model) Label(r Row, now time.Time, spin string) string {
	if m.Late(r, now) {
		return "! late"
	}
	if r.Holder != "" && r.Op == "" && r.Snapshot.State == client.StateUploaded {
		return "◎ " + r.Holder
	}
	return StateLabel(r.Snapshot.State, r.Op, spin)
}

// Rel formats t relative to now: "now", "42s", "5m", "3h", "2d".
func Rel(t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "now"
	case d < 5*time.Second:
		return "now"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s ago"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h ago"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d ago"
}

type entry struct {
	row    Row
	typ    string // sanitized
	id     string // sanitized
	fields filter.Fields
}

// Model is the table: a views/list of the rows, with its columns.
type Model struct {
	c         *common.Common
	st        *theme.Styles
	list      list.Model[entry]
	warnAfter time.Duration
}

// SetWarnAfter marks requests waiting longer than d as late (0: never).
func (m *Model) SetWarnAfter(d time.Duration) { m.warnAfter = d }

// New returns an empty table drawing with the program's shared state.
func New(c *common.Common) Model {
	m := Model{c: c, st: c.Styles}
	m.list = list.New(list.Funcs[entry]{
		Key:   func(e entry) string { return e.row.Snapshot.ID },
		Match: func(e entry, q filter.Query) bool { return q.Match(e.fields) },
	})
	m.list.SetHeader(1) // the column titles
	return m
}

// SetSize sets the table's inner size (header row included).
func (m *Model) SetSize(w, h int) { m.list.SetSize(w, h) }

// SetFocused says whether the table has the keyboard.
func (m *Model) SetFocused(f bool) { m.list.SetFocused(f) }

// SetKeyMap sets the keys Update moves the cursor with.
func (m *Model) SetKeyMap(k list.KeyMap) { m.list.SetKeyMap(k) }

// KeyMap returns the table's keys (a help.KeyMap).
func (m Model) KeyMap() list.KeyMap { return m.list.KeyMap }

// ShortHelp implements help.KeyMap: the keys that move the cursor.
func (m Model) ShortHelp() []key.Binding { return m.list.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.list.KeyMap.FullHelp() }

// Update moves the cursor with the table's keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return m, cmd
}

// SetRows replaces the rows, keeping the cursor on the same snapshot when it
// is still there. Rows are sorted newest first.
func (m *Model) SetRows(rows []Row) {
	ents := make([]entry, len(rows))
	for i, r := range rows {
		r.Customer = sanitize.Line(r.Customer)
		if r.Requester == "" {
			r.Requester = r.Snapshot.RequesterUserID
		}
		r.Requester = sanitize.Line(r.Requester)
		e := entry{row: r, typ: sanitize.Line(r.Snapshot.Type), id: sanitize.Line(r.Snapshot.ID)}
		e.fields = filter.Fields{
			Type:     filter.Fold(e.typ),
			State:    filter.Fold(string(r.Snapshot.State)),
			ID:       filter.Fold(e.id),
			Customer: filter.Fold(r.Customer),
		}
		ents[i] = e
	}
	sort.SliceStable(ents, func(i, j int) bool {
		a, b := ents[i].row.When(), ents[j].row.When()
		if !a.Equal(b) {
			return a.After(b)
		}
		return ents[i].row.Snapshot.ID > ents[j].row.Snapshot.ID
	})
	m.list.SetItems(ents)
}

// SetFilter narrows the table to rows matching q.
func (m *Model) SetFilter(q filter.Query) { m.list.SetFilter(q) }

// Filter returns the active filter.
func (m Model) Filter() filter.Query { return m.list.Filter() }

// Len returns how many rows pass the filter; Total how many there are.
func (m Model) Len() int { return m.list.Len() }

// Total returns the number of rows before filtering.
func (m Model) Total() int { return m.list.Total() }

// Row returns the row of snapshot id as the table holds it, filtered out
// or not.
func (m Model) Row(id string) (Row, bool) {
	e, ok := m.list.Find(id)
	return e.row, ok
}

// At returns row i of the filtered rows, in the table's order.
func (m Model) At(i int) (Row, bool) {
	e, ok := m.list.At(i)
	return e.row, ok
}

// Cursor returns the cursor's index in the filtered rows.
func (m Model) Cursor() int { return m.list.Cursor() }

// Selected returns the row under the cursor.
func (m Model) Selected() (Row, bool) {
	e, ok := m.list.Selected()
	return e.row, ok
}

// Select moves the cursor to the snapshot with id; false when not shown.
func (m *Model) Select(id string) bool { return m.list.Select(id) }

// ClickRow moves the cursor to the row drawn on line (0 is the column
// headers, 1 the first row shown); false when no row is drawn there.
func (m *Model) ClickRow(line int) bool { return m.list.ClickRow(line) }

// Move moves the cursor by n rows (negative is up), clamped.
func (m *Model) Move(n int) { m.list.Move(n) }

// Top moves to the newest row; Bottom to the oldest.
func (m *Model) Top() { m.list.Top() }

// Bottom moves the cursor to the last row.
func (m *Model) Bottom() { m.list.Bottom() }

// Page moves by one screenful (dir -1 up, 1 down).
func (m *Model) Page(dir int) { m.list.Page(dir) }

type column struct {
	title string
	width int
}

// columns picks the columns that fit in w cells, most important first:
// state, type, time, customer, id, requester. The last one shown takes
// the spare width.
func columns(w int) (cols []column, idW int) {
	cols = []column{{"STATE", 13}, {"TYPE", 12}, {"TIME", 8}}
	rest := w - 2 - 14 - 13 - 9
	if rest >= 10 {
		c := min(18, rest-1)
		if rest < 22 {
			c = rest - 1
		}
		cols = append(cols, column{"CUSTOMER", c})
		rest -= c + 1
	}
	if rest >= 10+13+10 {
		cols = append(cols, column{"REQUESTER", 12})
		rest -= 13
	}
	if rest >= 10 {
		return cols, rest
	}
	return cols, 0
}

// View draws the column titles and the visible rows (common.Component).
func (m Model) View() string { return strings.Join(m.Lines(), "\n") }

// Lines draws the column titles and the visible rows one line each, with
// the shared clock and spinner frame, for the root's box.
func (m Model) Lines() []string {
	width, height := m.list.Size()
	if width <= 0 || height <= 0 {
		return nil
	}
	cols, idW := columns(width)
	lines := make([]string, 0, height)
	var hb strings.Builder
	hb.WriteString("  ")
	for _, c := range cols {
		hb.WriteString(pane.Fit(c.title, c.width))
		hb.WriteByte(' ')
	}
	if idW > 0 {
		hb.WriteString(pane.Fit("ID", idW))
	}
	lines = append(lines, m.st.TableHeader.Render(pane.Fit(hb.String(), width)))
	if m.list.Len() == 0 {
		msg := "No snapshots yet. Press r to ask the customer for one."
		if m.list.Total() > 0 {
			msg = "No snapshot matches the filter " + sanitize.Truncate(m.list.Filter().String(), 40) + " (esc clears it)."
		}
		return append(lines, m.st.Muted.Render(pane.Fit("  "+msg, width)))
	}
	now, spin := m.c.Now(), m.c.Spinner
	var b strings.Builder
	r := m.list
	r.SetRender(func(e entry, _, _ int, sel, focused bool) string {
		return m.row(&b, e, cols, idW, now, spin, sel, focused)
	})
	return append(lines, r.View()...)
}

// row draws one snapshot in the columns cols (and the id column, idW
// wide, when there is room), reusing b.
func (m Model) row(b *strings.Builder, e entry, cols []column, idW int, now time.Time, spin string, sel, focused bool) string {
	r := e.row
	b.Reset()
	if sel {
		b.WriteString("›")
	} else {
		b.WriteString(" ")
	}
	if r.Marked {
		b.WriteString("◆")
	} else {
		b.WriteString(" ")
	}
	label := m.Label(r, now, spin)
	var stateCell string
	if sel {
		stateCell = pane.Fit(label, cols[0].width)
	} else {
		st := m.stateStyle(r)
		if m.Late(r, now) {
			st = m.st.Bad
		}
		stateCell = st.Render(pane.Fit(label, cols[0].width))
	}
	b.WriteString(stateCell)
	b.WriteByte(' ')
	for _, c := range cols[1:] {
		var v string
		switch c.title {
		case "TYPE":
			v = e.typ
		case "TIME":
			v = Rel(r.When(), now)
		case "CUSTOMER":
			v = r.Customer
		case "REQUESTER":
			v = r.Requester
		}
		b.WriteString(pane.Fit(v, c.width))
		b.WriteByte(' ')
	}
	if idW > 0 {
		b.WriteString(pane.Fit(e.id, idW))
	}
	line := b.String()
	if sel {
		if focused {
			line = m.st.Selected.Render(line)
		} else {
			line = m.st.SelectedBlur.Render(line)
		}
	}
	return line
}

func (m Model) stateStyle(r Row) lipgloss.Style {
	if r.Op != "" {
		return m.st.Warn
	}
	switch r.Snapshot.State {
	case client.StateApproved:
		return m.st.Good
	case client.StateDiscarded:
		return m.st.Bad
	case client.StateRequested:
		return m.st.Warn
	}
	return m.st.Info
}

// Position describes the scroll state for the pane title, like "3/120".
func (m Model) Position() string { return m.list.Position() }

var _ common.Component[Model] = (*Model)(nil)
