package tui

import (
	"github.com/snapdash/snapdash/views/interactions"
	"github.com/snapdash/snapdash/views/snapshots"
)

// The projections: what the views are given to draw, computed from the
// store (what the server said) and the review operations in flight. Views
// keep only their cursor and scroll.

// interactionItems returns the interactions list's items, in the store's
// order.
func (m *Model) interactionItems() []interactions.Item {
	m.store.sort()
	out := make([]interactions.Item, len(m.store.list))
	for i, e := range m.store.list {
		it := interactions.Item{ID: e.id, Title: e.title(), Count: -1, Waiting: e.waiting(), Awaiting: m.review.awaiting(e),
			Agent: orDefault(e.data.AgentUserID, e.it.CreatedBy)}
		if e.it.CreatedAt != nil {
			it.CreatedAt = *e.it.CreatedAt
		}
		if e.listed || len(e.rows) > 0 {
			it.Count = len(e.rows) - it.Waiting
		}
		out[i] = it
	}
	return out
}

// tableRows returns e's rows as the snapshots table shows them: each with
// its customer named as known now and the operation in flight laid over
// it.
func (m *Model) tableRows(e *ientry) []snapshots.Row {
	ptrs := e.sorted()
	out := make([]snapshots.Row, len(ptrs))
	for i, r := range ptrs {
		out[i] = m.tableRow(e, r)
	}
	return out
}

// tableRow is one row of tableRows.
func (m *Model) tableRow(e *ientry, r *record) snapshots.Row {
	return m.review.lay(snapshots.Row{Snapshot: r.Snapshot, At: r.at, Customer: e.customer(r.Snapshot)})
}
