package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/interactions"
	"github.com/snapdash/snapdash/views/watch"
)

// watchComplete: the watch screen shows every interaction, listed, with
// rows rebuilt since the last change.
func watchComplete(m *Model) bool {
	items := m.inter.Items()
	if m.Focus().Screen != "watch" || m.lists.listing || len(m.lists.watchLoads) > 0 || len(items) == 0 {
		return false
	}
	for _, it := range items {
		if it.Count < 0 || it.Title == it.ID { // not listed, or no details yet
			return false
		}
	}
	return watchAgrees(m, items)
}

// watchAgrees reports whether the watch table shows every interaction the
// list shows, with the same pending requests: rebuilt since the last change.
func watchAgrees(m *Model, items []interactions.Item) bool {
	rows := m.watch.table.Rows()
	if len(rows) != len(items) {
		return false
	}
	byID := map[string]watch.Row{}
	for _, r := range rows {
		byID[r.InteractionID] = r
	}
	for _, it := range items {
		r, ok := byID[it.ID]
		if !ok || r.Pending != it.Waiting || r.Awaiting+r.Approved+r.Discarded != it.Count {
			return false
		}
	}
	return true
}

// TestScreenWatch is the watch screen on the demo data (every state, the
// hostile name), at 80x24 and 120x40. Run `go test ./tui/ -update` to
// regenerate.
func TestScreenWatch(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			o := f.options()
			o.WarnAfter, o.CriticalAfter = 2*time.Minute, 3*time.Hour
			tm, p := startProbe(t, o, sz[0], sz[1])
			p.until(t, tm, 10*time.Second, "the interactions", func(m *Model) bool { return !m.lists.listing && len(m.inter.Items()) > 0 })
			keys(tm, "w")
			p.until(t, tm, 10*time.Second, "a complete watch screen", watchComplete)
			m := finalModel(t, tm)
			v := m.View()
			if strings.ContainsAny(v, "\x1b\a") {
				t.Fatalf("escape in the watch screen: %q", v)
			}
			golden.RequireEqual(t, []byte(spinnerFrames.Replace(v)))
		})
	}
}

// TestWatchEnterOpensInteraction: w shows the table, enter lands on the
// interaction's snapshots with their pane focused, w and esc go back.
func TestWatchEnterOpensInteraction(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, 10*time.Minute))
	now := fixedNow()
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-2", CreatedAt: &now,
		Data: []byte(`{"customerName":"Bo"}`)}}})
	cmd := press(m, "w")
	if m.screen != screenWatch || cmd == nil {
		t.Fatalf("w: screen %v", m.screen)
	}
	if !m.lists.watchLoads["int-2"] || m.lists.watchLoads["int-1"] {
		t.Fatalf("watch listings in flight: %v (int-1 is listed already)", m.lists.watchLoads)
	}
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-2"})
	if m.watch.table.Len() != 2 {
		t.Fatalf("watch rows %d", m.watch.table.Len())
	}
	// The most urgent row (int-1: a picture waiting 10 minutes) is first.
	if r, _ := m.watch.table.Selected(); r.InteractionID != "int-1" || r.Awaiting != 1 {
		t.Fatalf("selected row %+v", r)
	}
	for _, k := range []string{"a", "d", "r", "u"} {
		press(m, k)
		if f := m.Focus(); f.Dialog != "" {
			t.Fatalf("%s opened %s on the watch screen", k, f.Dialog)
		}
	}
	press(m, "j")
	for _, msg := range runCmd(press(m, "enter")) {
		m.Update(msg)
	}
	if m.screen != screenMain || m.selected != "int-2" || m.focus != focusSnapshots {
		t.Fatalf("enter: screen %v selected %q focus %v", m.screen, m.selected, m.focus)
	}
	press(m, "w")
	press(m, "esc")
	if m.screen != screenMain {
		t.Fatal("esc did not leave the watch screen")
	}
	if !strings.Contains(m.View(), "Snapshots · Bo") {
		t.Fatalf("view:\n%s", m.View())
	}
}

// TestWatchRowsRebuiltOncePerTick: events change the store at once, the
// rows only on the next tick (at most once a second).
func TestWatchRowsRebuiltOncePerTick(t *testing.T) {
	m := unitModel(t, Options{Watch: true})
	before := m.watch.table.Len()
	for i := 0; i < 100; i++ {
		m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive,
			Events: []client.Event{ev(client.EventSnapshotRequested, fmt.Sprintf("s%d", i))}}})
	}
	if r, _ := m.watch.table.Selected(); r.Pending != 0 || m.watch.table.Len() != before {
		t.Fatalf("rows rebuilt before the tick: %+v", r)
	}
	m.Update(watchTick(m))
	if r, _ := m.watch.table.Selected(); r.Pending != 100 || m.watch.table.Len() != 1 {
		t.Fatalf("after the tick: %+v", r)
	}
}

// watchTick runs the watch screen's next tick (it waits a second).
func watchTick(m *Model) tea.Msg { return m.watch.table.StartTicking()() }

// TestWatchShowsPendingFromBeforeStart: with the stream's replay, requests
// made before the dashboard started are pending on the watch screen, as
// the simulator's own state says.
func TestWatchShowsPendingFromBeforeStart(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, fixtureOpts{dataDir: dir})
	o := f.options()
	o.NoStream, o.Watch = false, true
	tm, p := startProbe(t, o, 120, 40)
	want := map[string]int{}
	total := 0
	for id, n := range pendingInState(t, dir) {
		want[id] = n
		total += n
	}
	if total < 2 {
		t.Fatalf("the demo should have pending requests: %v", want)
	}
	p.until(t, tm, 15*time.Second, "pending requests on the watch screen", func(m *Model) bool {
		if !watchComplete(m) {
			return false
		}
		n := 0
		for _, it := range m.inter.Items() {
			n += it.Waiting
		}
		return n == total
	})
	m := finalModel(t, tm)
	for _, r := range m.watch.table.Rows() {
		if r.Pending != want[r.InteractionID] {
			t.Errorf("%s: %d pending, the simulator has %d", r.Customer, r.Pending, want[r.InteractionID])
		}
	}
	v := m.View()
	if !strings.Contains(v, fmt.Sprintf("%d pending", total)) {
		t.Fatalf("summary does not count the pending requests:\n%s", v)
	}
	if m.status.Text != "" || m.status.Kind != 0 {
		t.Fatalf("replayed history set the status line: %+v", m.status)
	}
}

// pendingInState counts the simulator's pending requests per interaction.
func pendingInState(t *testing.T, dir string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Snapshots map[string]struct {
			Snapshot client.Snapshot `json:"snapshot"`
			Pending  bool            `json:"pending"`
		} `json:"snapshots"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range st.Snapshots {
		if r.Pending {
			out[r.Snapshot.InteractionID]++
		}
	}
	return out
}

// TestWatchMouse: on the watch screen a click selects the row under it
// (in the screen's own cells, inside its border, under the summary and
// the column titles), the wheel moves the cursor, and a click on the
// summary line or outside the rows moves nothing.
func TestWatchMouse(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, 10*time.Minute))
	now := fixedNow()
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-2", CreatedAt: &now,
		Data: []byte(`{"customerName":"Bo"}`)}}})
	press(m, "w")
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-2"})
	sel := func() string { r, _ := m.watch.table.Selected(); return r.InteractionID }
	if sel() != "int-1" {
		t.Fatalf("selected %q", sel())
	}
	r := m.lay.watch
	rowY := func(i int) int { return r.y + 1 + 2 + i } // border, summary, titles
	m.Update(press2(r.x+5, rowY(1), tea.MouseButtonLeft))
	if sel() != "int-2" {
		t.Fatalf("click on the second row: %q", sel())
	}
	m.Update(press2(r.x+5, rowY(-2), tea.MouseButtonLeft)) // the summary line
	m.Update(press2(r.x+5, rowY(5), tea.MouseButtonLeft))  // under the rows
	if sel() != "int-2" {
		t.Fatalf("a click off the rows moved the cursor: %q", sel())
	}
	m.Update(press2(r.x+5, rowY(0), tea.MouseButtonWheelUp))
	if sel() != "int-1" {
		t.Fatalf("wheel up: %q", sel())
	}
	m.Update(press2(r.x+5, rowY(0), tea.MouseButtonWheelDown))
	if sel() != "int-2" {
		t.Fatalf("wheel down: %q", sel())
	}
	m.Update(press2(r.x+5, rowY(0), tea.MouseButtonLeft))
	if sel() != "int-1" || m.screen != screenWatch {
		t.Fatalf("click on the first row: %q, screen %v", sel(), m.screen)
	}
}
