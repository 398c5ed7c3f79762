package tui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/tui/recent"
)

// The recently opened interactions (the lists room's, room_lists.go): read
// from StateDir at start, each added to the store (and its details asked
// for) so they are listed with the rest, written again whenever the
// reviewer opens one or the server forgets one. tui/recent holds the file
// and the list's rules.

// loadRecent reads the recently opened interactions.
func (r *listsRoom) loadRecent() tea.Cmd {
	dir := r.opts.StateDir
	if dir == "" {
		return nil
	}
	return func() tea.Msg {
		ids, err := recent.Read(dir)
		return RecentLoadedMsg{IDs: ids, Err: err}
	}
}

func (r *listsRoom) onRecent(msg RecentLoadedMsg) tea.Cmd {
	if msg.Err != nil {
		r.setStatusInfo("recent interactions not read: " + msg.Err.Error())
		return nil
	}
	var cmds []tea.Cmd
	for _, id := range msg.IDs {
		if id == "" || slices.Contains(r.recent, id) {
			continue
		}
		r.recent = append(r.recent, id)
		if _, created := r.store.ensure(id, r.opts.Now().Add(-r.opts.Since)); created {
			cmds = append(cmds, r.loadInteraction(id))
		}
	}
	return tea.Batch(cmds...)
}

// forgetRecent removes id from the recent list and writes it.
func (r *listsRoom) forgetRecent(id string) tea.Cmd {
	r.recent = recent.Drop(r.recent, id)
	return r.writeRecent()
}

// rememberRecent puts id first in the recent list and writes it.
func (r *listsRoom) rememberRecent(id string) tea.Cmd {
	if r.opts.StateDir == "" {
		return nil
	}
	r.recent = recent.Put(r.recent, id)
	return r.writeRecent()
}

// writeRecent saves the recent list (best effort: it is only a
// convenience), after any write asked before it.
func (r *listsRoom) writeRecent() tea.Cmd {
	dir := r.opts.StateDir
	if dir == "" {
		return nil
	}
	write := r.recentFile.Write(dir, r.recent)
	return func() tea.Msg {
		write()
		return nil
	}
}
