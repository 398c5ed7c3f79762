package tui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/recent"
	"github.com/snapdash/snapdash/views/statusbar"
)

// staleID is a remembered interaction the simulator does not know.
const staleID = "00000000-0000-4000-8000-000000000000"

// readRecentFile returns the ids in dir's recent.json.
func readRecentFile(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(recent.Path(dir))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestWatchDropsStaleRecent: `snapdash watch` with a remembered interaction
// the server does not know drops it quietly, as the dashboard does: no extra
// row, no error, and it is forgotten in recent.json.
func TestWatchDropsStaleRecent(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "recent.json"), []byte(`["`+staleID+`"]`), 0o600); err != nil {
		t.Fatal(err)
	}
	o := f.options()
	o.StateDir, o.Watch = dir, true
	live := len(f.sim.Interactions())
	tm, p := startProbe(t, o, 120, 40)
	p.until(t, tm, 10*time.Second, "the watch screen filled in", func(m *Model) bool {
		items := m.inter.Items()
		if m.lists.listing || len(m.lists.watchLoads) > 0 || shown(m, staleID) || len(items) != live {
			return false
		}
		for _, it := range items {
			if it.Count < 0 || it.Title == it.ID {
				return false
			}
		}
		return watchAgrees(m, items) && !slices.Contains(m.lists.recent, staleID)
	})
	// The file is written by a command: give it a moment, the program
	// still running.
	deadline := time.Now().Add(5 * time.Second)
	for slices.Contains(readRecentFile(t, dir), staleID) {
		if time.Now().After(deadline) {
			t.Fatalf("recent.json still has the stale id: %q", readRecentFile(t, dir))
		}
		time.Sleep(20 * time.Millisecond)
	}
	m := finalModel(t, tm)
	if shown(m, staleID) {
		t.Error("stale interaction kept")
	}
	if m.watch.table.Len() != live {
		t.Errorf("watch rows %d, want %d", m.watch.table.Len(), live)
	}
	if m.status.Kind == statusbar.Error || strings.Contains(m.status.Text, "unknown") {
		t.Errorf("status %q", m.status.Text)
	}
	if v := m.View(); strings.Contains(v, "unknown interaction") || strings.Contains(v, "00000000") {
		t.Errorf("stale interaction on screen:\n%s", v)
	}
}

// TestWatchStaleRecentEitherOrder: on the watch screen both the details and
// the snapshot listing of a stale remembered interaction fail; whichever
// answers first drops it, the other is ignored, and no error shows. A
// transient failure of the listing keeps it.
func TestWatchStaleRecentEitherOrder(t *testing.T) {
	unknown := func(op string) error {
		return &client.APIError{Op: op, ID: staleID, Status: 400, Fields: map[string]string{"interactionId": "unknown interaction"}}
	}
	details := func() tea.Msg { return InteractionLoadedMsg{ID: staleID, Err: unknown("get interaction")} }
	listing := func() tea.Msg { return SnapshotsLoadedMsg{InteractionID: staleID, Err: unknown("list snapshots")} }
	for name, order := range map[string][]func() tea.Msg{
		"details first": {details, listing},
		"listing first": {listing, details},
		"listing only":  {listing},
	} {
		t.Run(name, func(t *testing.T) {
			m := unitModel(t, Options{StateDir: t.TempDir(), API: &recordAPI{}, Watch: true})
			m.Update(RecentLoadedMsg{IDs: []string{staleID}})
			if !m.lists.watchLoads[staleID] {
				t.Fatalf("the watch screen did not list the remembered interaction: %v", m.lists.watchLoads)
			}
			for _, msg := range order {
				m.Update(msg())
			}
			m.watch.rebuild()
			if shown(m, staleID) || slices.Contains(m.lists.recent, staleID) || m.lists.watchLoads[staleID] {
				t.Fatalf("stale interaction kept (recent %q, loads %v)", m.lists.recent, m.lists.watchLoads)
			}
			if m.watch.table.Len() != 1 {
				t.Errorf("watch rows %d, want 1", m.watch.table.Len())
			}
			if m.status.Kind == statusbar.Error {
				t.Errorf("status %q", m.status.Text)
			}
		})
	}
	m := unitModel(t, Options{StateDir: t.TempDir(), API: &recordAPI{}, Watch: true})
	m.Update(RecentLoadedMsg{IDs: []string{staleID}})
	m.Update(SnapshotsLoadedMsg{InteractionID: staleID, Err: &client.APIError{Op: "list snapshots", ID: staleID, Status: 503}})
	if !shown(m, staleID) || !slices.Contains(m.lists.recent, staleID) {
		t.Fatal("forgotten after a 503")
	}
}

// TestRecentWritesInOrder: writes of recent.json run in commands of their
// own; one asked earlier that runs later does not overwrite a newer list.
func TestRecentWritesInOrder(t *testing.T) {
	dir := t.TempDir()
	m := unitModel(t, Options{StateDir: dir, API: &recordAPI{}})
	m.lists.recent = []string{"old", staleID}
	older := m.lists.writeRecent()
	m.lists.recent = []string{"old"}
	newer := m.lists.writeRecent()
	newer()
	older()
	if got := readRecentFile(t, dir); !slices.Equal(got, []string{"old"}) {
		t.Fatalf("recent.json %q, want the newer list", got)
	}
}
