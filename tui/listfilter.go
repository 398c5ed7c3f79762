package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/views/filter"
)

// filterTarget is the list `/` filters: the one with the focus.
type filterTarget int

const (
	filterSnapshots filterTarget = iota
	filterInteractions
	filterWatch
)

// openFilter opens the `/` line on the focused list: the interactions
// pane by customer, id and agent; the snapshots table by type, state, id
// and customer; the watch table by customer.
func (m *Model) openFilter() tea.Cmd {
	switch {
	case m.screen == screenWatch:
		m.filterOn = filterWatch
	case m.focus == focusInteractions:
		m.filterOn = filterInteractions
	default:
		m.filterOn = filterSnapshots
		if m.focus != focusSnapshots {
			m.setFocus(focusSnapshots)
		}
	}
	f, cmd := filter.NewFor(m.st, m.filterSpec()).Open(m.shownFilter().String())
	f.SetWidth(m.width)
	m.openDialog(&filterDialog{m: f, changed: func(v string) {
		if v != m.shownFilter().String() {
			m.setFilter(v)
		}
	}}, "")
	return cmd
}

func (m *Model) filterSpec() filter.Spec {
	switch m.filterOn {
	case filterInteractions:
		return filter.InteractionsSpec()
	case filterWatch:
		return filter.WatchSpec()
	}
	return filter.SnapshotsSpec()
}

// shownFilter is the target list's filter now.
func (m *Model) shownFilter() filter.Query {
	switch m.filterOn {
	case filterInteractions:
		return m.inter.Filter()
	case filterWatch:
		return m.watch.table.Filter()
	}
	return m.snaps.Filter()
}

// setFilter filters the target list by s (a filter expression), and says
// in the status line when it names a term the list does not know.
func (m *Model) setFilter(s string) {
	q := filter.ParseFor(m.filterSpec(), s)
	switch m.filterOn {
	case filterInteractions:
		before, _ := m.inter.Selected()
		m.inter.SetFilter(q)
		if after, ok := m.inter.Selected(); ok && after.ID != before.ID {
			m.pendingSelect = after.ID
		}
	case filterWatch:
		m.watch.table.SetFilter(q)
	default:
		m.snaps.SetFilter(q)
	}
	if w := q.Warning(); w != "" {
		m.setStatusInfo(w)
	}
}

// clearFilter clears the focused list's filter; false when it had none.
func (m *Model) clearFilter() bool {
	prev := m.filterOn
	switch {
	case m.screen == screenWatch:
		m.filterOn = filterWatch
	case m.focus == focusInteractions:
		m.filterOn = filterInteractions
	default:
		m.filterOn = filterSnapshots
	}
	if m.shownFilter().Empty() {
		m.filterOn = prev
		return false
	}
	m.setFilter("")
	return true
}
