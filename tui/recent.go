package tui

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
)

// maxRecent is how many recently opened interactions are remembered.
const maxRecent = 10

func recentPath(dir string) string { return filepath.Join(dir, "recent.json") }

// loadRecent reads the recently opened interactions.
func (m *Model) loadRecent() tea.Cmd {
	dir := m.opts.StateDir
	if dir == "" {
		return nil
	}
	return func() tea.Msg {
		b, err := os.ReadFile(recentPath(dir))
		if errors.Is(err, fs.ErrNotExist) {
			return RecentLoadedMsg{}
		}
		if err != nil {
			return RecentLoadedMsg{Err: err}
		}
		var ids []string
		if err := json.Unmarshal(b, &ids); err != nil {
			return RecentLoadedMsg{Err: err}
		}
		return RecentLoadedMsg{IDs: ids}
	}
}

func (m *Model) onRecent(msg RecentLoadedMsg) tea.Cmd {
	if msg.Err != nil {
		m.setStatusInfo("recent interactions not read: " + msg.Err.Error())
		return nil
	}
	var cmds []tea.Cmd
	for _, id := range msg.IDs {
		if id == "" || slices.Contains(m.recent, id) {
			continue
		}
		m.recent = append(m.recent, id)
		if _, created := m.store.ensure(id, m.opts.Now().Add(-m.opts.Since)); created {
			cmds = append(cmds, m.loadInteraction(id))
		}
	}
	return tea.Batch(cmds...)
}

// forgetRecent removes id from the recent list and writes it.
func (m *Model) forgetRecent(id string) tea.Cmd {
	m.recent = slices.DeleteFunc(m.recent, func(s string) bool { return s == id })
	return m.writeRecent()
}

// rememberRecent puts id first in the recent list and writes it.
func (m *Model) rememberRecent(id string) tea.Cmd {
	dir := m.opts.StateDir
	if dir == "" {
		return nil
	}
	ids := append([]string{id}, slices.DeleteFunc(slices.Clone(m.recent), func(s string) bool { return s == id })...)
	if len(ids) > maxRecent {
		ids = ids[:maxRecent]
	}
	m.recent = ids
	return m.writeRecent()
}

// recentFile orders the writes of recent.json. Each write runs in a command
// of its own, so without it an older list (say, with an interaction just
// forgotten) could land after a newer one and win.
type recentFile struct {
	mu      sync.Mutex
	asked   uint64 // writes asked, in Update
	written uint64 // the newest write on disk
}

// writeRecent saves the recent list (best effort: it is only a convenience).
func (m *Model) writeRecent() tea.Cmd {
	dir := m.opts.StateDir
	if dir == "" {
		return nil
	}
	b, _ := json.Marshal(m.recent)
	rf := m.store.recentFile
	rf.mu.Lock()
	rf.asked++
	gen := rf.asked
	rf.mu.Unlock()
	return func() tea.Msg {
		rf.mu.Lock()
		defer rf.mu.Unlock()
		if gen < rf.written {
			return nil // a newer list is on disk already
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil
		}
		tmp := recentPath(dir) + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err == nil {
			_ = os.Rename(tmp, recentPath(dir))
		}
		rf.written = gen
		return nil
	}
}
