// Package events is the toggleable events pane: the stream's events and the
// outcome of every action, one line each, newest at the bottom. It keeps a
// bounded scrollback (a ring that grows to its limit, so a short session
// stays small), follows new lines or pauses on request, and filters by event
// type and by interaction. Drawing touches only the visible lines.
package events

import (
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/pane"
)

// Kind says how an entry is marked.
type Kind int

// Entry kinds. Each has its own symbol, so meaning never rests on colour.
const (
	// Event is an event from the server.
	Event Kind = iota
	// Progress is an action that started.
	Progress
	// OK is an action that succeeded.
	OK
	// Error is an action that failed or a connection problem.
	Error
	// Notice is news that deserves attention (a picture arrived).
	Notice
)

func (k Kind) symbol() string {
	switch k {
	case Progress:
		return "…"
	case OK:
		return "✓"
	case Error:
		return "✗"
	case Notice:
		return "★"
	}
	return "•"
}

// Entry is one line of the pane.
type Entry struct {
	// At is when it happened: the event's own time for server events.
	At   time.Time
	Kind Kind
	// Seq is the server's sequence number of the event; 0 for the
	// dashboard's own lines (actions, connection changes).
	Seq uint64
	// Type is the event type the type filter matches; "" for the
	// dashboard's own lines.
	Type string
	// Interaction is the id of the interaction the line is about, for the
	// "this interaction only" filter; "" when none.
	Interaction string
	// Symbol, when set, replaces the kind's symbol.
	Symbol string
	// Who acted: a user, a customer, "you"; drawn before Text.
	Who string
	// Text says what happened.
	Text string
	// Event, when set, is the server event the line is about: Who and
	// Text are then asked of the pane's describer each time the line is
	// drawn (SetDescriber), so a line names what is known when it is
	// drawn (a customer whose details came after the event), not only
	// what was known when it arrived.
	Event *client.Event
}

// DefaultScrollback is how many entries are kept when none is configured.
const DefaultScrollback = 10000

// maxTypes bounds the event types the type filter cycles through, so a
// server inventing types cannot grow the list without end.
const maxTypes = 64

// Model is the pane's state.
type Model struct {
	st       *theme.Styles
	loc      *time.Location
	limit    int
	buf      []Entry // grows up to limit, then is a ring from start
	start, n int

	width, height int

	scroll int  // matching lines hidden below the view; 0 shows the newest
	paused bool // new lines do not move the view
	unseen int  // matching lines that arrived while paused or scrolled back

	types    []string // event types seen, in order of first sight
	typeF    string   // the type shown; "" shows every line
	inter    string   // the interaction "this interaction only" means
	onlyInt  bool
	matching int // entries held that pass the filters
	describe Describer
	now      func() time.Time
}

// New returns an empty pane keeping at most scrollback entries, drawing
// with the program's shared state (its styles and time zone).
func New(c *common.Common, scrollback int) Model {
	if scrollback <= 0 {
		scrollback = DefaultScrollback
	}
	return Model{st: c.Styles, limit: scrollback, loc: c.Location, now: c.Now}
}

// Describer says who acted and what happened in a server event, with what
// is known now.
type Describer func(ev client.Event) (who, text string)

// SetDescriber sets the describer of entries that carry an Event.
func (m *Model) SetDescriber(d Describer) { m.describe = d }

// SetSize sets the inner size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h; m.clampScroll() }

// Push appends an entry; its strings are sanitized to one line. The oldest
// entry goes once the scrollback is full.
func (m *Model) Push(e Entry) {
	e.Text = sanitize.Line(e.Text)
	e.Who = sanitize.Line(e.Who)
	e.Type = sanitize.Truncate(e.Type, 80)
	e.Symbol = sanitize.Line(e.Symbol)
	if e.Type != "" && len(m.types) < maxTypes && !contains(m.types, e.Type) {
		m.types = append(m.types, e.Type)
	}
	if m.n < m.limit {
		if len(m.buf) < m.limit {
			m.buf = append(m.buf, e)
		} else {
			m.buf[(m.start+m.n)%len(m.buf)] = e
		}
		m.n++
	} else {
		if m.match(m.buf[m.start]) {
			m.matching--
		}
		m.buf[m.start] = e
		m.start = (m.start + 1) % len(m.buf)
	}
	if !m.match(e) {
		return
	}
	m.matching++
	if m.paused || m.scroll > 0 {
		m.scroll++ // keep the lines the user is reading in place
		m.unseen++
		m.clampScroll()
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Len returns the number of entries held.
func (m Model) Len() int { return m.n }

// At returns entry i, 0 being the oldest held.
func (m Model) At(i int) Entry { return m.buf[(m.start+i)%len(m.buf)] }

// Last returns the newest entry.
func (m Model) Last() (Entry, bool) {
	if m.n == 0 {
		return Entry{}, false
	}
	return m.At(m.n - 1), true
}

// Scroll moves the view by n lines (positive is back in time). Scrolling
// back keeps the view still as new lines arrive; back at the bottom it
// follows again unless paused.
func (m *Model) Scroll(n int) {
	m.scroll += n
	m.clampScroll()
	if m.scroll == 0 && !m.paused {
		m.unseen = 0
	}
}

// Follow jumps to the newest entries and follows new ones (ending a pause).
func (m *Model) Follow() { m.scroll, m.paused, m.unseen = 0, false, 0 }

// TogglePause pauses the view (new lines are counted, not shown) or, when
// paused, follows again. It reports whether the pane is now paused.
func (m *Model) TogglePause() bool {
	if m.paused {
		m.Follow()
		return false
	}
	m.paused = true
	return true
}

// Paused reports whether the view is paused.
func (m Model) Paused() bool { return m.paused }

// Following reports whether new lines show as they arrive.
func (m Model) Following() bool { return !m.paused && m.scroll == 0 }

// Unseen returns how many matching lines arrived below the view while it
// was paused or scrolled back.
func (m Model) Unseen() int { return m.unseen }

// CycleType shows only the next event type seen so far (after the last,
// every line again) and returns the type now shown ("" for all).
func (m *Model) CycleType() string {
	next := ""
	if m.typeF == "" {
		if len(m.types) > 0 {
			next = m.types[0]
		}
	} else {
		for i, t := range m.types {
			if t == m.typeF && i+1 < len(m.types) {
				next = m.types[i+1]
			}
		}
	}
	m.typeF = next
	m.refilter()
	return next
}

// SetTypeFilter shows only entries of event type t ("" shows all).
func (m *Model) SetTypeFilter(t string) { m.typeF = t; m.refilter() }

// TypeFilter returns the event type shown, "" when every line is.
func (m Model) TypeFilter() string { return m.typeF }

// SetInteraction sets the interaction that "this interaction only" means
// (the selected one); the view follows it when the filter is on.
func (m *Model) SetInteraction(id string) {
	if id == m.inter {
		return
	}
	m.inter = id
	if m.onlyInt {
		m.refilter()
	}
}

// ToggleInteraction turns "this interaction only" on or off and reports
// whether it is now on.
func (m *Model) ToggleInteraction() bool {
	m.onlyInt = !m.onlyInt
	m.refilter()
	return m.onlyInt
}

// InteractionOnly reports whether only the interaction's lines show.
func (m Model) InteractionOnly() bool { return m.onlyInt }

func (m Model) match(e Entry) bool {
	if m.typeF != "" && e.Type != m.typeF {
		return false
	}
	return !m.onlyInt || e.Interaction == m.inter
}

// refilter recounts the matching entries after a filter change and shows
// the newest of them.
func (m *Model) refilter() {
	m.matching = 0
	for i := 0; i < m.n; i++ {
		if m.match(m.At(i)) {
			m.matching++
		}
	}
	m.scroll, m.unseen = 0, 0
}

func (m *Model) clampScroll() {
	if mx := max(0, m.matching-max(1, m.height)); m.scroll > mx {
		m.scroll = mx
	}
	if m.scroll < 0 {
		m.scroll = 0
	}
}

func (m Model) style(k Kind) lipgloss.Style {
	switch k {
	case OK:
		return m.st.Good
	case Error:
		return m.st.Bad
	case Progress, Notice:
		return m.st.Warn
	}
	return m.st.Base
}

// visible returns the indexes of the entries in view, oldest first.
func (m Model) visible() []int {
	idx := make([]int, 0, m.height)
	skip := m.scroll
	for i := m.n - 1; i >= 0 && len(idx) < m.height; i-- {
		if !m.match(m.At(i)) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		idx = append(idx, i)
	}
	for l, r := 0, len(idx)-1; l < r; l, r = l+1, r-1 {
		idx[l], idx[r] = idx[r], idx[l]
	}
	return idx
}

// stamp is an entry's time as the pane shows it: the time of day, with
// the date in front when it is not today.
func (m Model) stamp(t time.Time) string {
	at := t.In(m.loc)
	if m.now != nil {
		ny, nm, nd := m.now().In(m.loc).Date()
		if y, mo, d := at.Date(); y != ny || mo != nm || d != nd {
			return at.Format("Jan 02 15:04:05")
		}
	}
	return at.Format("15:04:05")
}

// Line formats one entry as the pane draws it, without styling.
func (m Model) Line(e Entry) string {
	sym := e.Symbol
	if sym == "" {
		sym = e.Kind.symbol()
	}
	s := m.stamp(e.At) + " " + sym + " "
	who, text := e.Who, e.Text
	if e.Event != nil && m.describe != nil {
		who, text = m.describe(*e.Event)
		who, text = sanitize.Line(who), sanitize.Line(text)
	}
	if who != "" {
		s += who + " "
	}
	return s + text
}

// View draws the visible entries, oldest first.
func (m Model) View() []string {
	if m.width <= 0 || m.height <= 0 {
		return nil
	}
	if m.n == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No events yet.", m.width))}
	}
	idx := m.visible()
	if len(idx) == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No events match the filter (f: type, t: this interaction).", m.width))}
	}
	lines := make([]string, 0, len(idx))
	for _, i := range idx {
		e := m.At(i)
		lines = append(lines, m.style(e.Kind).Render(pane.Fit(m.Line(e), m.width)))
	}
	return lines
}

// Title describes the pane for its border: the count, the filters, and
// whether it follows new lines.
func (m Model) Title() string {
	t := "Events " + strconv.Itoa(m.matching)
	if m.matching != m.n {
		t += "/" + strconv.Itoa(m.n)
	}
	if m.typeF != "" {
		t += " · " + m.typeF
	}
	if m.onlyInt {
		t += " · this interaction"
	}
	switch {
	case m.paused:
		t += " · paused"
	case m.scroll > 0:
		t += " · ↑" + strconv.Itoa(m.scroll)
	}
	if m.unseen > 0 {
		t += " · +" + strconv.Itoa(m.unseen) + " new"
	}
	return t
}
