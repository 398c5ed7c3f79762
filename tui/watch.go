package tui

import (
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/watch"
)

// screen is what the body shows.
type screenID int

const (
	screenMain  screenID = iota // the panes
	screenWatch                 // every live interaction (supervisors)
)

// newWatch builds the watch table with the dashboard's keys and thresholds.
func newWatch(m *Model) watch.Model {
	w := watch.New(m.c, watch.Thresholds{Warn: m.opts.WarnAfter, Critical: m.opts.CriticalAfter})
	k := m.keys
	wk := watch.DefaultKeyMap()
	wk.Up, wk.Down, wk.PageUp, wk.PageDown = k.Up, k.Down, k.PageUp, k.PageDown
	rebind := func(b key.Binding, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
	}
	wk.Top, wk.Bottom = rebind(k.Top, "most urgent"), rebind(k.Bottom, "least urgent")
	wk.Open = rebind(k.Preview, "open")
	w.KeyMap = wk
	w.SetTick(m.opts.Tick)
	return w
}

// openWatch shows the watch screen, built from what is known now and
// filled in by listing every interaction's snapshots.
func (m *Model) openWatch() tea.Cmd {
	m.screen = screenWatch
	m.watchMoved = false
	m.rebuildWatch()
	if m.width > 0 {
		m.layout()
	}
	return tea.Batch(m.watch.StartTicking(), m.pumpWatch(), m.loadJournal())
}

// closeWatch goes back to the panes.
func (m *Model) closeWatch() {
	m.screen = screenMain
	m.watch.StopTicking()
	if m.width > 0 {
		m.layout()
	}
}

// rebuildWatch recomputes the rows from the store. Until the user moves
// the cursor it stays on the most urgent row, as rows fill in.
func (m *Model) rebuildWatch() {
	rows := m.store.watchRows(m.lastEvent) // sorted, most urgent first
	m.watch.SetRows(rows)
	m.watch.SetPictures(m.chartPictures())
	if !m.watchMoved && len(rows) > 0 {
		m.watch.Select(rows[0].InteractionID)
	}
	m.watchBuilt = m.store.changes
}

// pumpWatch runs the listing scheduler (see pumpListings): the watch
// screen, the review queue (n, N) and the count of pictures awaiting review
// cover every interaction.
func (m *Model) pumpWatch() tea.Cmd { return m.pumpListings() }

// watchKey handles a key on the watch screen: it has no action keys, so it
// is read-only whatever --act says.
func (m *Model) watchKey(k tea.KeyMsg) tea.Cmd {
	km := &m.keys
	switch {
	case key.Matches(k, km.Quit):
		return m.askQuit()
	case key.Matches(k, km.Help):
		m.openHelp()
	case key.Matches(k, km.Filter):
		return m.cmdline.openFilter(m.width)
	case key.Matches(k, km.Command):
		return m.cmdline.openCmdline()
	case slices.Contains(km.Back.Keys(), k.String()) && m.cmdline.clearFilter():
	case key.Matches(k, km.Watch), slices.Contains(km.Back.Keys(), k.String()):
		m.closeWatch()
	case key.Matches(k, km.Refresh):
		return m.refreshAll()
	default:
		var cmd tea.Cmd
		m.watch, cmd = m.watch.Update(k)
		m.watchMoved = true
		return cmd
	}
	return nil
}

// watchLegend is the footer's note on the watch screen: the thresholds.
func (m *Model) watchLegend() string {
	th := m.watch.Thresholds()
	return "late > " + watch.FormatAge(th.Warn) + " · critical > " + watch.FormatAge(th.Critical)
}

// refreshAll re-lists the interactions and, through pumpWatch, every
// interaction's snapshots.
func (m *Model) refreshAll() tea.Cmd {
	for _, e := range m.store.list {
		e.listed, e.err = false, nil
	}
	m.setStatusInfo("refreshing…")
	return tea.Batch(m.loadInteractions(), m.pumpWatch())
}

// onWatchTick keeps the ages fresh and rebuilds the rows at most once a
// second, and only when something changed.
func (m *Model) onWatchTick(msg watch.TickMsg) tea.Cmd {
	var cmd tea.Cmd
	m.watch, cmd = m.watch.Update(msg)
	if m.screen == screenWatch && m.store.changes != m.watchBuilt {
		m.rebuildWatch()
	}
	return cmd
}

// openInteraction leaves the watch screen for the interaction's snapshots.
func (m *Model) openInteraction(id string) tea.Cmd {
	m.setFull(false)
	m.closeWatch()
	e, created := m.store.ensure(id, m.opts.Now())
	var cmds []tea.Cmd
	if created {
		cmds = append(cmds, m.loadInteraction(id))
	}
	cmds = append(cmds, m.selectInteraction(id))
	if !e.listed && !e.loading {
		e.loading = true
		cmds = append(cmds, m.loadSnapshots(id))
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
