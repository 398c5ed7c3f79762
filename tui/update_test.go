package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/header"
	"github.com/snapdash/snapdash/views/prompt"
	"github.com/snapdash/snapdash/views/requestform"
	"github.com/snapdash/snapdash/views/statusbar"
)

// unitModel is a dashboard fed by hand-made messages: its commands are
// never run, so these tests check state logic alone.
func unitModel(t *testing.T, o Options, snaps ...client.Snapshot) *Model {
	t.Helper()
	now := fixedNow()
	o.NoStream, o.Now, o.Location, o.ImageMode = true, fixedNow, time.UTC, ImageModeNone
	m := New(o)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	it := client.Interaction{ID: "int-1", CreatedAt: &now,
		Data: []byte(`{"customerName":"Ana","customerUserId":"cust-1","customerUserEndpointId":"cep-1","sessionType":"CALL","sessionId":"sess-1"}`)}
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{it}})
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-1", Snapshots: snaps})
	return m
}

func snap(id string, st client.SnapshotState, ago time.Duration) client.Snapshot {
	at := fixedNow().Add(-ago)
	return client.Snapshot{ID: id, InteractionID: "int-1", State: st, Type: "meter", UserID: "cust-1", CreatedAt: &at}
}

func press(m *Model, ks ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range ks {
		_, cmd = m.Update(keyMsg(k))
	}
	return cmd
}

func row(t *testing.T, m *Model, id string) (st client.SnapshotState, op, typ string) {
	t.Helper()
	_, r := m.store.row(id)
	if r == nil {
		t.Fatalf("no row %s", id)
	}
	return r.Snapshot.State, r.Op, r.Snapshot.Type
}

func TestApproveIsOptimisticAndRollsBack(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "a")
	if m.dialog != dialogPrompt {
		t.Fatalf("a opened dialog %v, want the type prompt", m.dialog)
	}
	m.Update(prompt.SubmittedMsg{Tag: "approve", Value: "car-damage"})
	if st, op, typ := row(t, m, "s1"); st != client.StateApproved || op != "approving" || typ != "car-damage" {
		t.Fatalf("optimistic row = %s %q %s", st, op, typ)
	}
	if len(m.ops) != 1 || m.status.Kind != statusbar.Progress {
		t.Fatalf("ops %v status %+v", m.ops, m.status)
	}
	apiErr := &client.APIError{Op: "approve", ID: "s1", Status: 400, Fields: map[string]string{"state": "snapshot is APPROVED"}}
	m.Update(ApproveDoneMsg{Op: m.nextOp, SnapshotID: "s1", Err: apiErr})
	if st, op, typ := row(t, m, "s1"); st != client.StateUploaded || op != "" || typ != "meter" {
		t.Fatalf("after refusal row = %s %q %s, want rolled back", st, op, typ)
	}
	if m.status.Kind != statusbar.Error || m.status.Text != apiErr.Error() {
		t.Fatalf("status = %+v, want the server's error %q", m.status, apiErr.Error())
	}
	if e, _ := m.events.Last(); e.Text != apiErr.Error() {
		t.Fatalf("events pane last = %q", e.Text)
	}
	if len(m.ops) != 0 {
		t.Fatalf("ops left: %v", m.ops)
	}
}

func TestDiscardAsksAndDefaultsToNo(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	cmd := press(m, "d")
	if m.dialog != dialogConfirm || cmd != nil {
		t.Fatalf("d: dialog %v", m.dialog)
	}
	// enter answers with the default: no.
	for _, msg := range runCmd(press(m, "enter")) {
		m.Update(msg)
	}
	if st, _, _ := row(t, m, "s1"); st != client.StateUploaded || m.dialog != dialogNone {
		t.Fatalf("enter discarded (%s) or left dialog %v", st, m.dialog)
	}
	press(m, "d")
	for _, msg := range runCmd(press(m, "y")) {
		m.Update(msg)
	}
	if st, op, _ := row(t, m, "s1"); st != client.StateDiscarded || op != "discarding" {
		t.Fatalf("y: row %s %q", st, op)
	}
	m.Update(DiscardDoneMsg{Op: m.nextOp, SnapshotID: "s1"})
	if st, op, _ := row(t, m, "s1"); st != client.StateDiscarded || op != "" || m.status.Kind != statusbar.OK {
		t.Fatalf("after success: %s %q %+v", st, op, m.status)
	}
}

// runCmd runs a command that answers at once (dialog results) and returns
// its messages.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func ev(typ, snapID string) client.Event {
	return client.Event{Type: typ, SnapshotID: snapID, SnapshotType: "meter", InteractionID: "int-1",
		Timestamp: fixedNow(), TargetUserID: "cust-1"}
}

func TestPendingRequestResolvedByAcquiredEvent(t *testing.T) {
	m := unitModel(t, Options{})
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive,
		Events: []client.Event{ev(client.EventSnapshotRequested, "s9")}}})
	if st, _, _ := row(t, m, "s9"); st != client.StateRequested {
		t.Fatalf("requested event gave %s", st)
	}
	if m.cs.conn != header.Live {
		t.Fatalf("conn %v", m.cs.conn)
	}
	if !strings.Contains(m.View(), "requested") {
		t.Fatal("the requested row is not drawn")
	}
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive,
		Events: []client.Event{ev(client.EventSnapshotAcquired, "s9")}}})
	if st, _, _ := row(t, m, "s9"); st != client.StateUploaded {
		t.Fatalf("acquired event gave %s", st)
	}
}

func TestPendingRequestResolvedByListing(t *testing.T) {
	m := unitModel(t, Options{})
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{Events: []client.Event{
		ev(client.EventSnapshotRequested, "s9"), ev(client.EventSnapshotRequested, "s10")}}})
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-1", Snapshots: []client.Snapshot{snap("s9", client.StateUploaded, 0)}, Asked: m.store.gen})
	if st, _, _ := row(t, m, "s9"); st != client.StateUploaded {
		t.Fatalf("listing left s9 %s", st)
	}
	if st, _, _ := row(t, m, "s10"); st != client.StateRequested {
		t.Fatalf("listing dropped the still-pending s10 (%s)", st)
	}
}

func TestOwnRequestShowsAtOnceAndRollsBack(t *testing.T) {
	m := unitModel(t, Options{})
	press(m, "r")
	if m.dialog != dialogRequest {
		t.Fatalf("r opened %v", m.dialog)
	}
	if v := m.reqForm.Values(); v.TargetUserID != "cust-1" || v.TargetUserEndpointID != "cep-1" || v.Session != "CALL sess-1" {
		t.Fatalf("form not prefilled: %+v", v)
	}
	m.Update(requestform.SubmittedMsg{Values: requestform.Values{TargetUserID: "cust-1", TargetUserEndpointID: "cep-1", SnapshotType: "meter"}})
	if m.snaps.Total() != 1 {
		t.Fatalf("no requested row while in flight")
	}
	r, _ := m.snaps.Selected()
	if r.Snapshot.State != client.StateRequested {
		t.Fatalf("row %+v", r)
	}
	m.Update(RequestDoneMsg{Op: m.nextOp, TempID: r.Snapshot.ID, InteractionID: "int-1", Err: errors.New("request: 400 targetUserEndpointId: unknown")})
	if m.snaps.Total() != 0 || m.status.Kind != statusbar.Error {
		t.Fatalf("refused request left %d rows, status %+v", m.snaps.Total(), m.status)
	}
	// Accepted: the row takes the server's id, and the event that may come
	// first does not make a second row.
	m.Update(requestform.SubmittedMsg{Values: requestform.Values{TargetUserID: "cust-1", TargetUserEndpointID: "cep-1"}})
	r, _ = m.snaps.Selected()
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{Events: []client.Event{ev(client.EventSnapshotRequested, "real-1")}}})
	m.Update(RequestDoneMsg{Op: m.nextOp, TempID: r.Snapshot.ID, InteractionID: "int-1", Result: client.SnapshotRequestResult{SnapshotID: "real-1"}})
	if m.snaps.Total() != 1 {
		t.Fatalf("%d rows, want 1", m.snaps.Total())
	}
	if r, _ := m.snaps.Selected(); r.Snapshot.ID != "real-1" {
		t.Fatalf("selected %s", r.Snapshot.ID)
	}
}

func TestFocusCycling(t *testing.T) {
	m := unitModel(t, Options{})
	want := []focus{focusPreview, focusInteractions, focusSnapshots}
	for _, w := range want {
		press(m, "tab")
		if m.focus != w {
			t.Fatalf("tab: focus %v, want %v", m.focus, w)
		}
	}
	press(m, "e", "shift+tab")
	if m.focus != focusInteractions {
		t.Fatalf("shift+tab: %v", m.focus)
	}
	press(m, "shift+tab")
	if m.focus != focusEvents {
		t.Fatalf("shift+tab with events: %v", m.focus)
	}
	press(m, "e")
	if m.focus != focusSnapshots {
		t.Fatalf("hiding events left focus on %v", m.focus)
	}
}

func TestReadOnlyDisablesActions(t *testing.T) {
	m := unitModel(t, Options{ReadOnly: true}, snap("s1", client.StateUploaded, time.Minute))
	for _, k := range []string{"a", "d", "r", "c", "u"} {
		press(m, k)
		if m.dialog != dialogNone {
			t.Fatalf("%s opened a dialog in read-only mode", k)
		}
	}
	km := m.keys
	if km.Approve.Enabled() || km.Discard.Enabled() || km.Request.Enabled() || km.Camera.Enabled() || km.Upload.Enabled() {
		t.Fatal("action keys still enabled")
	}
	if !km.Copy.Enabled() || !km.Save.Enabled() {
		t.Fatal("read-only must still allow copy and save")
	}
	v := m.View()
	if !strings.Contains(v, "READ-ONLY") || strings.Contains(v, "approve") {
		t.Fatalf("view:\n%s", v)
	}
}

func TestForbiddenTurnsReadOnly(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "a")
	m.Update(prompt.SubmittedMsg{Tag: "approve"})
	m.Update(ApproveDoneMsg{Op: m.nextOp, SnapshotID: "s1", Err: &client.APIError{Op: "approve", ID: "s1", Status: 403, Message: "forbidden"}})
	if !m.readOnly() || m.keys.Approve.Enabled() {
		t.Fatal("403 did not disable actions")
	}
	if st, _, _ := row(t, m, "s1"); st != client.StateUploaded {
		t.Fatalf("row not rolled back: %s", st)
	}
}

func TestQuitAsksWhileActionsInFlight(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "a")
	_, cmd := m.Update(prompt.SubmittedMsg{Tag: "approve", Value: "meter"})
	if cmd == nil || len(m.ops) != 1 {
		t.Fatal("approve did not start")
	}
	press(m, "q")
	if m.dialog != dialogConfirm || m.quitting {
		t.Fatalf("q with an action in flight: dialog %v quitting %v", m.dialog, m.quitting)
	}
	for _, msg := range runCmd(press(m, "n")) {
		m.Update(msg)
	}
	if m.quitting || m.dialog != dialogNone {
		t.Fatal("n quit")
	}
	press(m, "q")
	for _, msg := range runCmd(press(m, "y")) {
		m.Update(msg)
	}
	if !m.quitting {
		t.Fatal("y did not quit")
	}
}

func TestQuitAtOnceWhenIdle(t *testing.T) {
	m := unitModel(t, Options{})
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil || !m.quitting {
		t.Fatal("q did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not return tea.Quit")
	}
	if m.ctx.Err() == nil {
		t.Fatal("quitting did not cancel requests and the stream")
	}
}

func TestKeyRebinding(t *testing.T) {
	m := unitModel(t, Options{KeyBindings: map[string][]string{"approve": {"A"}, "discard": {"x"}}},
		snap("s1", client.StateUploaded, time.Minute))
	press(m, "a")
	if m.dialog != dialogNone {
		t.Fatal("a still approves")
	}
	press(m, "A")
	if m.dialog != dialogPrompt {
		t.Fatal("A does not approve")
	}
	if _, err := DefaultKeyMap().Rebind(map[string][]string{"approve": {"d"}}); err == nil {
		t.Fatal("a key bound twice was accepted")
	}
	if _, err := DefaultKeyMap().Rebind(map[string][]string{"aprove": {"z"}}); err == nil ||
		!strings.Contains(err.Error(), "approve") {
		t.Fatalf("unknown action: %v", err)
	}
}

func TestCameraOutcomeShownWithReason(t *testing.T) {
	for _, early := range []bool{false, true} {
		m := unitModel(t, Options{})
		_, cmd := m.Update(keyMsg("c"))
		_ = cmd
		for _, msg := range runCmd(press(m, "2")) {
			m.Update(msg) // camera.ChosenMsg: sends the command
		}
		done := CameraDoneMsg{Op: m.nextOp, Type: client.CameraFlashOn, RequestID: "cam-1"}
		processed := client.Event{Type: client.EventSnapshotCameraRequestProcessed, SnapshotCameraRequestID: "cam-1",
			Succeeded: client.BoolPtr(false), AdditionalInformation: "device has no flash", Timestamp: fixedNow()}
		if early {
			m.Update(StreamUpdateMsg{Update: client.StreamUpdate{Events: []client.Event{processed}}})
			m.Update(done)
		} else {
			m.Update(done)
			m.Update(StreamUpdateMsg{Update: client.StreamUpdate{Events: []client.Event{processed}}})
		}
		if m.status.Kind != statusbar.Error || !strings.Contains(m.status.Text, "device has no flash") {
			t.Fatalf("early=%v: status %+v", early, m.status)
		}
	}
}

func TestServerStringsAreSanitized(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1\x1b[2J", client.StateUploaded, time.Minute))
	now := fixedNow()
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-2", CreatedAt: &now,
		Data: []byte(`{"customerName":"Mallory \u001b]0;pwned\u0007\u001b[31m"}`)}}})
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{Events: []client.Event{{Type: "Weird\x1b[31mEvent", Timestamp: now,
		Raw: []byte("{\"x\":\"\x1b]52;c;AAAA\x07\"}")}}}})
	press(m, "e")
	if v := m.View(); strings.ContainsAny(v, "\x1b\x07") {
		t.Fatalf("escape reached the screen: %q", v)
	}
}
