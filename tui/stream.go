package tui

import (
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	camcorr "github.com/snapdash/snapdash/tui/camera"
	"github.com/snapdash/snapdash/tui/upstream"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/header"
	"github.com/snapdash/snapdash/views/statusbar"
)

// fetchEach is the most snapshots of one interaction a batch fetches one by
// one; beyond, the interaction is listed once instead.
const fetchEach = 3

// maxOrphans bounds the fetches of one batch for snapshots whose
// interaction is unknown.
const maxOrphans = 32

// batch collects what the events of one stream update ask for, so that a
// burst costs one redraw, at most one request per interaction and one bell.
// What it asks of the rest of the dashboard (the loads, the camera's
// answers, the replayed tables) the root hands on (onStream).
type batch struct {
	fetch    map[string][]string // interaction id -> acquired snapshot ids
	orphans  []string            // acquired snapshots of no known interaction
	arrived  int                 // pictures that arrived live
	lastID   string
	lastFrom string
	bell     bool

	interactions []string          // interactions to load, newly named
	snapshots    []string          // snapshots to fetch one by one
	tables       []*ientry         // tables to list again
	answers      []camcorr.Outcome // the device's answers to our camera commands, in order
	history      map[string]bool   // interactions replayed history touched
}

// connect reads the connection state an update reports and waits for the
// next one. A resync is said in the events pane; the root re-lists.
func (r *liveRoom) connect(u client.StreamUpdate) tea.Cmd {
	var cmds []tea.Cmd
	if r.stream != nil {
		cmds = append(cmds, waitStream(r.stream.Updates()))
	}
	cmds = append(cmds, r.setConn(u))
	// A resync comes before the events replayed after it (the usual case:
	// reconnect, resync, replay), so its line goes first. MQTT's Relist
	// (it brings only this endpoint's events: the rest of the
	// organization is re-listed on the stream's timer) says nothing.
	if u.Resync && r.cs.State != header.Polling {
		r.logEvent(events.Event, "resync: the server could not replay every event; re-listing")
	}
	return tea.Batch(cmds...)
}

// apply applies the events of one update to the store and the events pane
// and returns what they ask of the rest of the dashboard. listing says
// whether the interaction list is being asked (it will name what replayed
// history names).
func (r *liveRoom) apply(evs []client.Event, listing bool) *batch {
	b := &batch{fetch: map[string][]string{}}
	for _, ev := range evs {
		r.applyEvent(ev, listing, b)
	}
	r.plan(b)
	return b
}

// waitStream waits for the next batch of the event stream and merges every
// batch already waiting (upstream.Next), so a burst becomes one message and
// one redraw. It holds no goroutine of its own: it is an ordinary tea.Cmd,
// started again after each message.
func waitStream(ch <-chan client.StreamUpdate) tea.Cmd {
	return func() tea.Msg {
		u, ok := upstream.Next(ch)
		if !ok {
			return StreamClosedMsg{}
		}
		return StreamUpdateMsg{Update: u}
	}
}

// isHistory reports whether ev happened before the dashboard started (the
// replay at start, as the stream marks it: no clock is compared): it is
// shown and applied, but rings no bell and leaves the status line alone.
// Once a live event was seen, none is history.
func (r *liveRoom) isHistory(ev client.Event) bool {
	if r.liveSeen {
		return false
	}
	if ev.History {
		return true
	}
	r.liveSeen = true
	return false
}

// interactionFor finds (or creates) the interaction an event belongs to.
// During the replay at start its details wait for the interaction list,
// which usually has them, instead of one request per interaction.
//
// Replayed history older than the --since window names interactions the
// dashboard did not ask for: it updates those it shows but adds none.
func (r *liveRoom) interactionFor(ev client.Event, hist, listing bool, b *batch) *ientry {
	if ev.InteractionID != "" {
		if r.beforeWindow(ev, hist) {
			return r.store.byID[ev.InteractionID]
		}
		e, created := r.store.ensure(ev.InteractionID, ev.Timestamp)
		switch {
		case !created:
			return e
		case hist && listing:
			e.wantIt = true
			return e
		}
		b.interactions = append(b.interactions, ev.InteractionID)
		return e
	}
	if e, _ := r.store.row(ev.SnapshotID); e != nil {
		return e
	}
	return nil
}

// beforeWindow reports whether ev is replayed history older than the
// --since window the interactions are listed for.
func (r *liveRoom) beforeWindow(ev client.Event, hist bool) bool {
	return hist && !ev.Timestamp.IsZero() && ev.Timestamp.Before(r.opts.Now().Add(-r.opts.Since))
}

// noteActivity records when an interaction last had an event (watch).
func (r *liveRoom) noteActivity(ev client.Event) {
	id := ev.InteractionID
	if id == "" {
		id = r.store.owner[ev.SnapshotID]
	}
	if id != "" && ev.Timestamp.After(r.lastEvent[id]) {
		r.lastEvent[id] = ev.Timestamp
		r.store.changes++
	}
}

// applyEvent shows an event in the events pane and applies it to the data.
func (r *liveRoom) applyEvent(ev client.Event, listing bool, b *batch) {
	r.store.gen++
	if ev.InteractionID == "" {
		// The vendor's events do not say: tie it through what it names
		// and what the dashboard has listed (no request).
		ev.InteractionID, _ = r.link.Tie(ev)
	} else {
		r.link.Tie(ev) // learn its snapshot and camera request
	}
	hist := r.isHistory(ev)
	r.noteActivity(ev)
	entry := r.eventEntry(ev)
	defer r.events.Push(entry)
	if hist {
		b.touched(ev.InteractionID, r.store.owner[ev.SnapshotID])
	}
	switch ev.Type {
	case client.EventSnapshotRequested:
		e := r.interactionFor(ev, hist, listing, b)
		if e == nil || ev.SnapshotID == "" {
			return
		}
		if _, row := r.store.row(ev.SnapshotID); row == nil {
			r.store.putEvent(e, record{at: ev.Timestamp, Snapshot: client.Snapshot{
				ID: ev.SnapshotID, Type: ev.SnapshotType, State: client.StateRequested,
				UserID: ev.TargetUserID, UserEndpointID: ev.TargetUserEndpointID,
				RequesterUserID: ev.UserID, InteractionID: e.id,
			}})
		}
	case client.EventSnapshotAcquired:
		r.acquired(ev, hist, listing, b)
	case client.EventSnapshotApproved, client.EventSnapshotDiscarded:
		e, row := r.store.row(ev.SnapshotID)
		if row == nil {
			return
		}
		nr := *row
		if ev.Type == client.EventSnapshotApproved {
			nr.State = client.StateApproved
		} else {
			nr.State = client.StateDiscarded
		}
		if ev.SnapshotType != "" {
			nr.Type = ev.SnapshotType
		}
		r.store.putEvent(e, nr)
	case client.EventSnapshotCameraRequested, client.EventSnapshotCameraRequestProcessed:
		// The device may answer before the server's reply to our command
		// arrives: the correlator keeps the answer until it does.
		if o, ours := r.cam.Event(ev); ours {
			b.answers = append(b.answers, o)
			b.bell = b.bell || !hist
		}
	}
}

// touched notes the interactions a replayed event names, by its own id
// and by its snapshot's owner.
func (b *batch) touched(ids ...string) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		if b.history == nil {
			b.history = map[string]bool{}
		}
		b.history[id] = true
	}
}

// acquired puts a picture in its table at once (resolving the pending
// request) and queues the fetch of its details and the reviewer's notice.
func (r *liveRoom) acquired(ev client.Event, hist, listing bool, b *batch) {
	e := r.interactionFor(ev, hist, listing, b)
	if e == nil {
		// Fetched to find its interaction; not for old history, whose
		// interaction is outside the window (the answer would add it).
		if ev.SnapshotID != "" && !r.beforeWindow(ev, hist) {
			b.orphans = append(b.orphans, ev.SnapshotID)
		}
		return
	}
	_, row := r.store.row(ev.SnapshotID)
	nr := record{Snapshot: client.Snapshot{ID: ev.SnapshotID, Type: ev.SnapshotType,
		State: client.StateUploaded, InteractionID: e.id, RelatedSnapshotID: ev.RelatedSnapshotID}}
	if row != nil {
		nr = *row
		if nr.State == client.StateRequested {
			nr.State = client.StateUploaded
		}
		if ev.SnapshotType != "" {
			nr.Type = ev.SnapshotType
		}
	}
	nr.at = ev.Timestamp
	r.store.putEvent(e, nr)
	if e.listed {
		// A table nobody listed yet gets every detail when it is.
		b.fetch[e.id] = append(b.fetch[e.id], ev.SnapshotID)
	}
	if !hist {
		b.arrived++
		b.lastID, b.lastFrom = ev.SnapshotID, e.title()
		b.bell = true
	}
}

// plan decides the fetches a batch asks for: a few pictures of one
// interaction one by one, more as one listing of its table (after the one
// in flight, which may predate them), and the pictures of no known
// interaction, a bounded number.
func (r *liveRoom) plan(b *batch) {
	for iid, ids := range b.fetch {
		e := r.store.byID[iid]
		switch {
		case e == nil:
		case len(ids) <= fetchEach:
			b.snapshots = append(b.snapshots, ids...)
		case e.loading:
			e.relist = true // after the listing in flight, which may predate them
		default:
			b.tables = append(b.tables, e)
		}
	}
	seen := map[string]bool{}
	for _, id := range b.orphans {
		if !seen[id] && len(seen) < maxOrphans {
			seen[id] = true
			b.snapshots = append(b.snapshots, id)
		}
	}
}

// announce tells the reviewer about new pictures, once per batch however
// many arrived, and rings the bell for them and for the device's answers.
func (r *liveRoom) announce(b *batch) tea.Cmd {
	switch {
	case b.arrived == 1:
		r.status = statusbar.Status{Kind: statusbar.Notice,
			Text: "picture " + short(b.lastID) + " arrived from " + b.lastFrom}
	case b.arrived > 1:
		r.status = statusbar.Status{Kind: statusbar.Notice,
			Text: strconv.Itoa(b.arrived) + " pictures arrived, the last from " + b.lastFrom}
	}
	if b.bell {
		return r.ring()
	}
	return nil
}
