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

// JournalLoadedMsg carries the journal's last hours, read for the charts.
type JournalLoadedMsg struct {
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
	// folded is what of the store the fold has: interactions (by id, "")
	// and snapshots (by id, their state), so a rebuild folds only changes.
	folded map[string]client.SnapshotState
}

// journalSee records what msg says happened and feeds the charts. It is
// called for every message, before the message is handled.
func (m *Model) journalSee(msg tea.Msg) {
	js := &m.jstate
	if js.fold == nil {
		js.fold = insight.NewFold()
	}
	if err := m.opts.JournalErr; err != nil && !js.said {
		m.journalFailed(err)
	}
	j := m.opts.Journal
	act := func(a journal.Action, err error) {
		if j == nil {
			return
		}
		a.User = m.opts.Identity.UserID
		if err != nil {
			a.Err = err.Error()
		}
		j.Act(a)
	}
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
		m.store.changes++ // the charts redraw on the watch screen's next tick
	case RequestDoneMsg:
		act(journal.Action{Kind: journal.ActRequest, Interaction: msg.InteractionID, Snapshot: msg.Result.SnapshotID}, msg.Err)
	case review.DoneMsg:
		kind := journal.ActApprove
		if msg.Op.Kind == review.Discard {
			kind = journal.ActDiscard
		}
		act(journal.Action{Kind: kind, Interaction: m.store.owner[msg.Op.SnapshotID], Snapshot: msg.Op.SnapshotID, Detail: msg.Op.Type}, msg.Err)
	case camcorr.SentMsg:
		act(journal.Action{Kind: journal.ActCamera, Snapshot: msg.RequestID, Detail: string(msg.Type)}, msg.Err)
	case UploadDoneMsg:
		act(journal.Action{Kind: journal.ActUpload, Interaction: msg.InteractionID, Snapshot: msg.Result.SnapshotID}, msg.Err)
	case JournalLoadedMsg:
		js.loading, js.loaded = false, true
		if msg.Err == nil && msg.Fold != nil {
			for _, ev := range js.early {
				msg.Fold.Event(ev)
			}
			js.fold = msg.Fold
			js.folded = nil // the new fold has none of the store
		}
		js.early = nil
		m.store.changes++
		if msg.Err != nil {
			m.journalFailed(msg.Err)
		}
	}
	if j != nil && !js.said && m.opts.JournalErr == nil {
		if err := j.Err(); err != nil {
			m.journalFailed(err)
		}
	}
}

// journalFailed says once, in the events pane and the status line, that the
// journal is off; the dashboard goes on without it.
func (m *Model) journalFailed(err error) {
	if m.jstate.said {
		return
	}
	m.jstate.said = true
	text := err.Error() + "; going on without it"
	m.logEvent(events.Error, text)
	m.status = statusbar.Status{Kind: statusbar.Error, Text: text}
}

// loadJournal reads the journal's last hours for the charts, once.
func (m *Model) loadJournal() tea.Cmd {
	js := &m.jstate
	j := m.opts.Journal
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
	ctx := m.ctx
	// A day back, so a picture that arrived before the window and is
	// still awaiting counts in the backlog.
	from := m.opts.Now().Add(-watch.ChartWindow - 24*time.Hour)
	return func() tea.Msg {
		j.Flush()
		f := insight.NewFold()
		_, err := j.Fold(ctx, journal.Filter{From: from}, f)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return JournalLoadedMsg{Fold: f, Err: err}
	}
}

// chartPictures are the charts' pictures: the journal's and this run's
// events, with the listings' word on pictures no event told of.
func (m *Model) chartPictures() []insight.Picture {
	if m.jstate.fold == nil {
		m.jstate.fold = insight.NewFold()
	}
	js := &m.jstate
	if js.folded == nil {
		js.folded = map[string]client.SnapshotState{}
	}
	f := js.fold
	for _, e := range m.store.list {
		if _, done := js.folded["i:"+e.id]; e.haveIt && !done {
			f.Interaction(e.it)
			js.folded["i:"+e.id] = ""
		}
		for _, r := range e.rows {
			if r.State == client.StateRequested || js.folded[r.ID] == r.State {
				continue
			}
			js.folded[r.ID] = r.State
			sn := r.Snapshot
			if sn.InteractionID == "" {
				sn.InteractionID = e.id
			}
			f.Snapshot(sn)
		}
	}
	return f.Pictures()
}
