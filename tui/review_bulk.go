package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/events"
)

// Bulk review (the review room): a and d with snapshots marked ask once,
// counting what they will do ("Approve 3 of 4 marked? (1 is already
// approved)", see review.Ask); each snapshot is approved as its own type
// (so the server and the audit log see it); each outcome is a line of the
// events pane, and when the last answer is in one status line gives the
// totals ("approved 3, refused 1 — see events").

// BulkConfirmed is y to reviewing the marked snapshots that can be.
type BulkConfirmed struct {
	Kind review.Kind
	IDs  []string
	// Types are the snapshots' own types, by id (approvals keep them).
	Types map[string]string
}

// reviewable reports whether snapshot id can be approved or discarded
// now, and when not why, in a few words ("already approved").
func (m *reviewRoom) reviewable(id string) (bool, string) {
	_, rec := m.store.row(id)
	switch {
	case rec == nil:
		return false, "gone"
	case rec.State != client.StateUploaded:
		if rec.State == client.StateRequested {
			return false, "not arrived"
		}
		return false, "already " + stateWord(rec.State)
	}
	if op, busy := m.ops.Pending(id); busy {
		return false, "already " + op.Kind.Progressive()
	}
	return true, ""
}

// openBulk asks once before approving or discarding the marked snapshots
// that can be.
func (m *reviewRoom) openBulk(k review.Kind) tea.Cmd {
	ids := m.markedIDs()
	if len(ids) == 0 {
		return nil
	}
	var ok []string
	types := map[string]string{}
	why := map[string]int{}
	for _, id := range ids {
		if can, w := m.reviewable(id); can {
			ok = append(ok, id)
			if _, rec := m.store.row(id); rec != nil {
				types[id] = rec.Type
			}
		} else {
			why[w]++
		}
	}
	skipped := review.SkippedText(why)
	if len(ok) == 0 {
		m.setStatusInfo(review.NoneCan(k, len(ids), skipped))
		return nil
	}
	q := review.Ask(k, len(ok), len(ids), skipped)
	m.openDialog(&confirmDialog{m: confirm.New(m.st, q.Name, q.Title, q.Text, BulkConfirmed{Kind: k, IDs: ok, Types: types})}, "")
	return nil
}

// bulk sends one operation per snapshot confirmed; each outcome is a line
// of the events pane, the totals the status line (see onBulkReviewed).
func (m *reviewRoom) bulk(b BulkConfirmed) tea.Cmd {
	// Claimed by someone since they were marked: left to them.
	ids, skipped := m.skipClaimed(b.IDs)
	if skipped > 0 {
		m.logEvent(events.Notice, b.Kind.Progressive()+" marked"+review.SkippedNote(skipped))
	}
	if len(ids) == 0 {
		m.setStatusInfo("nothing " + b.Kind.Verb() + ": every marked picture is being reviewed by someone else")
		return nil
	}
	run := review.NewBulk(b.Kind)
	var cmds []tea.Cmd
	for _, id := range ids {
		op := review.Op{Kind: b.Kind, SnapshotID: id}
		if b.Kind == review.Approve {
			op.Type = b.Types[id]
		}
		if cmd := m.review1(op); cmd != nil {
			cmds = append(cmds, cmd)
			run.Sent(id)
		} else {
			run.Refused()
		}
	}
	m.batch = run
	m.progress(run.Progress() + review.SkippedNote(skipped))
	return tea.Batch(cmds...)
}

// onBulkReviewed counts an answer of the bulk review in flight and
// reports whether it was one; the last gives the totals.
func (m *reviewRoom) onBulkReviewed(s review.Settled) bool {
	run := m.batch
	if !run.Settle(s) {
		return false
	}
	id := short(s.Op.SnapshotID)
	if s.Err != nil {
		m.logEvent(events.Error, id+": "+s.Err.Error())
	} else {
		m.logEvent(events.OK, s.Op.Kind.Verb()+" "+id)
	}
	if run.Left() > 0 {
		m.progress(run.Progress())
		return true
	}
	m.batch = nil
	if text, failed := run.Totals(); failed {
		m.fail(errText(text))
	} else {
		m.succeed(text)
	}
	return true
}

// errText is an error that is its text.
type errText string

func (e errText) Error() string { return string(e) }
