package tui

import (
	"sort"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/events"
)

// A bulk review counts what it will do: the question names how many of
// the marked snapshots can still be reviewed and why the others cannot
// ("Approve 3 of 4 marked? (1 is already approved)"); each snapshot is
// approved as its own type (so the server and the audit log see it); each
// outcome is a line of the events pane, and when the last answer is in
// one status line gives the totals ("approved 3, refused 1 — see events").

// BulkConfirmed is y to reviewing the marked snapshots that can be.
type BulkConfirmed struct {
	Kind review.Kind
	IDs  []string
	// Types are the snapshots' own types, by id (approvals keep them).
	Types map[string]string
}

// bulkRun is a bulk review waiting for its answers.
type bulkRun struct {
	kind         review.Kind
	left         map[string]bool
	done, failed int
}

// reviewable reports whether snapshot id can be approved or discarded
// now, and when not why, in a few words ("already approved").
func (m *Model) reviewable(id string) (bool, string) {
	_, r := m.store.row(id)
	switch {
	case r == nil:
		return false, "gone"
	case r.State != client.StateUploaded:
		if r.State == client.StateRequested {
			return false, "not arrived"
		}
		return false, "already " + stateWord(r.State)
	}
	if op, busy := m.review.Pending(id); busy {
		return false, "already " + op.Kind.Progressive()
	}
	return true, ""
}

// openBulk asks once before approving or discarding the marked snapshots
// that can be.
func (m *Model) openBulk(k review.Kind) tea.Cmd {
	ids := m.markedIDs()
	if len(ids) == 0 {
		return nil
	}
	verb, name := "Approve", "approve"
	if k == review.Discard {
		verb, name = "Discard", "discard"
	}
	var ok []string
	types := map[string]string{}
	why := map[string]int{}
	for _, id := range ids {
		if can, w := m.reviewable(id); can {
			ok = append(ok, id)
			if _, r := m.store.row(id); r != nil {
				types[id] = r.Type
			}
		} else {
			why[w]++
		}
	}
	skipped := skippedText(why)
	if len(ok) == 0 {
		m.setStatusInfo("none of the " + strconv.Itoa(len(ids)) + " marked can be " + strings.ToLower(verb) + "d (" + skipped + ")")
		return nil
	}
	what := strconv.Itoa(len(ok)) + " marked snapshots"
	if len(ok) == 1 {
		what = "1 marked snapshot"
	}
	if len(ok) < len(ids) {
		what = strconv.Itoa(len(ok)) + " of " + strconv.Itoa(len(ids)) + " marked"
	}
	q := verb + " " + what + "?"
	if skipped != "" {
		q += " (" + skipped + ")"
	}
	if k == review.Discard {
		q += "\nThe customer's pictures will be marked discarded."
	} else {
		q += "\nEach keeps its type."
	}
	m.openDialog(&confirmDialog{m: confirm.New(m.st, name+" marked", verb+" "+what+"?", q, BulkConfirmed{Kind: k, IDs: ok, Types: types})}, "")
	return nil
}

// skippedText says why marked snapshots are left out: "1 is already
// approved, 2 are already discarded".
func skippedText(why map[string]int) string {
	reasons := make([]string, 0, len(why))
	for w := range why {
		reasons = append(reasons, w)
	}
	sort.Strings(reasons)
	parts := make([]string, 0, len(reasons))
	for _, w := range reasons {
		n := why[w]
		verb := " are "
		if n == 1 {
			verb = " is "
		}
		parts = append(parts, strconv.Itoa(n)+verb+w)
	}
	return strings.Join(parts, ", ")
}

// bulk sends one operation per snapshot confirmed; each outcome is a line
// of the events pane, the totals the status line (see onBulkReviewed).
func (m *Model) bulk(b BulkConfirmed) tea.Cmd {
	// Claimed by someone since they were marked: left to them.
	ids, skipped := m.skipClaimed(b.IDs)
	if skipped > 0 {
		m.logEvent(events.Notice, b.Kind.Progressive()+" marked"+skippedNote(skipped))
	}
	if len(ids) == 0 {
		m.setStatusInfo("nothing " + b.Kind.Verb() + ": every marked picture is being reviewed by someone else")
		return nil
	}
	run := &bulkRun{kind: b.Kind, left: map[string]bool{}}
	var cmds []tea.Cmd
	for _, id := range ids {
		op := review.Op{Kind: b.Kind, SnapshotID: id}
		if b.Kind == review.Approve {
			op.Type = b.Types[id]
		}
		if cmd := m.review1(op); cmd != nil {
			cmds = append(cmds, cmd)
			run.left[id] = true
		} else {
			run.failed++
		}
	}
	m.batch = run
	m.progress(b.Kind.Progressive() + " " + strconv.Itoa(len(run.left)) + " snapshots" + skippedNote(skipped))
	return tea.Batch(cmds...)
}

// onBulkReviewed counts an answer of the bulk review in flight and
// reports whether it was one; the last gives the totals.
func (m *Model) onBulkReviewed(s review.Settled) bool {
	run := m.batch
	if run == nil || !run.left[s.Op.SnapshotID] {
		return false
	}
	delete(run.left, s.Op.SnapshotID)
	id := short(s.Op.SnapshotID)
	if s.Err != nil {
		run.failed++
		m.logEvent(events.Error, id+": "+s.Err.Error())
	} else {
		run.done++
		m.logEvent(events.OK, s.Op.Kind.Verb()+" "+id)
	}
	if len(run.left) > 0 {
		m.progress(run.kind.Progressive() + " " + strconv.Itoa(len(run.left)) + " snapshots")
		return true
	}
	m.batch = nil
	text := run.kind.Verb() + " " + strconv.Itoa(run.done)
	if run.failed > 0 {
		text += ", refused " + strconv.Itoa(run.failed) + " — see events"
		m.fail(errText(text))
		return true
	}
	m.succeed(text)
	return true
}

// errText is an error that is its text.
type errText string

func (e errText) Error() string { return string(e) }
