package watch

import (
	"slices"
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/insight"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/pane"
)

// OpenInteractionMsg asks the root to open an interaction (enter on a row).
// ID is the interaction's id as the server sent it, for API calls.
type OpenInteractionMsg struct{ ID string }

// TickMsg makes the view redraw its ages; it is produced by StartTicking and
// by Update while ticking, about once a second.
type TickMsg struct{ gen int }

// TickInterval is how often the ages are refreshed while ticking.
const TickInterval = time.Second

// KeyMap are the watch table's keys. The root toggles the screen and owns
// help and quit.
type KeyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Open                                    key.Binding
	// Scope cycles what the charts count: all, the selected interaction,
	// the selected agent.
	Scope key.Binding
}

// DefaultKeyMap returns the watch table's default keys, the same as the
// dashboard's tables.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		Top:      b("g", "most urgent", "g", "home"),
		Bottom:   b("G", "least urgent", "G", "end"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+d"),
		Open:     b("enter", "open interaction", "enter"),
		Scope:    b("tab", "charts: all/interaction/agent", "tab"),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Open} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}, {k.Open, k.Scope}}
}

// entry is a row with its strings made safe to draw, once, in SetRows.
type entry struct {
	row                 Row
	customer, agent, id string
	// fields are the columns the filter searches, folded.
	fields map[string]string
}

// Model is the watch table: rows most urgent first, a cursor and a window.
// It is a common.Component.
type Model struct {
	// KeyMap are the keys Update answers; the root may rebind them.
	KeyMap KeyMap

	st    *theme.Styles
	th    Thresholds
	now   func() time.Time
	timer func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	// all are every row, most urgent first; rows are those the filter
	// lets through (all itself when there is no filter), which the cursor
	// moves over and View draws.
	all, rows []entry
	query     filter.Query
	// awaitN is how many leading rows of all have a picture awaiting
	// review; they are ordered oldest first, so the late and critical ones
	// are a prefix found by binary search.
	awaitN                  int
	totalPend, totalAwaited int

	cursor, off   int
	width, height int
	lay           layout
	cache         drawCache

	gen     int
	ticking bool

	// The charts under the table (charts.go): the pictures they count,
	// whether there are any to show, a version bumped on every change,
	// the scope, and the last frame drawn.
	pics      []insight.Picture
	charts    bool
	chartVer  int
	scope     Scope
	chartMemo *chartCache
}

// New returns an empty table drawn with the program's shared state (its
// styles and clock), judging lateness by th (zero fields mean the
// defaults).
func New(c *common.Common, th Thresholds) Model {
	return Model{KeyMap: DefaultKeyMap(), st: c.Styles, th: th.normalized(), now: c.Now, chartMemo: &chartCache{}}
}

// ShortHelp implements help.KeyMap: the footer's keys while the screen is
// up (the Component contract; the keys are the KeyMap field's).
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }

// Thresholds returns the thresholds in use.
func (m Model) Thresholds() Thresholds { return m.th }

// SetSize sets the size the table draws in: a summary line, the column
// headers and h-2 rows, w cells wide.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.lay = newLayout(w)
	m.buildCache()
	m.clamp()
}

// SetRows replaces the rows (typically Summarize's result), sorting them
// most urgent first and keeping the cursor on the same interaction.
func (m *Model) SetRows(rows []Row) {
	sel, hadSel := m.Selected()
	ents := make([]entry, len(rows))
	m.totalPend, m.totalAwaited = 0, 0
	for i, r := range rows {
		ents[i] = entry{row: r, customer: sanitize.Line(r.Customer), agent: sanitize.Line(r.Agent),
			id: sanitize.Line(r.InteractionID)}
		ents[i].fields = map[string]string{"customer": filter.Fold(ents[i].customer)}
		m.totalPend += r.Pending
		m.totalAwaited += r.Awaiting
	}
	slices.SortFunc(ents, func(a, b entry) int { return compare(a.row, b.row) })
	m.all = ents
	m.awaitN = 0
	for m.awaitN < len(ents) && ents[m.awaitN].row.awaitingKnown() {
		m.awaitN++
	}
	m.refilter(sel.InteractionID, hadSel)
}

// SetFilter shows only the rows matching q (parsed with filter.WatchSpec:
// the customer, accents ignored), keeping the cursor on the same
// interaction when it still shows. The summary line still counts every
// live interaction.
func (m *Model) SetFilter(q filter.Query) {
	sel, hadSel := m.Selected()
	m.query = q
	m.refilter(sel.InteractionID, hadSel)
}

// Filter returns the active filter.
func (m Model) Filter() filter.Query { return m.query }

func (m *Model) refilter(keepID string, keep bool) {
	if m.query.Empty() {
		m.rows = m.all
	} else {
		rows := make([]entry, 0, len(m.all))
		for _, e := range m.all {
			if m.query.MatchMap(e.fields) {
				rows = append(rows, e)
			}
		}
		m.rows = rows
	}
	if keep {
		m.Select(keepID)
	}
	m.clamp()
}

// Len returns the number of rows the filter lets through.
func (m Model) Len() int { return len(m.rows) }

// Total returns the number of rows before filtering.
func (m Model) Total() int { return len(m.all) }

// Rows returns a copy of every row, filtered out or not, most urgent first.
func (m Model) Rows() []Row {
	out := make([]Row, len(m.all))
	for i, e := range m.all {
		out[i] = e.row
	}
	return out
}

// Shown returns a copy of the rows the filter lets through, most urgent
// first.
func (m Model) Shown() []Row {
	out := make([]Row, len(m.rows))
	for i, e := range m.rows {
		out[i] = e.row
	}
	return out
}

// Selected returns the row under the cursor, with its strings as given.
func (m Model) Selected() (Row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return Row{}, false
	}
	return m.rows[m.cursor].row, true
}

// Select moves the cursor to the interaction id; false when it is not shown.
func (m *Model) Select(id string) bool {
	for i := range m.rows {
		if m.rows[i].row.InteractionID == id {
			m.cursor = i
			m.clamp()
			return true
		}
	}
	return false
}

// Position describes the cursor, like "3/120".
func (m Model) Position() string {
	if len(m.rows) == 0 {
		return "0/0"
	}
	return strconv.Itoa(m.cursor+1) + "/" + strconv.Itoa(len(m.rows))
}

// Counts returns how many rows, filtered out or not, are critical and late
// at the current time.
func (m Model) Counts() (critical, late int) {
	return m.counts(m.now())
}

func (m Model) counts(now time.Time) (critical, late int) {
	// Rows [0, awaitN) are sorted by arrival of the oldest picture, so
	// those older than a threshold form a prefix.
	older := func(d time.Duration) int {
		lim := now.Add(-d)
		lo, hi := 0, m.awaitN
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if m.all[mid].row.OldestAwaiting.Before(lim) {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo
	}
	critical = older(m.th.Critical)
	return critical, older(m.th.Warn) - critical
}

// StartTicking returns the command that refreshes the ages once a second
// while the screen shows; call it when the screen opens. Ticks of an earlier
// start are ignored, so toggling the screen never runs two loops.
func (m *Model) StartTicking() tea.Cmd {
	m.gen++
	m.ticking = true
	return m.tick()
}

// StopTicking ends the refresh loop; call it when the screen closes.
func (m *Model) StopTicking() {
	m.gen++
	m.ticking = false
}

// SetTick sets the timer the refresh loop uses (tea.Tick by default), so
// tests can hold time still.
func (m *Model) SetTick(tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd) { m.timer = tick }

func (m Model) tick() tea.Cmd {
	gen := m.gen
	timer := m.timer
	if timer == nil {
		timer = tea.Tick
	}
	return timer(TickInterval, func(time.Time) tea.Msg { return TickMsg{gen: gen} })
}

// Update moves the cursor, opens the selected interaction on enter and keeps
// the refresh loop going.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case TickMsg:
		if msg.gen == m.gen && m.ticking {
			return m, m.tick()
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.move(-1)
		case tea.MouseButtonWheelDown:
			m.move(1)
		}
	case tea.KeyMsg:
		k := m.KeyMap
		switch {
		case key.Matches(msg, k.Up):
			m.move(-1)
		case key.Matches(msg, k.Down):
			m.move(1)
		case key.Matches(msg, k.Top):
			m.cursor = 0
			m.clamp()
		case key.Matches(msg, k.Bottom):
			m.cursor = len(m.rows) - 1
			m.clamp()
		case key.Matches(msg, k.PageUp):
			m.move(-m.visible())
		case key.Matches(msg, k.PageDown):
			m.move(m.visible())
		case key.Matches(msg, k.Scope):
			m.cycleScope()
		case key.Matches(msg, k.Open):
			if r, ok := m.Selected(); ok {
				id := r.InteractionID
				return m, func() tea.Msg { return OpenInteractionMsg{ID: id} }
			}
		}
	}
	return m, nil
}

func (m *Model) move(n int) { m.cursor += n; m.clamp() }

// visible is how many rows fit under the summary and header lines, above
// the charts.
func (m Model) visible() int { return max(1, m.height-m.chartLines()-2) }

func (m *Model) clamp() {
	m.cursor, m.off = pane.Scroll(m.cursor, m.off, len(m.rows), m.visible())
}

var _ common.Component[Model] = (*Model)(nil)
