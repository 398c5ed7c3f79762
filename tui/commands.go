package tui

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/events"
)

// The loading commands. Each runs its I/O inside the tea.Cmd and returns one
// message with the data or the error.

func (m *Model) loadInteractions() tea.Cmd {
	return m.loadInteractionsFrom(m.opts.Now().Add(-m.opts.Since))
}

// loadInteractionsFrom lists the interactions created since from (a re-list
// asks only for those created since the last listing: a large
// organization's list is many pages).
func (m *Model) loadInteractionsFrom(from time.Time) tea.Cmd {
	api, ctx, now := m.api, m.ctx, m.opts.Now()
	m.listing = true
	m.lists.interactionsUntil = now
	return func() tea.Msg {
		its, err := api.ListInteractions(ctx, from, now)
		return InteractionsLoadedMsg{Interactions: its, Err: err}
	}
}

func (m *Model) loadInteraction(id string) tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		it, err := api.GetInteraction(ctx, id)
		return InteractionLoadedMsg{ID: id, Interaction: it, Err: err}
	}
}

func (m *Model) loadSnapshots(id string) tea.Cmd {
	api, ctx, asked := m.api, m.ctx, m.store.gen
	return func() tea.Msg {
		s, err := api.ListSnapshots(ctx, id)
		return SnapshotsLoadedMsg{InteractionID: id, Snapshots: s, Asked: asked, Err: err}
	}
}

func (m *Model) loadSnapshot(id string) tea.Cmd {
	api, ctx, asked := m.api, m.ctx, m.store.gen
	return func() tea.Msg {
		s, err := api.GetSnapshot(ctx, id)
		return SnapshotLoadedMsg{ID: id, Snapshot: s, Asked: asked, Err: err}
	}
}

// refresh re-lists the interactions and the selected one's snapshots.
func (m *Model) refresh() tea.Cmd {
	cmds := []tea.Cmd{m.loadInteractions()}
	if e := m.store.byID[m.selected]; e != nil {
		e.loading = true
		cmds = append(cmds, m.loadSnapshots(e.id))
	}
	for _, e := range m.store.list {
		if e.id != m.selected {
			e.listed = false // listed again when next selected
		}
	}
	m.setStatusInfo("refreshing…")
	return tea.Batch(cmds...)
}

func (m *Model) onInteractions(msg InteractionsLoadedMsg) tea.Cmd {
	m.listing = false
	if msg.Err != nil {
		m.lists.interactionsUntil = time.Time{} // the next re-list asks for all
		m.listErr = msg.Err
		m.fail(msg.Err)
		return m.retryInteractions(msg.Err)
	}
	m.lists.interactionFails = 0
	m.listErr = nil
	now := m.opts.Now()
	for _, it := range msg.Interactions {
		m.store.setInteraction(it, now)
		m.link.LearnInteraction(it)
	}
	if m.status.Text == "refreshing…" {
		m.setStatusInfo("")
	}
	cmds := []tea.Cmd{m.ensureSelection()}
	for _, e := range m.store.list {
		if e.wantIt && !e.haveIt {
			cmds = append(cmds, m.loadInteraction(e.id))
		}
		e.wantIt = false
	}
	return tea.Batch(cmds...)
}

// ensureSelection selects the first interaction when none is, and lists it.
func (m *Model) ensureSelection() tea.Cmd {
	if m.selected != "" {
		if e := m.store.byID[m.selected]; e != nil && !e.listed && !e.loading {
			e.loading = true
			return m.loadSnapshots(e.id)
		}
		return nil
	}
	if m.listing {
		return nil // choose once the list is in, not whatever answered first
	}
	m.store.sort()
	if len(m.store.list) == 0 {
		return nil
	}
	return m.selectInteraction(m.store.list[0].id)
}

func (m *Model) onInteraction(msg InteractionLoadedMsg) tea.Cmd {
	if msg.Err != nil {
		if cmd, ok := m.forgetUnknownRecent(msg.ID, msg.Err); ok {
			return cmd
		}
		if e := m.store.byID[msg.ID]; e != nil {
			e.err = msg.Err
			// Asked again after the next successful listing (R, resync).
			e.wantIt = !unknownInteraction(msg.Err)
		}
		m.fail(msg.Err)
		return nil
	}
	m.store.setInteraction(msg.Interaction, m.opts.Now())
	m.link.LearnInteraction(msg.Interaction)
	return m.ensureSelection()
}

// forgetUnknownRecent drops a remembered interaction the server says does
// not exist (another server's, or expired), quietly: a line in the events
// pane, no error. Both its details and its snapshot listing (the watch
// screen asks for every interaction's) can say so, in either order; the
// second answer finds it gone and is ignored too. ok reports whether err
// was such an answer. Any other error (timeout, 5xx, offline) says nothing
// about the interaction: it is kept.
func (m *Model) forgetUnknownRecent(id string, err error) (cmd tea.Cmd, ok bool) {
	if !unknownInteraction(err) {
		return nil, false
	}
	e := m.store.byID[id]
	if e == nil {
		// Every load is for an interaction in the store, so this one was
		// dropped while the answer was on its way.
		return nil, true
	}
	if e.pinned != 0 || !slices.Contains(m.recent, id) {
		return nil, false
	}
	m.store.drop(id)
	delete(m.watchLoads, id)
	m.logEvent(events.Error, "recent interaction dropped: "+err.Error())
	cmd = m.forgetRecent(id)
	if m.selected == id {
		m.selected = ""
		return tea.Batch(cmd, m.ensureSelection()), true
	}
	return cmd, true
}

// unknownInteraction reports whether err says the interaction does not
// exist: a 404, or the API's 400 naming the interaction id as unknown.
func unknownInteraction(err error) bool {
	if client.IsNotFound(err) {
		return true
	}
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		return false
	}
	return strings.HasPrefix(ae.Fields["interactionId"], "unknown")
}

func (m *Model) onSnapshots(msg SnapshotsLoadedMsg) tea.Cmd {
	delete(m.watchLoads, msg.InteractionID)
	if msg.Err != nil {
		if cmd, ok := m.forgetUnknownRecent(msg.InteractionID, msg.Err); ok {
			return cmd
		}
	}
	e := m.store.byID[msg.InteractionID]
	if e == nil {
		// Dropped while the answer was on its way: a remembered
		// interaction the server does not know lists as empty (as the
		// vendor's does) and must not come back.
		return nil
	}
	if msg.Err != nil {
		if cmd, ok := m.listFailed(e, msg.Err); ok {
			return cmd
		}
		e.loading, e.relist, e.err = false, false, msg.Err
		e.version++
		m.fail(msg.Err)
		return nil
	}
	m.listedOK(e)
	m.link.LearnSnapshots(msg.Snapshots...)
	m.store.listed(e, msg.Snapshots, msg.Asked)
	if e.relist {
		e.relist, e.loading = false, true
		return m.loadSnapshots(e.id)
	}
	return nil
}

func (m *Model) onSnapshot(msg SnapshotLoadedMsg) tea.Cmd {
	if msg.Err != nil {
		m.logEvent(events.Error, msg.Err.Error())
		return nil
	}
	s := msg.Snapshot
	m.link.LearnSnapshots(s)
	e, r := m.store.row(s.ID)
	if e == nil && s.InteractionID != "" {
		e, _ = m.store.ensure(s.InteractionID, m.opts.Now())
	}
	if e == nil {
		return nil
	}
	m.store.put(e, m.store.fetched(r, s, msg.Asked))
	return nil
}

// waitStream waits for the next batch of the event stream and merges every
// batch already waiting, so a burst becomes one message and one redraw. It
// holds no goroutine of its own: it is an ordinary tea.Cmd, started again
// after each message.
func waitStream(ch <-chan client.StreamUpdate) tea.Cmd {
	return func() tea.Msg {
		u, ok := <-ch
		if !ok {
			return StreamClosedMsg{}
		}
		for {
			select {
			case n, ok := <-ch:
				if !ok {
					return StreamUpdateMsg{Update: u}
				}
				u = mergeUpdates(u, n)
			default:
				return StreamUpdateMsg{Update: u}
			}
		}
	}
}

func mergeUpdates(a, b client.StreamUpdate) client.StreamUpdate {
	b.Events = append(a.Events, b.Events...)
	b.Resync = a.Resync || b.Resync
	b.Relist = a.Relist || b.Relist
	if b.Err == nil {
		b.Err = a.Err
	}
	return b
}

// fmtTime formats an absolute time for details.
func (m *hub) fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(m.opts.Location).Format("2006-01-02 15:04:05 MST")
}
