// Package events is the toggleable events pane: the stream's events and the
// outcome of every action, newest at the bottom, kept in a fixed-size ring
// so a long session never grows without bound. Drawing touches only the
// visible lines.
package events

import (
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
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
)

func (k Kind) symbol() string {
	switch k {
	case Progress:
		return "…"
	case OK:
		return "✓"
	case Error:
		return "✗"
	}
	return "•"
}

// Entry is one line of the pane.
type Entry struct {
	At   time.Time
	Kind Kind
	Text string
}

// DefaultScrollback is how many entries are kept when none is configured.
const DefaultScrollback = 10000

// Model is the pane's state.
type Model struct {
	st            *theme.Styles
	buf           []Entry
	start, n      int
	scroll        int // lines scrolled up from the bottom; 0 follows new entries
	width, height int
	loc           *time.Location
}

// New returns an empty pane keeping at most scrollback entries.
func New(st *theme.Styles, scrollback int, loc *time.Location) Model {
	if scrollback <= 0 {
		scrollback = DefaultScrollback
	}
	if loc == nil {
		loc = time.Local
	}
	return Model{st: st, buf: make([]Entry, scrollback), loc: loc}
}

// SetSize sets the inner size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h; m.clampScroll() }

// Push appends an entry; its text is sanitized to one line.
func (m *Model) Push(e Entry) {
	e.Text = sanitize.Line(e.Text)
	if m.n < len(m.buf) {
		m.buf[(m.start+m.n)%len(m.buf)] = e
		m.n++
	} else {
		m.buf[m.start] = e
		m.start = (m.start + 1) % len(m.buf)
	}
	if m.scroll > 0 {
		m.scroll++ // keep the lines the user is reading in place
		m.clampScroll()
	}
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

// Scroll moves the view by n lines (positive is back in time).
func (m *Model) Scroll(n int) { m.scroll += n; m.clampScroll() }

// Follow jumps back to the newest entries.
func (m *Model) Follow() { m.scroll = 0 }

func (m *Model) clampScroll() {
	if mx := max(0, m.n-max(1, m.height)); m.scroll > mx {
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
	case Progress:
		return m.st.Warn
	}
	return m.st.Base
}

// View draws the visible entries, oldest first.
func (m Model) View() []string {
	if m.width <= 0 || m.height <= 0 {
		return nil
	}
	if m.n == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No events yet.", m.width))}
	}
	end := m.n - m.scroll
	start := max(0, end-m.height)
	lines := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		e := m.At(i)
		ts := e.At.In(m.loc).Format("15:04:05")
		line := pane.Fit(ts+" "+e.Kind.symbol()+" "+e.Text, m.width)
		lines = append(lines, m.style(e.Kind).Render(line))
	}
	return lines
}

// Title describes the pane for its border, with the scroll position.
func (m Model) Title() string {
	t := "Events " + strconv.Itoa(m.n)
	if m.scroll > 0 {
		t += " (↑" + strconv.Itoa(m.scroll) + ", G follows)"
	}
	return t
}
