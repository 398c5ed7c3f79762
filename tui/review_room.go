package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/approve"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/requestform"
	"github.com/snapdash/snapdash/views/snapshots"
)

// The review room: approving and discarding a snapshot, bulk review of the
// marked ones, the review queue (n, N) and the team's claims. Its state is
// the reviewRoom's fields; its keys, its dialogs and their answers, its
// calls to the server, their results and its status lines are its
// methods:
//
//	review_room.go    the room; approve and discard one snapshot; answers
//	review_bulk.go    bulk review of the marked snapshots
//	review_queue.go   the review queue (n, N) and the marks
//	review_claims.go  team review claims
//	can.go            the rule every action asks before it runs
//
// What needs no type of this package is in tui/review: the operations in
// flight (tasks of hub.tasks), the bulk review's tally and its words.

// reviewRoom owns approve, discard and bulk review, the marks, the review
// queue and the team's claims.
type reviewRoom struct {
	*hub       // shared services (hub.go)
	reviewRoot // what it reads of the root and asks of it

	ops   *review.Model   // sends approvals and discards; each in flight is a task of hub.tasks
	marks map[string]bool // snapshots picked for a bulk review
	batch *review.Bulk    // the bulk review in flight, nil when none
	// toReview counts the snapshots awaiting review, for the header;
	// recount updates it when the store changed (at counted).
	toReview int
	counted  uint64
	team     teamState // team review claims (review_claims.go)
}

// reviewRoot is what the review room needs of the root, which fills it in
// New: its selection and table to read, and two moves to ask of it.
type reviewRoot struct {
	// selectedRow is the snapshot under the table's cursor.
	selectedRow func() (snapshots.Row, bool)
	// shownRows are the rows the table shows, as filtered, in its order.
	shownRows func() []snapshots.Row
	// moveOn moves the table's cursor down one row, as the reviewer's own
	// move (a mark moves on, as in lazygit and mutt).
	moveOn func()
	// reveal opens interaction iid with snapshot sid under the table's
	// cursor, the table focused (n and N).
	reveal func(iid, sid string) tea.Cmd
	// opened reports whether the row under the cursor is one the reviewer
	// opened on the main screen (n, N, a key, a click: not the row the
	// table starts on) and the dashboard is not quitting; only such a row
	// is claimed.
	opened func() bool
}

// newReviewRoom opens the review room on the shared services h.
func newReviewRoom(h *hub, root reviewRoot) *reviewRoom {
	return &reviewRoom{
		hub: h, reviewRoot: root,
		ops:   review.New(h.ctx, h.api, h.opts.UserEndpointID, &h.tasks),
		marks: map[string]bool{},
	}
}

// DiscardConfirmed is y to the discard question: discard ID.
type DiscardConfirmed struct{ ID string }

// ApproveSubmitted is enter in the approve dialog: approve ID, with Type
// overriding the snapshot type when it differs from Was, the type shown.
type ApproveSubmitted struct{ ID, Type, Was string }

// answer acts on the answer of one of the room's dialogs; ok is false
// when res is another room's.
func (m *reviewRoom) answer(res dialog.Result) (cmd tea.Cmd, ok bool) {
	switch a := res.(type) {
	case dialog.Closed:
		if a.Name != "discard" && a.Name != "approve" {
			return nil, false
		}
		m.setStatusInfo(a.Name + " cancelled")
	case DiscardConfirmed:
		return m.review1(review.Op{Kind: review.Discard, SnapshotID: a.ID}), true
	case ApproveSubmitted:
		typ := strings.TrimSpace(a.Type)
		if typ == a.Was {
			typ = ""
		}
		return m.review1(review.Op{Kind: review.Approve, SnapshotID: a.ID, Type: typ}), true
	case BulkConfirmed:
		return m.bulk(a), true
	case ClaimOverride:
		return m.onClaimOverride(a), true
	default:
		return nil, false
	}
	return nil, true
}

// reviewKey approves or discards: the marked snapshots when any, else the
// selected one.
func (m *reviewRoom) reviewKey(v review.Kind) tea.Cmd {
	if len(m.marks) > 0 {
		return m.openBulk(v)
	}
	if v == review.Approve {
		return m.openApprove()
	}
	return m.openDiscard()
}

// openApprove asks y/N to approve as the snapshot's type; t in the
// question picks another type (see views/approve).
func (m *reviewRoom) openApprove() tea.Cmd {
	if !m.allowed(actApprove) || m.claimGuard(review.Approve) {
		return nil
	}
	row, _ := m.selectedRow()
	id, was := row.Snapshot.ID, sanitize.Line(row.Snapshot.Type)
	m.openDialog(&approveDialog{viewDialog[approve.Model]{m: approve.New(m.st, id, was, requestform.Types(),
		func(typ string) dialog.Result { return ApproveSubmitted{ID: id, Type: typ, Was: was} })}}, id)
	return nil
}

// openDiscard asks y/N before discarding.
func (m *reviewRoom) openDiscard() tea.Cmd {
	if !m.allowed(actDiscard) || m.claimGuard(review.Discard) {
		return nil
	}
	row, _ := m.selectedRow()
	q := "Discard snapshot " + row.Snapshot.ID
	if row.Snapshot.Type != "" {
		q += " (" + row.Snapshot.Type + ")"
	}
	m.openDialog(&confirmDialog{m: confirm.New(m.st, "discard", "Discard snapshot?", q+"?\nThe customer's picture will be marked discarded.",
		DiscardConfirmed{ID: row.Snapshot.ID})}, row.Snapshot.ID)
	return nil
}

// review1 sends one review operation, if the snapshot may still be
// reviewed; the table shows it in flight until the server answers.
func (m *reviewRoom) review1(op review.Op) tea.Cmd {
	a := actApprove
	if op.Kind == review.Discard {
		a = actDiscard
	}
	if ok, why := m.canOn(a, "", op.SnapshotID); !ok {
		if m.marks[op.SnapshotID] {
			// One of a bulk review: its own line says why it was skipped.
			m.logEvent(events.Error, short(op.SnapshotID)+": "+why)
		}
		m.setStatusInfo(why)
		return nil
	}
	cmd, ok := m.ops.Start(op)
	if !ok {
		return nil
	}
	m.store.bump(op.SnapshotID)
	m.progress(op.Kind.Progressive() + " " + short(op.SnapshotID))
	return cmd
}

// onDone settles the server's answer to a review operation.
func (m *reviewRoom) onDone(msg review.DoneMsg) tea.Cmd {
	if s, ok := m.ops.Update(msg); ok {
		return m.onReviewed(s)
	}
	return nil
}

// onReviewed settles a review operation. The store changes only when the
// server accepted it, as its event would; a refusal leaves the row as the
// server last said.
func (m *reviewRoom) onReviewed(s review.Settled) tea.Cmd {
	id := s.Op.SnapshotID
	inBulk := m.onBulkReviewed(s) // its status line is the totals
	if s.Err != nil {
		m.store.bump(id)                          // a marked one stays marked
		if !inBulk || client.IsForbidden(s.Err) { // a 403 turns actions off
			m.fail(s.Err)
		}
		return nil
	}
	delete(m.marks, id)
	if e, rec := m.store.row(id); rec != nil {
		m.store.gen++
		nr := *rec
		nr.State = s.Op.Kind.State()
		if s.Op.Type != "" {
			nr.Type = s.Op.Type
		}
		m.store.putEvent(e, nr)
	}
	if !inBulk {
		m.succeed(s.Op.Kind.Verb() + " " + short(id))
	}
	return nil
}

// lay lays the room's state over a row of the table: the operation in
// flight on it, its mark, and who else is reviewing it.
func (m *reviewRoom) lay(row snapshots.Row) snapshots.Row {
	id := row.Snapshot.ID
	row.Snapshot, row.Op = m.ops.Overlay(row.Snapshot)
	row.Marked, row.Holder = m.marks[id], m.holderName(id)
	return row
}

// recount counts the snapshots awaiting review again when the store
// changed since the last count.
func (m *reviewRoom) recount() {
	if m.store.changes != m.counted {
		m.toReview, m.counted = m.awaitingTotal(), m.store.changes
	}
}
