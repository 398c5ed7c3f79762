package tui

import (
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/insight"
	"github.com/snapdash/snapdash/views/watch"
)

// screen is what the body shows.
type screenID int

const (
	screenMain  screenID = iota // the panes
	screenWatch                 // every live interaction (supervisors)
)

// watchRoom owns the watch screen (every live interaction at a glance,
// for supervisors): its table, rebuilt from the store at most once a
// second and only when something changed, its cursor (on the most urgent
// row until the user moves it), its keys and its legend. The root owns
// which screen is up (Model.screen) and routes the watch screen's keys,
// mouse and ticks here; the listings that fill it in are the lists room's.
type watchRoom struct {
	*hub // shared services (hub.go)

	table watch.Model
	built uint64 // store.changes at the last rebuild
	moved bool   // the user moved the cursor

	// lastEvent is the live stream's newest event time by interaction id
	// (stream.go fills it in): how long each has been quiet.
	lastEvent map[string]time.Time
	// pictures are the charts' pictures (journal.go's chartPictures).
	pictures func() []insight.Picture
}

// newWatchRoom builds the watch table with the dashboard's keys and
// thresholds; lastEvent and pictures are described in watchRoom.
func newWatchRoom(h *hub, lastEvent map[string]time.Time, pictures func() []insight.Picture) *watchRoom {
	w := watch.New(h.c, watch.Thresholds{Warn: h.opts.WarnAfter, Critical: h.opts.CriticalAfter})
	k := h.keys
	wk := watch.DefaultKeyMap()
	wk.Up, wk.Down, wk.PageUp, wk.PageDown = k.Up, k.Down, k.PageUp, k.PageDown
	rebind := func(b key.Binding, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
	}
	wk.Top, wk.Bottom = rebind(k.Top, "most urgent"), rebind(k.Bottom, "least urgent")
	wk.Open = rebind(k.Preview, "open")
	w.KeyMap = wk
	w.SetTick(h.opts.Tick)
	return &watchRoom{hub: h, table: w, lastEvent: lastEvent, pictures: pictures}
}

// open builds the table from what is known now, the cursor on the most
// urgent row, and starts its clock.
func (w *watchRoom) open() tea.Cmd {
	w.moved = false
	w.rebuild()
	return w.table.StartTicking()
}

// close stops the table's clock.
func (w *watchRoom) close() { w.table.StopTicking() }

// rebuild recomputes the rows from the store. Until the user moves the
// cursor it stays on the most urgent row, as rows fill in.
func (w *watchRoom) rebuild() {
	rows := w.store.watchRows(w.lastEvent) // sorted, most urgent first
	w.table.SetRows(rows)
	w.table.SetPictures(w.pictures())
	if !w.moved && len(rows) > 0 {
		w.table.Select(rows[0].InteractionID)
	}
	w.built = w.store.changes
}

// update hands the table a key or a mouse message: the user moves the
// cursor, so it no longer follows the most urgent row.
func (w *watchRoom) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	w.table, cmd = w.table.Update(msg)
	w.moved = true
	return cmd
}

// legend is the footer's note on the watch screen: the thresholds.
func (w *watchRoom) legend() string {
	th := w.table.Thresholds()
	return "late > " + watch.FormatAge(th.Warn) + " · critical > " + watch.FormatAge(th.Critical)
}

// onTick keeps the ages fresh and, while the screen is up, rebuilds the
// rows at most once a second, and only when something changed.
func (w *watchRoom) onTick(msg watch.TickMsg, up bool) tea.Cmd {
	var cmd tea.Cmd
	w.table, cmd = w.table.Update(msg)
	if up && w.store.changes != w.built {
		w.rebuild()
	}
	return cmd
}

// The root's side of the watch screen: which screen is up, its layout and
// the keys every screen shares.

// openWatch shows the watch screen, built from what is known now and
// filled in by listing every interaction's snapshots.
func (m *Model) openWatch() tea.Cmd {
	m.screen = screenWatch
	tick := m.watch.open()
	if m.width > 0 {
		m.layout()
	}
	return tea.Batch(tick, m.lists.pumpListings(), m.live.loadJournal())
}

// closeWatch goes back to the panes.
func (m *Model) closeWatch() {
	m.screen = screenMain
	m.watch.close()
	if m.width > 0 {
		m.layout()
	}
}

// watchMouse hands the watch table the mouse in its own cells (inside the
// screen's border): the wheel moves the cursor, a click selects the row
// under it.
func (m *Model) watchMouse(msg tea.MouseMsg) tea.Cmd {
	r := m.lay.watch
	msg.X, msg.Y = msg.X-r.x-1, msg.Y-r.y-1
	return m.watch.update(msg)
}

// watchKey handles a key on the watch screen: it has no action keys, so it
// is read-only whatever --act says.
func (m *Model) watchKey(k tea.KeyMsg) tea.Cmd {
	km := &m.keys
	back := slices.Contains(km.Back.Keys(), k.String())
	switch {
	case key.Matches(k, km.Quit):
		return m.askQuit()
	case key.Matches(k, km.Help):
		m.openHelp()
	case key.Matches(k, km.Filter):
		return m.cmdline.openFilter(m.width)
	case key.Matches(k, km.Command):
		return m.cmdline.openCmdline()
	case back && m.cmdline.clearFilter():
	case key.Matches(k, km.Watch), back:
		m.closeWatch()
	case key.Matches(k, km.Refresh):
		return m.lists.refreshAll()
	default:
		return m.watch.update(k)
	}
	return nil
}

// openInteraction leaves the watch screen for the interaction's snapshots.
func (m *Model) openInteraction(id string) tea.Cmd {
	m.preview.showFull(false)
	m.closeWatch()
	e, created := m.store.ensure(id, m.opts.Now())
	var cmds []tea.Cmd
	if created {
		cmds = append(cmds, m.lists.loadInteraction(id))
	}
	cmds = append(cmds, m.selectInteraction(id))
	if !e.listed && !e.loading {
		e.loading = true
		cmds = append(cmds, m.lists.loadSnapshots(id))
	}
	m.refreshLists()
	m.inter.Select(id)
	m.setFocus(focusSnapshots)
	return tea.Batch(cmds...)
}

// watchRows summarizes the store for the watch table.
func (s *store) watchRows(last map[string]time.Time) []watch.Row {
	ins := make([]client.Interaction, 0, len(s.list))
	snaps := make(map[string][]client.Snapshot, len(s.list))
	for _, e := range s.list {
		it := e.it
		if !e.haveIt {
			it = client.Interaction{ID: e.id}
		}
		ins = append(ins, it)
		l := make([]client.Snapshot, 0, len(e.rows))
		for _, r := range e.rows {
			sn := r.Snapshot
			if sn.Timestamp == nil && sn.CreatedAt == nil && !r.at.IsZero() {
				at := r.at // a row known only from its event
				sn.Timestamp = &at
			}
			l = append(l, sn)
		}
		snaps[e.id] = l
	}
	// nil: the store's REQUESTED rows are the pending requests.
	return watch.Summarize(ins, snaps, nil, last)
}

// watchHelp is the watch screen's help: its table keys and the root's.
type watchHelp struct {
	w watch.KeyMap
	k KeyMap
}

// back is the key that leaves the watch screen, as the help shows it.
func (h watchHelp) back() key.Binding {
	return key.NewBinding(key.WithKeys(h.k.Watch.Keys()...), key.WithHelp(h.k.Watch.Help().Key, "back"))
}

// ShortHelp implements help.KeyMap.
func (h watchHelp) ShortHelp() []key.Binding {
	return append(h.w.ShortHelp(), h.back(), h.k.Refresh, h.k.Help, h.k.Quit)
}

// FullHelp implements help.KeyMap.
func (h watchHelp) FullHelp() [][]key.Binding {
	back := h.back()
	back.SetHelp(h.k.Watch.Help().Key+"/"+h.k.Back.Help().Key, "back")
	return append(h.w.FullHelp(), []key.Binding{back, h.k.Refresh, h.k.Help, h.k.Quit})
}
