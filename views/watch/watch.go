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
	"github.com/snapdash/snapdash/views/list"
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
// help and quit. The embedded list keys move the cursor (views/list).
type KeyMap struct {
	list.KeyMap
	Open key.Binding
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
	lk := list.DefaultKeyMap()
	lk.Top = b("g", "most urgent", "g", "home")
	lk.Bottom = b("G", "least urgent", "G", "end")
	return KeyMap{
		KeyMap: lk,
		Open:   b("enter", "open interaction", "enter"),
		Scope:  b("tab", "charts: all/interaction/agent", "tab"),
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

// Model is the watch table: a views/list of the rows, most urgent first,
// which holds the filter, the cursor and the window, with the summary line
// and the charts around it. It is a common.Component.
type Model struct {
	// KeyMap are the keys Update answers; the root may rebind them.
	KeyMap KeyMap

	st    *theme.Styles
	th    Thresholds
	now   func() time.Time
	timer func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	// list holds every row, most urgent first, the filter's query, the
	// cursor and the window; its first two rows are the summary line and
	// the column titles, and the charts are under it.
	list list.Model[entry]
	// awaitN is how many leading rows have a picture awaiting review;
	// they are ordered oldest first, so the late and critical ones are a
	// prefix found by binary search.
	awaitN                  int
	totalPend, totalAwaited int

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
	m := Model{KeyMap: DefaultKeyMap(), st: c.Styles, th: th.normalized(), now: c.Now, chartMemo: &chartCache{}}
	m.list = list.New(list.Funcs[entry]{
		Key:   func(e entry) string { return e.row.InteractionID },
		Match: func(e entry, q filter.Query) bool { return q.MatchMap(e.fields) },
	})
	m.list.SetHeader(2) // the summary line and the column titles
	m.list.SetFocused(true)
	return m
}

// ShortHelp implements help.KeyMap: the footer's keys while the screen is
// up (the Component contract; the keys are the KeyMap field's).
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }

// Thresholds returns the thresholds in use.
func (m Model) Thresholds() Thresholds { return m.th }

// SetSize sets the size the table draws in: a summary line, the column
// headers, the rows and, under them, the charts, w cells wide.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.lay = newLayout(w)
	m.buildCache()
	m.list.SetSize(w, max(0, h-m.chartLines()))
}

// SetRows replaces the rows (typically Summarize's result), sorting them
// most urgent first and keeping the cursor on the same interaction.
func (m *Model) SetRows(rows []Row) {
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
	m.awaitN = 0
	for m.awaitN < len(ents) && ents[m.awaitN].row.awaitingKnown() {
		m.awaitN++
	}
	m.list.SetItems(ents)
}

// SetFilter shows only the rows matching q (parsed with filter.WatchSpec:
// the customer, accents ignored), keeping the cursor on the same
// interaction when it still shows. The summary line still counts every
// live interaction.
func (m *Model) SetFilter(q filter.Query) { m.list.SetFilter(q) }

// Filter returns the active filter.
func (m Model) Filter() filter.Query { return m.list.Filter() }

// Len returns the number of rows the filter lets through.
func (m Model) Len() int { return m.list.Len() }

// Total returns the number of rows before filtering.
func (m Model) Total() int { return m.list.Total() }

// Rows returns a copy of every row, filtered out or not, most urgent first.
func (m Model) Rows() []Row {
	out := make([]Row, m.list.Total())
	for i := range out {
		out[i] = m.list.Item(i).row
	}
	return out
}

// Shown returns a copy of the rows the filter lets through, most urgent
// first.
func (m Model) Shown() []Row {
	out := make([]Row, m.list.Len())
	for i := range out {
		e, _ := m.list.At(i)
		out[i] = e.row
	}
	return out
}

// Selected returns the row under the cursor, with its strings as given.
func (m Model) Selected() (Row, bool) {
	e, ok := m.list.Selected()
	return e.row, ok
}

// Select moves the cursor to the interaction id; false when it is not shown.
func (m *Model) Select(id string) bool { return m.list.Select(id) }

// Position describes the cursor, like "3/120" (of the rows shown).
func (m Model) Position() string {
	if m.list.Len() == 0 {
		return "0/0"
	}
	return strconv.Itoa(m.list.Cursor()+1) + "/" + strconv.Itoa(m.list.Len())
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
			if m.list.Item(mid).row.OldestAwaiting.Before(lim) {
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

// Update moves the cursor (the list's keys, the wheel, a click in the
// table's own cells: Y 0 is the summary line), opens the selected
// interaction on enter, cycles the charts' scope and keeps the refresh
// loop going.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case TickMsg:
		if msg.gen == m.gen && m.ticking {
			return m, m.tick()
		}
	case tea.MouseMsg:
		m.list, _ = m.list.Update(msg)
	case tea.KeyMsg:
		k := &m.KeyMap
		switch {
		case key.Matches(msg, k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown):
			m.list.SetKeyMap(k.KeyMap)
			m.list, _ = m.list.Update(msg)
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

var _ common.Component[Model] = (*Model)(nil)
