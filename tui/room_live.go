package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	camcorr "github.com/snapdash/snapdash/tui/camera"
	"github.com/snapdash/snapdash/tui/upstream"
	"github.com/snapdash/snapdash/views/header"
)

// liveRoom owns the live events: the stream and its connection state in
// the header (conn.go), every event's trip from the stream into the store
// and the events pane (stream.go, eventline.go), and the journal that keeps
// them for the watch screen's charts (journal.go).
//
// An event's trip: the stream's update arrives as a StreamUpdateMsg; the
// root hands it to onStream (below), which asks the room to read the
// connection state (connect), re-lists if the stream says so, and has the
// room apply the events (apply): each is tied to its interaction (link),
// put in the store, shown in the events pane (eventEntry) and noted for the
// watch screen (lastEvent). What the events ask of the rest of the
// dashboard comes back in a batch the root hands on: interactions and
// snapshots to load, tables to list, the device's answers to our camera
// commands, the replayed tables to start on their newest row. The room then
// says what arrived (announce) and rings the bell. Before any of this,
// journalSee has recorded the events in the journal and the charts.
type liveRoom struct {
	*hub // shared services (hub.go)

	cs     connState            // the stream's condition as the header shows it (conn.go)
	stream upstream.EventStream // the event stream; nil until Init, or with no stream
	// liveSeen is set by the first event that is not replayed history.
	liveSeen  bool
	link      *client.Linker       // ties events that name no interaction
	lastEvent map[string]time.Time // interaction id -> newest event time (the watch screen)
	jstate    journalState         // the journal and the charts (journal.go)

	// cam is the camera's correlator (owned by the camera's feature): the
	// room asks it the type of our commands to name them, and hands it the
	// camera events; the answers to our commands it recognises go back to
	// the root in the batch (the camera's status line is not the room's).
	cam *camcorr.Model
}

// newLiveRoom builds the live room over the shared hub and the camera's
// correlator.
func newLiveRoom(h *hub, cam *camcorr.Model) *liveRoom {
	r := &liveRoom{hub: h, cam: cam, lastEvent: map[string]time.Time{}, link: client.NewOfflineLinker()}
	if h.opts.NoStream {
		r.cs.State, r.cs.Note = header.Offline, "no event stream"
	}
	return r
}

// start opens the event stream (at Init), or says in the header why there
// is none.
func (r *liveRoom) start() tea.Cmd {
	if r.opts.NoStream {
		return nil
	}
	if r.opts.UserEndpointID == "" {
		r.cs.State, r.cs.Note = header.Offline, "no user endpoint"
		return nil
	}
	// Replay: the server's history first, so requests still pending
	// from before the start are shown (the API does not list them).
	so := client.StreamOptions{UserEndpointID: r.opts.UserEndpointID, Replay: true}
	if r.opts.Events != nil {
		r.stream = r.opts.Events(r.ctx, so)
	} else {
		r.stream = r.api.Stream(r.ctx, so)
	}
	return waitStream(r.stream.Updates())
}

// closed notes that the stream ended (the program is stopping).
func (r *liveRoom) closed() {
	r.cs.State, r.cs.Note = header.Offline, "stream closed"
}

// onStream hands one (merged) update of the event stream to the live room
// and does what its events ask of the rest of the dashboard: re-list,
// load what they name, say the device's answers to our camera commands,
// start a table that replayed history filled on its newest row.
func (m *Model) onStream(msg StreamUpdateMsg) tea.Cmd {
	u := msg.Update
	cmds := []tea.Cmd{m.live.connect(u)}
	if u.Resync || u.Relist {
		// Before the events: a re-list changes what they ask for.
		cmds = append(cmds, m.lists.resync())
	}
	b := m.live.apply(u.Events, m.lists.listing)
	for _, o := range b.answers {
		m.cam.outcome(o)
	}
	if !m.snapsMoved && m.selected != "" && b.history[m.selected] {
		m.topPending = true // history fills the table: start on its newest row
	}
	for _, id := range b.interactions {
		cmds = append(cmds, m.lists.loadInteraction(id))
	}
	for _, id := range b.snapshots {
		cmds = append(cmds, m.lists.loadSnapshot(id))
	}
	for _, e := range b.tables {
		cmds = append(cmds, m.lists.listSnapshots(e))
	}
	cmds = append(cmds, m.live.announce(b), m.lists.ensureSelection())
	return tea.Batch(cmds...)
}
