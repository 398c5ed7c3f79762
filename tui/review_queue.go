package tui

import (
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/review"
)

// The review queue (part of the review room): every snapshot awaiting
// review (uploaded, and no approval or discard on its way), across every
// interaction, in the interactions' order and each table's order. n and N
// walk it.

// awaitsReview reports whether r awaits the reviewer.
func (m *reviewRoom) awaitsReview(r *record) bool {
	if r.State != client.StateUploaded {
		return false
	}
	_, busy := m.ops.Pending(r.ID)
	return !busy
}

// awaiting counts the snapshots of e awaiting review.
func (m *reviewRoom) awaiting(e *ientry) int {
	n := 0
	for _, r := range e.rows {
		if m.awaitsReview(r) {
			n++
		}
	}
	return n
}

// awaitingTotal counts every snapshot awaiting review, for the header.
func (m *reviewRoom) awaitingTotal() int {
	n := 0
	for _, e := range m.store.list {
		n += m.awaiting(e)
	}
	return n
}

// queuePos is one place in the queue.
type queuePos struct{ iid, sid string }

// queueStep selects the next (dir 1) or previous (dir -1) snapshot
// awaiting review after the selection, wrapping around, opening its
// interaction.
func (m *reviewRoom) queueStep(dir int) tea.Cmd {
	m.store.sort()
	var all []queuePos
	pos := -1 // the selection's place, or just before its interaction's rows
	cur, _ := m.selectedRow()
	sel := m.selected
	for _, e := range m.store.list {
		if e.id == sel && pos < 0 {
			pos = len(all) - 1
		}
		for _, rec := range e.sorted() {
			if e.id == sel && rec.ID == cur.Snapshot.ID {
				pos = len(all)
			}
			all = append(all, queuePos{e.id, rec.ID})
		}
	}
	n := len(all)
	waiting := 0
	for _, q := range all {
		if _, rec := m.store.row(q.sid); rec != nil && m.awaitsReview(rec) {
			waiting++
		}
	}
	if waiting == 0 {
		msg := "nothing awaits review"
		if k := m.store.unlisted(); k > 0 {
			msg += " (still listing " + strconv.Itoa(k) + " interactions)"
		}
		m.setStatusInfo(msg)
		return nil
	}
	if dir < 0 && pos < 0 {
		pos = 0
	}
	for k := 1; k <= n; k++ {
		i := ((pos+dir*k)%n + n) % n
		q := all[i]
		_, rec := m.store.row(q.sid)
		if rec == nil || !m.awaitsReview(rec) || m.claimedByOther(q.sid) {
			continue
		}
		cmd := m.reveal(q.iid, q.sid)
		m.setStatusInfo(strconv.Itoa(waiting) + " awaiting review")
		m.team.stepped = dir
		return cmd
	}
	m.setStatusInfo(strconv.Itoa(waiting) + " awaiting review, every one being reviewed by someone else")
	return nil
}

// unlisted counts the interactions whose snapshots are not known yet.
func (s *store) unlisted() int {
	n := 0
	for _, e := range s.list {
		if !e.listed && e.err == nil {
			n++
		}
	}
	return n
}

// Marks: the snapshots picked for a bulk review, in the selected
// interaction. Switching interaction clears them, so a bulk action never
// reaches rows the reviewer cannot see.

// toggleMark marks or unmarks the selected snapshot.
func (m *reviewRoom) toggleMark() {
	r, ok := m.selectedRow()
	if !ok {
		return
	}
	id := r.Snapshot.ID
	if m.marks[id] {
		delete(m.marks, id)
	} else if who := m.holderName(id); who != "" {
		m.setStatusInfo(who + " is reviewing this picture; it was not marked")
		return
	} else if _, rec := m.store.row(id); rec != nil && m.awaitsReview(rec) {
		m.marks[id] = true
	} else {
		m.setStatusInfo("only a picture awaiting review can be marked")
		return
	}
	m.store.bump(id)
	m.moveOn() // as in lazygit and mutt: mark and move on
	m.setStatusInfo(strconv.Itoa(len(m.marks)) + " marked · a approves them, d discards them, esc unmarks")
}

// markShown marks every snapshot awaiting review that the table shows;
// when they all are marked already, it unmarks them.
func (m *reviewRoom) markShown() {
	var ids []string
	for _, r := range m.shownRows() {
		if _, rec := m.store.row(r.Snapshot.ID); rec != nil && m.awaitsReview(rec) {
			ids = append(ids, r.Snapshot.ID)
		}
	}
	ids, skipped := m.skipClaimed(ids)
	all := len(ids) > 0
	for _, id := range ids {
		all = all && m.marks[id]
	}
	for _, id := range ids {
		if all {
			delete(m.marks, id)
		} else {
			m.marks[id] = true
		}
		m.store.bump(id)
	}
	switch {
	case len(ids) == 0 && skipped > 0:
		m.setStatusInfo("every picture shown awaiting review is being reviewed by someone else")
	case len(ids) == 0:
		m.setStatusInfo("nothing shown awaits review")
	case all:
		m.setStatusInfo("unmarked " + strconv.Itoa(len(ids)) + review.SkippedNote(skipped))
	default:
		m.setStatusInfo(strconv.Itoa(len(m.marks)) + " marked · a approves them, d discards them, esc unmarks" + review.SkippedNote(skipped))
	}
}

// clearMarks unmarks everything.
func (m *reviewRoom) clearMarks() {
	for id := range m.marks {
		delete(m.marks, id)
		m.store.bump(id)
	}
}

// markedIDs returns the marked snapshots in the table's order.
func (m *reviewRoom) markedIDs() []string {
	var ids []string
	if e := m.store.byID[m.selected]; e != nil {
		for _, r := range e.sorted() {
			if m.marks[r.ID] {
				ids = append(ids, r.ID)
			}
		}
	}
	return ids
}
