package tui

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/insight"
	"github.com/snapdash/snapdash/internal/journal"
	camcorr "github.com/snapdash/snapdash/tui/camera"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/statusbar"
	"github.com/snapdash/snapdash/views/watch"
)

// The dashboard's side of the journal (package internal/journal): every
// event received and every action's result is recorded, and the watch
// screen's charts are the journal's last hours plus what arrived since.
// Options.Journal nil records nothing and charts only this run.

// Journal keeps what the dashboard sees and does and gives back the last
// hours for the watch screen's charts. NewJournal adapts snapdash's journal
// (package internal/journal); a Journal must never block.
type Journal interface {
	// Record queues events to keep; replays are kept once.
	Record(events []client.Event)
	// Act queues an action's result to keep.
	Act(a JournalAction)
	// Events returns the events kept since a time (what was queued
	// before the call included).
	Events(ctx context.Context, since time.Time) ([]client.Event, error)
	// Err is the failure that turned the journal off, or nil.
	Err() error
}

// JournalAction is one action's result as the journal keeps it.
type JournalAction struct {
	// Kind is "request", "approve", "discard", "camera" or "upload".
	Kind string
	// Interaction and Snapshot name what was acted on; Detail is the
	// snapshot type or the camera command; User who acted; Err the
	// server's refusal ("" when accepted).
	Interaction, Snapshot, Detail, User, Err string
}

// NewJournal adapts an open journal to the dashboard.
func NewJournal(j *journal.Journal) Journal { return journalAdapter{j} }

type journalAdapter struct{ j *journal.Journal }

func (a journalAdapter) Record(evs []client.Event) { a.j.Record(evs) }
func (a journalAdapter) Err() error                { return a.j.Err() }
func (a journalAdapter) Dropped() int64            { return a.j.Dropped() }

func (a journalAdapter) Act(x JournalAction) {
	a.j.Act(journal.Action{Kind: x.Kind, Interaction: x.Interaction, Snapshot: x.Snapshot, Detail: x.Detail,
		User: x.User, Err: x.Err})
}

func (a journalAdapter) Events(ctx context.Context, since time.Time) ([]client.Event, error) {
	a.j.Flush()
	var out []client.Event
	err := a.j.Events(ctx, journal.Filter{From: since}, func(ev client.Event) { out = append(out, ev) })
	return out, err
}

// journalLoadedMsg carries the journal's last hours, read for the charts.
type journalLoadedMsg struct {
	Fold *insight.Fold
	Err  error
}

// journalState is the dashboard's journal bookkeeping.
type journalState struct {
	fold    *insight.Fold  // the charts' pictures
	loading bool           // the journal is being read
	loaded  bool           // it was read (or there is none)
	early   []client.Event // events that came while it was read
	said    bool           // its failure was said
	behind  bool           // that it dropped what it could not keep up with was said
	// folded is what of the store the fold has: interactions (by id, "")
	// and snapshots (by id, their state), so a rebuild folds only changes.
	folded map[string]client.SnapshotState
}

// journalSee records what msg says happened and feeds the charts. It is
// called for every message, before the message is handled.
func (r *liveRoom) journalSee(msg tea.Msg) {
	js := &r.jstate
	if js.fold == nil {
		js.fold = insight.NewFold()
	}
	if err := r.opts.JournalErr; err != nil && !js.said {
		r.journalFailed(err)
	}
	j := r.opts.Journal
	switch msg := msg.(type) {
	case StreamUpdateMsg:
		evs := msg.Update.Events
		if len(evs) == 0 {
			break
		}
		if j != nil {
			j.Record(evs)
		}
		for _, ev := range evs {
			js.fold.Event(ev)
		}
		if js.loading {
			js.early = append(js.early, evs...)
		}
		r.store.changes++ // the charts redraw on the watch screen's next tick
	case journalLoadedMsg:
		r.journalLoaded(msg)
	default:
		if a, refusal, ok := r.journalAction(msg); ok && j != nil {
			a.User = r.opts.Identity.UserID
			if refusal != nil {
				a.Err = refusal.Error()
			}
			j.Act(a)
		}
	}
	if j != nil && !js.said && r.opts.JournalErr == nil {
		if err := j.Err(); err != nil {
			r.journalFailed(err)
		}
	}
	r.journalBehind(j)
}

// journalBehind says once, in the events pane, that the journal dropped
// what it could not keep up with (a Journal that counts its drops, as the
// one NewJournal adapts does); the dashboard is never slowed for it.
func (r *liveRoom) journalBehind(j Journal) {
	d, ok := j.(interface{ Dropped() int64 })
	if !ok || r.jstate.behind || d.Dropped() == 0 {
		return
	}
	r.jstate.behind = true
	r.logEvent(events.Error, "the journal cannot keep up (a slow or busy disk): some events and actions are not kept")
}

// journalAction is the action's result msg answers, as the journal keeps
// it, and the server's refusal; ok is false when msg answers no action.
func (r *liveRoom) journalAction(msg tea.Msg) (a JournalAction, refusal error, ok bool) {
	switch msg := msg.(type) {
	case RequestDoneMsg:
		return JournalAction{Kind: journal.ActRequest, Interaction: msg.InteractionID, Snapshot: msg.Result.SnapshotID}, msg.Err, true
	case review.DoneMsg:
		kind := journal.ActApprove
		if msg.Op.Kind == review.Discard {
			kind = journal.ActDiscard
		}
		return JournalAction{Kind: kind, Interaction: r.store.owner[msg.Op.SnapshotID], Snapshot: msg.Op.SnapshotID, Detail: msg.Op.Type}, msg.Err, true
	case camcorr.SentMsg:
		return JournalAction{Kind: journal.ActCamera, Snapshot: msg.RequestID, Detail: string(msg.Type)}, msg.Err, true
	case UploadDoneMsg:
		return JournalAction{Kind: journal.ActUpload, Interaction: msg.InteractionID, Snapshot: msg.Result.SnapshotID}, msg.Err, true
	}
	return JournalAction{}, nil, false
}

// journalLoaded takes the journal's last hours for the charts, with the
// events that came while it was read.
func (r *liveRoom) journalLoaded(msg journalLoadedMsg) {
	js := &r.jstate
	js.loading, js.loaded = false, true
	if msg.Err == nil && msg.Fold != nil {
		for _, ev := range js.early {
			msg.Fold.Event(ev)
		}
		js.fold = msg.Fold
		js.folded = nil // the new fold has none of the store
	}
	js.early = nil
	r.store.changes++
	if msg.Err != nil {
		r.journalFailed(msg.Err)
	}
}

// journalFailed says once, in the events pane and the status line, that the
// journal is off; the dashboard goes on without it.
func (r *liveRoom) journalFailed(err error) {
	if r.jstate.said {
		return
	}
	r.jstate.said = true
	text := err.Error() + "; going on without it"
	r.logEvent(events.Error, text)
	r.status = statusbar.Status{Kind: statusbar.Error, Text: text}
}

// loadJournal reads the journal's last hours for the charts, once.
func (r *liveRoom) loadJournal() tea.Cmd {
	js := &r.jstate
	j := r.opts.Journal
	if js.loading || js.loaded {
		return nil
	}
	if j == nil {
		js.loaded = true
		return nil
	}
	if err := j.Err(); err != nil {
		js.loaded = true
		return nil
	}
	js.loading = true
	ctx := r.ctx
	// A day back, so a picture that arrived before the window and is
	// still awaiting counts in the backlog.
	from := r.opts.Now().Add(-watch.ChartWindow - 24*time.Hour)
	return func() tea.Msg {
		evs, err := j.Events(ctx, from)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		f := insight.NewFold()
		for _, ev := range evs {
			f.Event(ev)
		}
		return journalLoadedMsg{Fold: f, Err: err}
	}
}

// chartPictures are the charts' pictures: the journal's and this run's
// events, with the listings' word on pictures no event told of.
func (r *liveRoom) chartPictures() []insight.Picture {
	if r.jstate.fold == nil {
		r.jstate.fold = insight.NewFold()
	}
	js := &r.jstate
	if js.folded == nil {
		js.folded = map[string]client.SnapshotState{}
	}
	f := js.fold
	for _, e := range r.store.list {
		if _, done := js.folded["i:"+e.id]; e.haveIt && !done {
			f.Interaction(e.it)
			js.folded["i:"+e.id] = ""
		}
		for _, row := range e.rows {
			if row.State == client.StateRequested || js.folded[row.ID] == row.State {
				continue
			}
			js.folded[row.ID] = row.State
			sn := row.Snapshot
			if sn.InteractionID == "" {
				sn.InteractionID = e.id
			}
			f.Snapshot(sn)
		}
	}
	return f.Pictures()
}
