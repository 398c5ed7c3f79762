package tui

import (
	"context"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/listing"
	"github.com/snapdash/snapdash/tui/recent"
	"github.com/snapdash/snapdash/views/events"
)

// listsRoom owns loading: the interactions listing and each interaction's
// details and snapshots, their answers into the store, the choice of a
// first selection, the listing scheduler (room_lists_schedule.go: the first
// full count, background re-lists within a budget, retries after a
// refusal) and the recently opened interactions (room_lists_recent.go). Each
// load runs its I/O inside its tea.Cmd and answers with one message, which
// the root routes back here.
type listsRoom struct {
	*hub // shared services (hub.go): opts, API, store, selected, wall clock, status

	listing bool  // the interactions endpoint is being asked (the spinner, "loading…")
	listErr error // the last interactions listing's failure, nil once one succeeds
	sched   lister
	// watchLoads are the background snapshot listings in flight, at most
	// listConcurrency.
	watchLoads map[string]bool
	recent     []string     // recently opened interactions, newest first (room_lists_recent.go)
	recentFile *recent.File // orders the writes of recent.json

	// link ties events that name no interaction to one; the room teaches
	// it every interaction and snapshot listed. Shared with the stream.
	link *client.Linker
	// selectInteraction is the root's (update_keys.go): it selects id in
	// the panes, lists its snapshots the first time and remembers it as
	// recent. The room calls it to choose the first selection.
	selectInteraction func(id string) tea.Cmd
}

// newListsRoom builds the room; selectInteraction and link are described
// in listsRoom.
func newListsRoom(h *hub, link *client.Linker, selectInteraction func(string) tea.Cmd) *listsRoom {
	return &listsRoom{
		hub: h, listing: true, watchLoads: map[string]bool{}, recentFile: &recent.File{},
		link: link, selectInteraction: selectInteraction,
		sched: lister{budget: newBudget()},
	}
}

func (r *listsRoom) loadInteractions() tea.Cmd {
	return r.loadInteractionsFrom(r.opts.Now().Add(-r.opts.Since))
}

// loadInteractionsFrom lists the interactions created since from (a re-list
// asks only for those created since the last listing: a large
// organization's list is many pages).
func (r *listsRoom) loadInteractionsFrom(from time.Time) tea.Cmd {
	api, ctx, now := r.api, r.ctx, r.opts.Now()
	r.listing = true
	r.sched.interactionsUntil = now
	return func() tea.Msg {
		its, err := api.ListInteractions(ctx, from, now)
		return InteractionsLoadedMsg{Interactions: its, Err: err}
	}
}

func (r *listsRoom) loadInteraction(id string) tea.Cmd {
	api, ctx := r.api, r.ctx
	return func() tea.Msg {
		it, err := api.GetInteraction(ctx, id)
		return InteractionLoadedMsg{ID: id, Interaction: it, Err: err}
	}
}

func (r *listsRoom) loadSnapshots(id string) tea.Cmd {
	return r.loadSnapshotsIn(r.ctx, id)
}

// loadSnapshotsIn lists id's snapshots on ctx (a background listing's
// tells a shared upstream that a recent answer will do).
func (r *listsRoom) loadSnapshotsIn(ctx context.Context, id string) tea.Cmd {
	api, asked := r.api, r.store.gen
	return func() tea.Msg {
		s, err := api.ListSnapshots(ctx, id)
		return SnapshotsLoadedMsg{InteractionID: id, Snapshots: s, Asked: asked, Err: err}
	}
}

func (r *listsRoom) loadSnapshot(id string) tea.Cmd {
	api, ctx, asked := r.api, r.ctx, r.store.gen
	return func() tea.Msg {
		s, err := api.GetSnapshot(ctx, id)
		return SnapshotLoadedMsg{ID: id, Snapshot: s, Asked: asked, Err: err}
	}
}

// refresh re-lists the interactions and the selected one's snapshots.
func (r *listsRoom) refresh() tea.Cmd {
	cmds := []tea.Cmd{r.loadInteractions()}
	if e := r.store.byID[r.selected]; e != nil {
		e.loading = true
		cmds = append(cmds, r.loadSnapshots(e.id))
	}
	for _, e := range r.store.list {
		if e.id != r.selected {
			e.listed = false // listed again when next selected
		}
	}
	r.setStatusInfo("refreshing…")
	return tea.Batch(cmds...)
}

// refreshAll re-lists the interactions and, through pumpListings, every
// interaction's snapshots (the watch screen's refresh).
func (r *listsRoom) refreshAll() tea.Cmd {
	for _, e := range r.store.list {
		e.listed, e.err = false, nil
	}
	r.setStatusInfo("refreshing…")
	return tea.Batch(r.loadInteractions(), r.pumpListings())
}

func (r *listsRoom) onInteractions(msg InteractionsLoadedMsg) tea.Cmd {
	r.listing = false
	if msg.Err != nil {
		r.sched.interactionsUntil = time.Time{} // the next re-list asks for all
		r.listErr = msg.Err
		r.fail(msg.Err)
		return r.retryInteractions(msg.Err)
	}
	r.sched.interactionFails = 0
	r.listErr = nil
	now := r.opts.Now()
	for _, it := range msg.Interactions {
		r.store.setInteraction(it, now)
		r.link.LearnInteraction(it)
	}
	if r.status.Text == "refreshing…" {
		r.setStatusInfo("")
	}
	cmds := []tea.Cmd{r.ensureSelection()}
	for _, e := range r.store.list {
		if e.wantIt && !e.haveIt {
			cmds = append(cmds, r.loadInteraction(e.id))
		}
		e.wantIt = false
	}
	return tea.Batch(cmds...)
}

// ensureSelection selects the first interaction when none is, and lists it.
func (r *listsRoom) ensureSelection() tea.Cmd {
	if r.selected != "" {
		if e := r.store.byID[r.selected]; e != nil && !e.listed && !e.loading {
			e.loading = true
			return r.loadSnapshots(e.id)
		}
		return nil
	}
	if r.listing {
		return nil // choose once the list is in, not whatever answered first
	}
	r.store.sort()
	if len(r.store.list) == 0 {
		return nil
	}
	return r.selectInteraction(r.store.list[0].id)
}

func (r *listsRoom) onInteraction(msg InteractionLoadedMsg) tea.Cmd {
	if msg.Err != nil {
		if cmd, ok := r.forgetUnknownRecent(msg.ID, msg.Err); ok {
			return cmd
		}
		if e := r.store.byID[msg.ID]; e != nil {
			e.err = msg.Err
			// Asked again after the next successful listing (R, resync).
			e.wantIt = !listing.UnknownInteraction(msg.Err)
		}
		r.fail(msg.Err)
		return nil
	}
	r.store.setInteraction(msg.Interaction, r.opts.Now())
	r.link.LearnInteraction(msg.Interaction)
	return r.ensureSelection()
}

// forgetUnknownRecent drops a remembered interaction the server says does
// not exist (another server's, or expired), quietly: a line in the events
// pane, no error. Both its details and its snapshot listing (the watch
// screen asks for every interaction's) can say so, in either order; the
// second answer finds it gone and is ignored too. ok reports whether err
// was such an answer. Any other error (timeout, 5xx, offline) says nothing
// about the interaction: it is kept.
func (r *listsRoom) forgetUnknownRecent(id string, err error) (cmd tea.Cmd, ok bool) {
	if !listing.UnknownInteraction(err) {
		return nil, false
	}
	e := r.store.byID[id]
	if e == nil {
		// Every load is for an interaction in the store, so this one was
		// dropped while the answer was on its way.
		return nil, true
	}
	if e.pinned != 0 || !slices.Contains(r.recent, id) {
		return nil, false
	}
	r.store.drop(id)
	delete(r.watchLoads, id)
	r.logEvent(events.Error, "recent interaction dropped: "+err.Error())
	cmd = r.forgetRecent(id)
	if r.selected == id {
		r.selected = ""
		return tea.Batch(cmd, r.ensureSelection()), true
	}
	return cmd, true
}

func (r *listsRoom) onSnapshots(msg SnapshotsLoadedMsg) tea.Cmd {
	delete(r.watchLoads, msg.InteractionID)
	if msg.Err != nil {
		if cmd, ok := r.forgetUnknownRecent(msg.InteractionID, msg.Err); ok {
			return cmd
		}
	}
	e := r.store.byID[msg.InteractionID]
	if e == nil {
		// Dropped while the answer was on its way: a remembered
		// interaction the server does not know lists as empty (as the
		// vendor's does) and must not come back.
		return nil
	}
	if msg.Err != nil {
		if cmd, ok := r.listFailed(e, msg.Err); ok {
			return cmd
		}
		e.loading, e.relist, e.err = false, false, msg.Err
		e.version++
		r.fail(msg.Err)
		return nil
	}
	r.listedOK(e)
	r.link.LearnSnapshots(msg.Snapshots...)
	r.store.listed(e, msg.Snapshots, msg.Asked)
	if e.relist {
		e.relist, e.loading = false, true
		return r.loadSnapshots(e.id)
	}
	return nil
}

func (r *listsRoom) onSnapshot(msg SnapshotLoadedMsg) tea.Cmd {
	if msg.Err != nil {
		r.logEvent(events.Error, msg.Err.Error())
		return nil
	}
	s := msg.Snapshot
	r.link.LearnSnapshots(s)
	e, row := r.store.row(s.ID)
	if e == nil && s.InteractionID != "" {
		e, _ = r.store.ensure(s.InteractionID, r.opts.Now())
	}
	if e == nil {
		return nil
	}
	r.store.put(e, r.store.fetched(row, s, msg.Asked))
	return nil
}
