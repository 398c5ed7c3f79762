package tui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/header"
	"github.com/snapdash/snapdash/views/statusbar"
)

func live(evs ...client.Event) StreamUpdateMsg {
	return StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Events: evs}}
}

// evAt is ev with a sequence number and a time relative to the start. An
// event from before the start is history, as the stream marks a replay.
func evAt(typ, snapID string, seq uint64, ago time.Duration) client.Event {
	e := ev(typ, snapID)
	e.Seq, e.Timestamp, e.History = seq, fixedNow().Add(-ago), ago > 0
	return e
}

// bellModel is a unit model whose terminal counts the bells it gets; its
// timers never fire and its loads answer with nothing, so the commands an
// update returns can all be run.
func bellModel(t *testing.T, bell bool) (*Model, *bytes.Buffer) {
	t.Helper()
	out := &bytes.Buffer{}
	m := unitModel(t, Options{Bell: bell, Output: out, API: &recordAPI{},
		Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }})
	return m, out
}

// rings delivers msg, runs what it asks for, and counts the bells the
// terminal got.
func rings(m *Model, out *bytes.Buffer, msg tea.Msg) int {
	out.Reset()
	_, cmd := m.Update(msg)
	runCmd(cmd)
	return bytes.Count(out.Bytes(), []byte{'\a'})
}

func TestReplayedHistoryIsQuiet(t *testing.T) {
	m, out := bellModel(t, true)
	if n := rings(m, out, live(
		evAt(client.EventSnapshotRequested, "old-1", 1, 2*time.Hour),
		evAt(client.EventSnapshotAcquired, "old-1", 2, 2*time.Hour),
		evAt(client.EventSnapshotRequested, "old-2", 3, time.Hour), // still pending
	)); n != 0 || m.status.Text != "" {
		t.Fatalf("history rang %d bells, status %+v", n, m.status)
	}
	if st, _, _ := row(t, m, "old-2"); st != client.StateRequested {
		t.Fatalf("pending request from before the start: %s", st)
	}
	if st, _, _ := row(t, m, "old-1"); st != client.StateUploaded {
		t.Fatalf("old-1: %s", st)
	}
	if got := paneSeqs(m); fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("history in the events pane: %v", got)
	}
	// The first live event ends the history: it is news.
	if n := rings(m, out, live(evAt(client.EventSnapshotAcquired, "old-2", 4, 0))); n != 1 || m.status.Kind != statusbar.Notice ||
		!strings.Contains(m.status.Text, "arrived from Ana") {
		t.Fatalf("live picture: %d bells, status %+v", n, m.status)
	}
	if st, _, _ := row(t, m, "old-2"); st != client.StateUploaded {
		t.Fatalf("the pending request did not resolve: %s", st)
	}
}

func TestBurstOfPicturesRingsOnce(t *testing.T) {
	m, out := bellModel(t, true)
	if n := rings(m, out, live(evAt(client.EventSnapshotAcquired, "p1", 1, 0), evAt(client.EventSnapshotAcquired, "p2", 2, 0),
		evAt(client.EventSnapshotAcquired, "p3", 3, 0))); n != 1 {
		t.Fatalf("%d bells for one batch", n)
	}
	if m.status.Kind != statusbar.Notice || m.status.Text != "3 pictures arrived, the last from Ana" {
		t.Fatalf("status %+v", m.status)
	}
	if m.snaps.Total() != 3 {
		t.Fatalf("table has %d rows", m.snaps.Total())
	}
	if !strings.Contains(m.View(), "★ 3 pictures arrived") {
		t.Fatalf("not highlighted:\n%s", m.View())
	}
	noBell, quiet := bellModel(t, false)
	if rings(noBell, quiet, live(evAt(client.EventSnapshotAcquired, "p1", 1, 0))) != 0 {
		t.Fatal("rang without Bell")
	}
}

func TestStaleListingKeepsNewerEvents(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	asked := uint64(0) // a listing asked now, before any event...
	m.Update(live(evAt(client.EventSnapshotApproved, "s1", 1, 0), evAt(client.EventSnapshotAcquired, "s2", 2, 0)))
	// ...answers with what the server had before those events.
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-1", Snapshots: []client.Snapshot{snap("s1", client.StateUploaded, time.Minute)}, Asked: asked})
	if st, _, _ := row(t, m, "s1"); st != client.StateApproved {
		t.Fatalf("a stale listing undid the approval: %s", st)
	}
	if st, _, _ := row(t, m, "s2"); st != client.StateUploaded {
		t.Fatalf("a stale listing dropped a new picture: %s", st)
	}
	// A listing asked after the events is believed.
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-1", Snapshots: []client.Snapshot{snap("s1", client.StateDiscarded, time.Minute)}, Asked: 2})
	if st, _, _ := row(t, m, "s1"); st != client.StateDiscarded {
		t.Fatalf("a fresh listing was ignored: %s", st)
	}
	if _, ok := m.snaps.Row("s2"); ok {
		t.Fatal("a fresh listing without s2 kept it")
	}
}

func TestEventsPaneKeys(t *testing.T) {
	m := unitModel(t, Options{})
	press(m, "e", "tab", "tab")
	if m.focus != focusEvents || !m.keys.EventsPause.Enabled() {
		t.Fatalf("focus %v", m.focus)
	}
	if v := m.View(); !strings.Contains(v, "p/space pause/follow · f type filter · t this interaction") {
		t.Fatalf("footer lacks the pane's keys:\n%s", v)
	}
	m.Update(live(evAt(client.EventSnapshotRequested, "a1", 1, 0)))
	press(m, " ")
	m.Update(live(evAt(client.EventSnapshotAcquired, "a1", 2, 0), evAt("MysteryEvent", "", 3, 0)))
	if !strings.Contains(m.View(), "Events 4 · paused · +2 new") {
		t.Fatalf("paused title:\n%s", m.View())
	}
	press(m, "p")
	if !m.events.Following() {
		t.Fatal("p did not follow again")
	}
	press(m, "f")
	if m.events.TypeFilter() != client.EventSnapshotRequested {
		t.Fatalf("type filter %q", m.events.TypeFilter())
	}
	press(m, "f", "f", "f")
	if m.events.TypeFilter() != "" {
		t.Fatalf("f did not come back to every type: %q", m.events.TypeFilter())
	}
	m.Update(live(client.Event{Type: client.EventSnapshotRequested, Seq: 4, Timestamp: fixedNow(), InteractionID: "int-other", SnapshotID: "x9"}))
	press(m, "t")
	if v := m.View(); strings.Contains(v, "x9") || !strings.Contains(v, "this interaction") {
		t.Fatalf("this interaction only:\n%s", v)
	}
	press(m, "tab") // leaving the pane disables its keys
	if m.keys.EventsPause.Enabled() {
		t.Fatal("pane keys enabled outside the pane")
	}
}

func TestEventLinesAreReadable(t *testing.T) {
	m := unitModel(t, Options{Identity: client.Identity{UserID: "agent-me"}})
	req := evAt(client.EventSnapshotRequested, "snap-1", 1, 0)
	req.UserID, req.TargetUserID = "agent-me", "cust-1"
	acq := evAt(client.EventSnapshotAcquired, "snap-1", 2, 0)
	acq.UserID = "cust-1"
	cam := client.Event{Type: client.EventSnapshotCameraRequested, Seq: 3, Timestamp: fixedNow(), UserID: "agent-me",
		TargetUserID: "cust-1", InteractionID: "int-1", SnapshotCameraRequestID: "cr-1", CameraRequestType: client.CameraFlashOn}
	done := client.Event{Type: client.EventSnapshotCameraRequestProcessed, Seq: 4, Timestamp: fixedNow(), UserID: "cust-1",
		InteractionID: "int-1", SnapshotCameraRequestID: "cr-1", Succeeded: client.BoolPtr(false), AdditionalInformation: "device has no flash"}
	odd := client.Event{Type: "Weird\x1b[31mEvent", Seq: 5, Timestamp: fixedNow(),
		Raw: []byte("{ \"type\": \"WeirdEvent\",\n \"x\": \"\\u001b]52;c;AAAA\\u0007\", \"n\": [1, 2] }")}
	m.Update(live(req, acq, cam, done, odd))
	want := []string{
		"15:09:26 ◷ you requested a meter picture from Ana snap-1",
		"15:09:26 ● Ana sent a meter picture snap-1",
		"15:09:26 ◎ you sent camera command Flash on to Ana",
		"15:09:26 ✗ Ana Flash on: failed: device has no flash",
		`15:09:26 ? WeirdEvent {"type":"WeirdEvent","x":"\u001b]52;c;AAAA\u0007","n":[1,2]}`,
	}
	var got []string
	for i := 0; i < m.events.Len(); i++ {
		if e := m.events.At(i); e.Seq != 0 {
			got = append(got, m.events.Line(e))
		}
	}
	if len(got) != len(want) {
		t.Fatalf("lines %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

func TestNoLocalFiles(t *testing.T) {
	m := unitModel(t, Options{NoLocalFiles: true}, snap("s1", client.StateUploaded, time.Minute))
	for k, what := range map[string]string{"s": "saving pictures", "u": "uploading files", "o": "opening pictures"} {
		press(m, k)
		if f := m.Focus(); f.Dialog != "" || f.InFlight != 0 {
			t.Fatalf("%s opened a dialog or started an action", k)
		}
		if m.status.Text != what+" is not available over SSH" {
			t.Fatalf("%s: status %q", k, m.status.Text)
		}
	}
	if m.keys.Save.Enabled() || m.keys.Upload.Enabled() || m.keys.Open.Enabled() || !m.keys.Copy.Enabled() {
		t.Fatal("key states")
	}
	press(m, "?")
	v := m.dialogView()
	if strings.Contains(v, "save") || strings.Contains(v, "upload") || !strings.Contains(v, "copy URL") {
		t.Fatalf("help:\n%s", v)
	}
}

func TestHeaderCountsDownToTheNextTry(t *testing.T) {
	m := unitModel(t, Options{})
	wall := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	m.wall = func() time.Time { return wall }
	_, cmd := m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateReconnecting,
		RetryAt: wall.Add(4 * time.Second), Since: wall.Add(-time.Second)}})
	if cmd == nil || !m.live.cs.ticking {
		t.Fatal("no countdown tick")
	}
	if v := m.View(); !strings.Contains(v, "◌ reconnecting (next try in 4s)") {
		t.Fatalf("header:\n%s", strings.SplitN(v, "\n", 2)[0])
	}
	wall = wall.Add(3 * time.Second)
	m.Update(ConnTickMsg{Gen: m.live.cs.gen})
	if v := m.View(); !strings.Contains(v, "next try in 1s") {
		t.Fatalf("after 3s:\n%s", strings.SplitN(v, "\n", 2)[0])
	}
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateOffline,
		RetryAt: wall.Add(65 * time.Second), Since: time.Date(2026, 3, 14, 14, 58, 7, 0, time.UTC)}})
	if v := m.View(); !strings.Contains(v, "○ offline (since 14:58:07 · next try in 1m05s)") {
		t.Fatalf("offline:\n%s", strings.SplitN(v, "\n", 2)[0])
	}
	m.Update(live())
	if m.live.cs.State != header.Live {
		t.Fatal("not live")
	}
	if _, cmd := m.Update(ConnTickMsg{Gen: m.live.cs.gen}); m.live.cs.ticking {
		_ = cmd
		t.Fatal("the countdown kept ticking while live")
	}
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StatePolling}})
	if v := m.View(); !strings.Contains(v, "◔ polling (no event stream; re-listing every 5s)") {
		t.Fatalf("polling:\n%s", strings.SplitN(v, "\n", 2)[0])
	}
}

// TestScreenEventsStream is the events pane with server events of every
// kind, a reconnect and a resync, at 80x24 and 120x40.
func TestScreenEventsStream(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := unitModel(t, Options{Identity: client.Identity{UserID: "agent-me"}}, snap("s1", client.StateUploaded, time.Hour))
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			press(m, "e", "tab", "tab")
			req := evAt(client.EventSnapshotRequested, "snap-7", 11, 3*time.Minute)
			req.UserID, req.TargetUserID = "agent-me", "cust-1"
			acq := evAt(client.EventSnapshotAcquired, "snap-7", 12, 2*time.Minute)
			acq.UserID = "cust-1"
			apr := evAt(client.EventSnapshotApproved, "s1", 13, time.Minute)
			apr.UserID = "supervisor-x"
			m.Update(live(req, acq, apr))
			m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateReconnecting, Err: fmt.Errorf("events: the server closed the stream")}})
			m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Resync: true,
				Events: []client.Event{{Type: "ShiftChangedEvent", Seq: 40, Timestamp: fixedNow(), Raw: []byte(`{"type":"ShiftChangedEvent","shift":"night"}`)}}}})
			golden.RequireEqual(t, []byte(spinnerFrames.Replace(m.View())))
		})
	}
}

// A few pictures of a listed interaction are fetched one by one; a burst
// lists its table once instead, and while a listing is in flight it is
// listed again after it (which may predate the pictures).
func TestBurstOfPicturesListsTheTableOnce(t *testing.T) {
	api := &recordAPI{}
	m, _ := bellModel(t, false)
	m.api = api
	burst := func(ids ...string) []string {
		api.calls = nil
		var evs []client.Event
		for i, id := range ids {
			evs = append(evs, evAt(client.EventSnapshotAcquired, id, uint64(i+1), 0))
		}
		_, cmd := m.Update(live(evs...))
		runCmd(cmd)
		return api.calls
	}
	if calls := fmt.Sprint(burst("a1", "a2", "a3")); calls != "[snapshot a1 snapshot a2 snapshot a3]" {
		t.Fatalf("three pictures: %s", calls)
	}
	if calls := fmt.Sprint(burst("b1", "b2", "b3", "b4")); calls != "[snapshots int-1]" {
		t.Fatalf("four pictures: %s", calls)
	}
	e := m.store.byID["int-1"]
	e.loading, e.relist = true, false
	if calls := burst("c1", "c2", "c3", "c4"); len(calls) != 0 || !e.relist {
		t.Fatalf("during a listing: calls %v, relist %v", calls, e.relist)
	}
}

// An event naming an interaction the dashboard does not know asks for it;
// replayed history while the interactions are being listed waits for the
// list, which usually has it.
func TestEventsAskForTheInteractionsTheyName(t *testing.T) {
	api := &recordAPI{}
	m, _ := bellModel(t, false)
	m.api = api
	req := evAt(client.EventSnapshotRequested, "n1", 1, 0)
	req.InteractionID = "int-new"
	_, cmd := m.Update(live(req))
	runCmd(cmd)
	if calls := fmt.Sprint(api.calls); !strings.Contains(calls, "interaction int-new") {
		t.Fatalf("a new interaction was not asked for: %s", calls)
	}

	api.calls = nil
	m, _ = bellModel(t, false)
	m.api = api
	m.lists.listing = true
	old := evAt(client.EventSnapshotRequested, "o1", 1, time.Minute)
	old.InteractionID = "int-old"
	_, cmd = m.Update(live(old))
	runCmd(cmd)
	if calls := fmt.Sprint(api.calls); strings.Contains(calls, "interaction int-old") {
		t.Fatalf("history asked for its interaction while the list was coming: %s", calls)
	}
	if e := m.store.byID["int-old"]; e == nil || !e.wantIt {
		t.Fatalf("history's interaction is not awaited: %+v", e)
	}
}

// A picture of no known interaction is fetched to find it, once however
// often it is named and at most maxOrphans a batch; not when it is history
// older than the --since window (the answer would add its interaction).
func TestPicturesOfNoKnownInteractionAreFetched(t *testing.T) {
	api := &recordAPI{}
	m, _ := bellModel(t, false)
	m.api = api
	orphan := func(id string, ago time.Duration) client.Event {
		e := evAt(client.EventSnapshotAcquired, id, 0, ago)
		e.InteractionID = ""
		return e
	}
	evs := []client.Event{orphan("x1", 0), orphan("x1", 0)}
	for i := range maxOrphans + 5 {
		evs = append(evs, orphan(fmt.Sprint("y", i), 0))
	}
	_, cmd := m.Update(live(evs...))
	runCmd(cmd)
	n := strings.Count(fmt.Sprint(api.calls), "snapshot ")
	if n != maxOrphans || strings.Count(fmt.Sprint(api.calls), "snapshot x1") != 1 {
		t.Fatalf("%d fetches (want %d, x1 once): %v", n, maxOrphans, api.calls)
	}

	api.calls = nil
	m, _ = bellModel(t, false)
	m.api = api
	_, cmd = m.Update(live(orphan("old", m.opts.Since+time.Hour), orphan("recent", time.Minute)))
	runCmd(cmd)
	if calls := fmt.Sprint(api.calls); strings.Contains(calls, "snapshot old") || !strings.Contains(calls, "snapshot recent") {
		t.Fatalf("history: %s", calls)
	}
}
