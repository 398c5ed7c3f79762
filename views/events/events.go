// Package events is the toggleable events pane: the stream's events and the
// outcome of every action, one line each, newest at the bottom. It keeps a
// bounded scrollback (a ring that grows to its limit, so a short session
// stays small), follows new lines or pauses on request, and filters by event
// type and by interaction. Drawing touches only the visible lines.
package events

import (
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
	"github.com/snapdash/snapdash/views/list"
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

// Model is the pane's state: a views/list in tail mode (a log that
// follows the newest line or is scrolled back) holding the scrollback.
type Model struct {
	st   *theme.Styles
	loc  *time.Location
	list list.Model[Entry]

	paused bool // new lines do not move the view
	unseen int  // matching lines that arrived while paused or scrolled back

	types    []string // event types seen, in order of first sight
	typeF    string   // the type shown; "" shows every line
	inter    string   // the interaction "this interaction only" means
	onlyInt  bool
	describe Describer
	now      func() time.Time
	keys     KeyMap
	notifier func(note string) // what the pane's own keys said (SetNotify)
}

// New returns an empty pane keeping at most scrollback entries, drawing
// with the program's shared state (its styles and time zone).
func New(c *common.Common, scrollback int) Model {
	if scrollback <= 0 {
		scrollback = DefaultScrollback
	}
	m := Model{st: c.Styles, loc: c.Location, now: c.Now, keys: DefaultKeyMap()}
	m.list = list.New(list.Funcs[Entry]{Key: func(e Entry) string { return strconv.FormatUint(e.Seq, 10) }})
	m.list.SetLimit(scrollback)
	m.list.SetTail(true)
	return m
}

// Describer says who acted and what happened in a server event, with what
// is known now.
type Describer func(ev client.Event) (who, text string)

// SetDescriber sets the describer of entries that carry an Event.
func (m *Model) SetDescriber(d Describer) { m.describe = d }

// SetSize sets the inner size.
func (m *Model) SetSize(w, h int) { m.list.SetSize(w, h) }

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
	back := m.list.Back() > 0 // the list keeps a scrolled-back window still itself
	if !m.list.Append(e) {
		return
	}
	if m.paused || back {
		if !back {
			m.list.Scroll(1) // keep the lines the user is reading in place
		}
		m.unseen++
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
func (m Model) Len() int { return m.list.Total() }

// At returns entry i, 0 being the oldest held.
func (m Model) At(i int) Entry { return m.list.Item(i) }

// Last returns the newest entry.
func (m Model) Last() (Entry, bool) {
	if m.Len() == 0 {
		return Entry{}, false
	}
	return m.At(m.Len() - 1), true
}

// Scroll moves the view by n lines (positive is back in time). Scrolling
// back keeps the view still as new lines arrive; back at the bottom it
// follows again unless paused.
func (m *Model) Scroll(n int) {
	m.list.Scroll(n)
	if m.list.Back() == 0 && !m.paused {
		m.unseen = 0
	}
}

// Follow jumps to the newest entries and follows new ones (ending a pause).
func (m *Model) Follow() {
	m.list.Scroll(-m.list.Back())
	m.paused, m.unseen = false, 0
}

// KeyMap are the pane's keys: the list's, which scroll, and its own.
type KeyMap struct {
	// Scroll moves the view: up and down a line, top to the oldest line,
	// bottom follows the newest again, a page is five lines.
	Scroll list.KeyMap
	// Pause pauses the view or follows again (TogglePause); Type shows
	// the next event type only (CycleType); Mine shows only the selected
	// interaction's lines (ToggleInteraction).
	Pause, Type, Mine key.Binding
}

// DefaultKeyMap returns the pane's default keys.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Scroll: list.DefaultKeyMap(),
		// space arrives as the key " " in Bubble Tea v1.
		Pause: b("p/space", "pause/follow", "p", " "),
		Type:  b("f", "type filter", "f"),
		Mine:  b("t", "this interaction", "t"),
	}
}

// ShortHelp implements help.KeyMap: the pane's own keys, for the footer.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Pause, k.Type, k.Mine} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return append(k.Scroll.FullHelp(), k.ShortHelp())
}

// Update handles the pane's keys (KeyMap; SetKeyMap): the scrolling keys,
// pause, the type filter and "this interaction only"; and the mouse wheel,
// three lines a step. What a key of its
// own changed is said through the notifier (SetNotify).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if mm, ok := msg.(tea.MouseMsg); ok && mm.Action == tea.MouseActionPress {
		switch mm.Button {
		case tea.MouseButtonWheelUp:
			m.Scroll(3)
		case tea.MouseButtonWheelDown:
			m.Scroll(-3)
		}
		return m, nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch km := &m.keys; {
	case key.Matches(k, km.Scroll.Up):
		m.Scroll(1)
	case key.Matches(k, km.Scroll.Down):
		m.Scroll(-1)
	case key.Matches(k, km.Scroll.Top):
		m.Scroll(m.Len())
	case key.Matches(k, km.Scroll.Bottom):
		m.Follow()
	case key.Matches(k, km.Scroll.PageUp):
		m.Scroll(5)
	case key.Matches(k, km.Scroll.PageDown):
		m.Scroll(-5)
	case key.Matches(k, km.Pause):
		m.notify(pauseNote(m.TogglePause()))
	case key.Matches(k, km.Type):
		m.notify(typeNote(m.CycleType()))
	case key.Matches(k, km.Mine):
		m.notify(mineNote(m.ToggleInteraction()))
	}
	return m, nil
}

func pauseNote(paused bool) string {
	if paused {
		return "events paused: new ones are counted; p follows again"
	}
	return "events: following"
}

func typeNote(t string) string {
	if t == "" {
		return "events: every type"
	}
	return "events: " + t
}

func mineNote(only bool) string {
	if only {
		return "events: this interaction only"
	}
	return "events: every interaction"
}

// notify says note through the notifier, if one is set.
func (m Model) notify(note string) {
	if m.notifier != nil {
		m.notifier(note)
	}
}

// SetNotify sets what the pane's own keys report to (the status line).
func (m *Model) SetNotify(f func(note string)) { m.notifier = f }

// SetKeyMap sets the keys Update handles.
func (m *Model) SetKeyMap(k KeyMap) {
	m.keys = k
	m.list.SetKeyMap(k.Scroll)
}

// KeyMap returns the pane's keys.
func (m Model) KeyMap() KeyMap { return m.keys }

// ShortHelp implements help.KeyMap: the footer's keys while the pane has
// the focus.
func (m Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

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
func (m Model) Following() bool { return !m.paused && m.list.Back() == 0 }

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

// refilter shows the entries passing the filters now, the newest of
// them, after a filter change.
func (m *Model) refilter() {
	typeF, onlyInt, inter := m.typeF, m.onlyInt, m.inter
	if typeF == "" && !onlyInt {
		m.list.SetWhere(nil)
	} else {
		m.list.SetWhere(func(e Entry) bool {
			return (typeF == "" || e.Type == typeF) && (!onlyInt || e.Interaction == inter)
		})
	}
	m.unseen = 0
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

// View draws the visible entries, oldest first (common.Component).
func (m Model) View() string { return strings.Join(m.Lines(), "\n") }

// Lines draws the visible entries one line each, oldest first, for the
// root's box.
func (m Model) Lines() []string {
	w, h := m.list.Size()
	if w <= 0 || h <= 0 {
		return nil
	}
	if m.Len() == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No events yet.", w))}
	}
	if m.list.Len() == 0 {
		return []string{m.st.Muted.Render(pane.Fit("No events match the filter (f: type, t: this interaction).", w))}
	}
	l := m.list
	l.SetRender(func(e Entry, _, w int, _, _ bool) string {
		return m.style(e.Kind).Render(pane.Fit(m.Line(e), w))
	})
	return l.View()
}

// Title describes the pane for its border: the count, the filters, and
// whether it follows new lines.
func (m Model) Title() string {
	t := "Events " + strconv.Itoa(m.list.Len())
	if m.list.Len() != m.Len() {
		t += "/" + strconv.Itoa(m.Len())
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
	case m.list.Back() > 0:
		t += " · ↑" + strconv.Itoa(m.list.Back())
	}
	if m.unseen > 0 {
		t += " · +" + strconv.Itoa(m.unseen) + " new"
	}
	return t
}

var _ common.Component[Model] = (*Model)(nil)
