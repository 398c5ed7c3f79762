package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/header"
	"github.com/snapdash/snapdash/views/statusbar"
	"strconv"
)

// fetchEach is the most snapshots of one interaction a batch fetches one by
// one; beyond, the interaction is listed once instead.
const fetchEach = 3

// maxOrphans bounds the fetches of one batch for snapshots whose
// interaction is unknown.
const maxOrphans = 32

// batch collects what the events of one stream update ask for, so that a
// burst costs one redraw, at most one request per interaction and one bell.
type batch struct {
	cmds     []tea.Cmd
	fetch    map[string][]string // interaction id -> acquired snapshot ids
	orphans  []string            // acquired snapshots of no known interaction
	arrived  int                 // pictures that arrived live
	lastID   string
	lastFrom string
	bell     bool
}

func (b *batch) add(cmd tea.Cmd) {
	if cmd != nil {
		b.cmds = append(b.cmds, cmd)
	}
}

// onStream applies one (merged) update of the event stream.
func (m *Model) onStream(msg StreamUpdateMsg) tea.Cmd {
	u := msg.Update
	var cmds []tea.Cmd
	if m.stream != nil {
		cmds = append(cmds, waitStream(m.stream.Updates()))
	}
	cmds = append(cmds, m.setConn(u))
	if u.Resync {
		// A resync comes before the events replayed after it (the usual
		// case: reconnect, resync, replay), so its line goes first.
		if m.cs.conn != header.Polling {
			m.logEvent(events.Event, "resync: the server could not replay every event; re-listing")
		}
		cmds = append(cmds, m.resync())
	} else if u.Relist {
		// MQTT brings only this endpoint's events: the rest of the
		// organization is re-listed on the stream's timer.
		cmds = append(cmds, m.resync())
	}
	b := &batch{fetch: map[string][]string{}}
	for _, ev := range u.Events {
		m.applyEvent(ev, b)
	}
	cmds = append(cmds, m.finishBatch(b))
	return tea.Batch(cmds...)
}

// isHistory reports whether ev happened before the dashboard started (the
// replay at start, as the stream marks it: no clock is compared): it is
// shown and applied, but rings no bell and leaves the status line alone.
// Once a live event was seen, none is history.
func (m *Model) isHistory(ev client.Event) bool {
	if m.liveSeen {
		return false
	}
	if ev.History {
		return true
	}
	m.liveSeen = true
	return false
}

// interactionFor finds (or creates) the interaction an event belongs to.
// During the replay at start its details wait for the interaction list,
// which usually has them, instead of one request per interaction.
//
// Replayed history older than the --since window names interactions the
// dashboard did not ask for: it updates those it shows but adds none.
func (m *Model) interactionFor(ev client.Event, hist bool) (*ientry, tea.Cmd) {
	if ev.InteractionID != "" {
		if m.beforeWindow(ev, hist) {
			return m.store.byID[ev.InteractionID], nil
		}
		e, created := m.store.ensure(ev.InteractionID, ev.Timestamp)
		switch {
		case !created:
			return e, nil
		case hist && m.listing:
			e.wantIt = true
			return e, nil
		}
		return e, m.loadInteraction(ev.InteractionID)
	}
	if e, _ := m.store.row(ev.SnapshotID); e != nil {
		return e, nil
	}
	return nil, nil
}

// beforeWindow reports whether ev is replayed history older than the
// --since window the interactions are listed for.
func (m *Model) beforeWindow(ev client.Event, hist bool) bool {
	return hist && !ev.Timestamp.IsZero() && ev.Timestamp.Before(m.opts.Now().Add(-m.opts.Since))
}

// noteActivity records when an interaction last had an event (watch).
func (m *Model) noteActivity(ev client.Event) {
	id := ev.InteractionID
	if id == "" {
		id = m.store.owner[ev.SnapshotID]
	}
	if id != "" && ev.Timestamp.After(m.lastEvent[id]) {
		m.lastEvent[id] = ev.Timestamp
		m.store.changes++
	}
}

// applyEvent shows an event in the events pane and applies it to the data.
func (m *Model) applyEvent(ev client.Event, b *batch) {
	m.store.gen++
	if ev.InteractionID == "" {
		// The vendor's events do not say: tie it through what it names
		// and what the dashboard has listed (no request).
		ev.InteractionID, _ = m.link.Tie(ev)
	} else {
		m.link.Tie(ev) // learn its snapshot and camera request
	}
	hist := m.isHistory(ev)
	m.noteActivity(ev)
	entry := m.eventEntry(ev)
	defer m.events.Push(entry)
	if hist && !m.snapsMoved && m.selected != "" &&
		(ev.InteractionID == m.selected || m.store.owner[ev.SnapshotID] == m.selected) {
		m.topPending = true // history fills the table: start on its newest row
	}
	switch ev.Type {
	case client.EventSnapshotRequested:
		e, cmd := m.interactionFor(ev, hist)
		b.add(cmd)
		if e == nil || ev.SnapshotID == "" {
			return
		}
		if _, r := m.store.row(ev.SnapshotID); r == nil {
			m.store.putEvent(e, record{at: ev.Timestamp, Snapshot: client.Snapshot{
				ID: ev.SnapshotID, Type: ev.SnapshotType, State: client.StateRequested,
				UserID: ev.TargetUserID, UserEndpointID: ev.TargetUserEndpointID,
				RequesterUserID: ev.UserID, InteractionID: e.id,
			}})
		}
	case client.EventSnapshotAcquired:
		m.acquired(ev, hist, b)
	case client.EventSnapshotApproved, client.EventSnapshotDiscarded:
		e, r := m.store.row(ev.SnapshotID)
		if r == nil {
			return
		}
		nr := *r
		if ev.Type == client.EventSnapshotApproved {
			nr.State = client.StateApproved
		} else {
			nr.State = client.StateDiscarded
		}
		if ev.SnapshotType != "" {
			nr.Type = ev.SnapshotType
		}
		m.store.putEvent(e, nr)
	case client.EventSnapshotCameraRequested, client.EventSnapshotCameraRequestProcessed:
		// The device may answer before the server's reply to our command
		// arrives: the correlator keeps the answer until it does.
		if o, ours := m.cam.Event(ev); ours {
			m.cam.outcome(o)
			b.bell = b.bell || !hist
		}
	}
}

// acquired puts a picture in its table at once (resolving the pending
// request) and queues the fetch of its details and the reviewer's notice.
func (m *Model) acquired(ev client.Event, hist bool, b *batch) {
	e, cmd := m.interactionFor(ev, hist)
	b.add(cmd)
	if e == nil {
		// Fetched to find its interaction; not for old history, whose
		// interaction is outside the window (the answer would add it).
		if ev.SnapshotID != "" && !m.beforeWindow(ev, hist) {
			b.orphans = append(b.orphans, ev.SnapshotID)
		}
		return
	}
	_, r := m.store.row(ev.SnapshotID)
	nr := record{Snapshot: client.Snapshot{ID: ev.SnapshotID, Type: ev.SnapshotType,
		State: client.StateUploaded, InteractionID: e.id, RelatedSnapshotID: ev.RelatedSnapshotID}}
	if r != nil {
		nr = *r
		if nr.State == client.StateRequested {
			nr.State = client.StateUploaded
		}
		if ev.SnapshotType != "" {
			nr.Type = ev.SnapshotType
		}
	}
	nr.at = ev.Timestamp
	m.store.putEvent(e, nr)
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

// finishBatch sends the fetches a batch asked for and tells the reviewer
// about new pictures, once per batch however many arrived.
func (m *Model) finishBatch(b *batch) tea.Cmd {
	cmds := b.cmds
	for iid, ids := range b.fetch {
		e := m.store.byID[iid]
		switch {
		case e == nil:
		case len(ids) <= fetchEach:
			for _, id := range ids {
				cmds = append(cmds, m.loadSnapshot(id))
			}
		case e.loading:
			e.relist = true // after the listing in flight, which may predate them
		default:
			cmds = append(cmds, m.listSnapshots(e))
		}
	}
	seen := map[string]bool{}
	for _, id := range b.orphans {
		if !seen[id] && len(seen) < maxOrphans {
			seen[id] = true
			cmds = append(cmds, m.loadSnapshot(id))
		}
	}
	switch {
	case b.arrived == 1:
		m.status = statusbar.Status{Kind: statusbar.Notice,
			Text: "picture " + short(b.lastID) + " arrived from " + b.lastFrom}
	case b.arrived > 1:
		m.status = statusbar.Status{Kind: statusbar.Notice,
			Text: strconv.Itoa(b.arrived) + " pictures arrived, the last from " + b.lastFrom}
	}
	if b.bell {
		cmds = append(cmds, m.ring())
	}
	cmds = append(cmds, m.ensureSelection())
	return tea.Batch(cmds...)
}

// ring rings the terminal bell when asked to.
func (m *Model) ring() tea.Cmd {
	out := m.opts.Output
	if !m.opts.Bell || out == nil {
		return nil
	}
	return func() tea.Msg {
		_, _ = out.Write([]byte{'\a'})
		return nil
	}
}
