package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	camcorr "github.com/snapdash/snapdash/tui/camera"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/header"
	"github.com/snapdash/snapdash/views/statusbar"
)

// unitModel is a dashboard fed by hand-made messages: its commands are
// never run, so these tests check state logic alone.
func unitModel(t *testing.T, o Options, snaps ...client.Snapshot) *Model {
	t.Helper()
	now := fixedNow()
	o.NoStream, o.Now, o.Location, o.ImageMode = true, fixedNow, time.UTC, ImageModeNone
	if o.ArmDelay == 0 {
		o.ArmDelay = -1 // text fields take keys at once (arming has its own tests)
	}
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

// row returns snapshot id as the table shows it: its state, the operation
// in flight on it, its type.
func row(t *testing.T, m *Model, id string) (st client.SnapshotState, op, typ string) {
	t.Helper()
	r, ok := m.snaps.Row(id)
	if !ok {
		t.Fatalf("no row %s", id)
	}
	return r.Snapshot.State, r.Op, r.Snapshot.Type
}

// typeInto types s into the model one key at a time.
func typeInto(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func TestApproveShowsInFlightAndARefusalLeavesTheRow(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "a")
	if f := m.Focus(); f.Dialog != "approve" || f.Subject != "s1" {
		t.Fatalf("a opened %+v, want the approve question for s1", f)
	}
	// t picks another type: the picker starts on the snapshot's (meter);
	// up is car-damage; enter asks again, y approves as it.
	press(m, "t")
	if f := m.Focus(); f.Dialog != "approve type" {
		t.Fatalf("t opened %+v, want the type picker", f)
	}
	press(m, "k", "enter")
	if f := m.Focus(); f.Dialog != "approve" || openAs[*approveDialog](t, m).m.Type() != "car-damage" {
		t.Fatalf("enter in the picker left %+v as %q", f, openAs[*approveDialog](t, m).m.Type())
	}
	cmd := press(m, "y")
	if f := m.Focus(); f.Dialog != "" || f.InFlight != 1 || cmd == nil {
		t.Fatalf("y left %+v", f)
	}
	if st, op, typ := row(t, m, "s1"); st != client.StateApproved || op != "approving" || typ != "car-damage" {
		t.Fatalf("row in flight = %s %q %s", st, op, typ)
	}
	if m.status.Kind != statusbar.Progress {
		t.Fatalf("status %+v", m.status)
	}
	apiErr := &client.APIError{Op: "approve", ID: "s1", Status: 400, Fields: map[string]string{"state": "snapshot is APPROVED"}}
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s1", Type: "car-damage"}, Err: apiErr})
	if st, op, typ := row(t, m, "s1"); st != client.StateUploaded || op != "" || typ != "meter" {
		t.Fatalf("after refusal row = %s %q %s, want as the server said", st, op, typ)
	}
	if m.status.Kind != statusbar.Error || m.status.Text != apiErr.Error() {
		t.Fatalf("status = %+v, want the server's error %q", m.status, apiErr.Error())
	}
	if e, _ := m.events.Last(); e.Text != apiErr.Error() {
		t.Fatalf("events pane last = %q", e.Text)
	}
	if f := m.Focus(); f.InFlight != 0 {
		t.Fatalf("in flight after the answer: %d", f.InFlight)
	}
}

func TestDiscardAsksAndDefaultsToNo(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	cmd := press(m, "d")
	if f := m.Focus(); f.Dialog != "discard" || f.Subject != "s1" || cmd != nil {
		t.Fatalf("d: %+v", f)
	}
	// enter answers with the default: no.
	if press(m, "enter"); m.Focus().Dialog != "" || m.Focus().InFlight != 0 {
		t.Fatalf("enter left %+v", m.Focus())
	}
	if st, _, _ := row(t, m, "s1"); st != client.StateUploaded || m.status.Text != "discard cancelled" {
		t.Fatalf("enter discarded (%s) or said %q", st, m.status.Text)
	}
	press(m, "d")
	if cmd := press(m, "y"); cmd == nil || m.Focus().InFlight != 1 {
		t.Fatal("y sent nothing")
	}
	if st, op, _ := row(t, m, "s1"); st != client.StateDiscarded || op != "discarding" {
		t.Fatalf("y: row %s %q", st, op)
	}
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Discard, SnapshotID: "s1"}})
	if st, op, _ := row(t, m, "s1"); st != client.StateDiscarded || op != "" || m.status.Kind != statusbar.OK {
		t.Fatalf("after success: %s %q %+v", st, op, m.status)
	}
}

// TestKeysTypedAheadGoToWhatHasTheFocusNext: keys that arrive together
// (one read over a slow link) are handled before any command runs. The
// key after a dialog's answer must go to what has the focus then.
func TestKeysTypedAheadGoToWhatHasTheFocusNext(t *testing.T) {
	three := []client.Snapshot{snap("s1", client.StateUploaded, time.Minute), snap("s2", client.StateUploaded, 2*time.Minute),
		snap("s3", client.StateUploaded, 3*time.Minute)}
	// d enter y: enter said No; y copies the URL, it does not discard.
	m := unitModel(t, Options{}, three...)
	press(m, "d", "enter", "y")
	if st, op, _ := row(t, m, "s1"); st != client.StateUploaded || op != "" || m.review.ops.Len() != 0 {
		t.Fatalf("d enter y: row %s %q", st, op)
	}
	// r enter enter: one request; the second enter opens the preview.
	m = unitModel(t, Options{}, three...)
	press(m, "r", "enter", "enter")
	if n := m.Focus().InFlight; n != 1 || !m.preview.Full() {
		t.Fatalf("r enter enter: %d requests in flight, full preview %v", n, m.preview.Full())
	}
	// c 1 2: one command; 2 is no key of the table.
	m = unitModel(t, Options{}, three...)
	press(m, "c", "1", "2")
	if n := m.cam.Sending(); n != 1 || m.Focus().Dialog != "" {
		t.Fatalf("c 1 2: %d commands, focus %+v", n, m.Focus())
	}
	// a y j: the approval goes out and j moves the cursor.
	m = unitModel(t, Options{}, three...)
	press(m, "a", "y", "j")
	if f := m.Focus(); f.InFlight != 1 || f.Snapshot != "s2" {
		t.Fatalf("a y j: %+v", f)
	}
	// q enter y with an action in flight: enter said No; y does not quit.
	press(m, "q", "enter", "y")
	if m.quitting {
		t.Fatal("q enter y quit")
	}
}

// TestReadOnlyWhileTheDialogIsOpen: a 403 that turns actions off while the
// approve dialog is open refuses the submit, and the row is not left
// showing an operation that was never sent.
func TestReadOnlyWhileTheDialogIsOpen(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute), snap("s2", client.StateUploaded, 2*time.Minute))
	press(m, "a")
	m.Update(RequestDoneMsg{Op: 99, InteractionID: "int-1", Err: &client.APIError{Op: "request", Status: 403, Message: "forbidden"}})
	if !m.readOnly() || m.Focus().Dialog != "approve" {
		t.Fatalf("read-only %v, focus %+v", m.readOnly(), m.Focus())
	}
	press(m, "y")
	if st, op, _ := row(t, m, "s1"); st != client.StateUploaded || op != "" || m.Focus().InFlight != 0 {
		t.Fatalf("row %s %q after a refused approval", st, op)
	}
	if !strings.Contains(m.status.Text, "read-only") {
		t.Fatalf("status does not say why: %q", m.status.Text)
	}
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
	if m.live.cs.State != header.Live {
		t.Fatalf("conn %v", m.live.cs.State)
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
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-1", Snapshots: []client.Snapshot{snap("s9", client.StateUploaded, 0)}, Asked: 2})
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
	if f := m.Focus(); f.Dialog != "request" || f.Subject != "int-1" {
		t.Fatalf("r opened %+v", f)
	}
	if v := openAs[*requestDialog](t, m).m.Values(); v.TargetUserID != "cust-1" || v.TargetUserEndpointID != "cep-1" || v.Session != "CALL sess-1" {
		t.Fatalf("form not prefilled: %+v", v)
	}
	typeInto(m, "meter")
	press(m, "enter")
	if m.snaps.Total() != 1 {
		t.Fatalf("no requested row while in flight")
	}
	r, _ := m.snaps.Selected()
	if r.Snapshot.State != client.StateRequested {
		t.Fatalf("row %+v", r)
	}
	m.Update(RequestDoneMsg{Op: 1, TempID: r.Snapshot.ID, InteractionID: "int-1", Err: errors.New("request: 400 targetUserEndpointId: unknown")})
	if m.snaps.Total() != 0 || m.status.Kind != statusbar.Error {
		t.Fatalf("refused request left %d rows, status %+v", m.snaps.Total(), m.status)
	}
	// Accepted: the row takes the server's id, and the event that may come
	// first does not make a second row.
	press(m, "r", "enter")
	r, _ = m.snaps.Selected()
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{Events: []client.Event{ev(client.EventSnapshotRequested, "real-1")}}})
	m.Update(RequestDoneMsg{Op: 2, TempID: r.Snapshot.ID, InteractionID: "int-1", Result: client.SnapshotRequestResult{SnapshotID: "real-1"}})
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
		if f := m.Focus(); f.Dialog != "" {
			t.Fatalf("%s opened %s in read-only mode", k, f.Dialog)
		}
		if !strings.Contains(m.status.Text, "read-only") {
			t.Fatalf("%s did not say why: %q", k, m.status.Text)
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
	press(m, "a", "y")
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s1"}, Err: &client.APIError{Op: "approve", ID: "s1", Status: 403, Message: "forbidden"}})
	if !m.readOnly() || m.keys.Approve.Enabled() {
		t.Fatal("403 did not disable actions")
	}
	if st, op, _ := row(t, m, "s1"); st != client.StateUploaded || op != "" {
		t.Fatalf("row after the refusal: %s %q", st, op)
	}
}

func TestQuitAsksWhileActionsInFlight(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	if cmd := press(m, "a", "y"); cmd == nil || m.Focus().InFlight != 1 {
		t.Fatal("approve did not start")
	}
	press(m, "q")
	if f := m.Focus(); f.Dialog != "quit" || m.quitting {
		t.Fatalf("q with an action in flight: %+v quitting %v", f, m.quitting)
	}
	press(m, "n")
	if m.quitting || m.Focus().Dialog != "" {
		t.Fatal("n quit")
	}
	press(m, "q", "y")
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
	if m.Focus().Dialog != "" {
		t.Fatal("a still approves")
	}
	press(m, "A")
	if m.Focus().Dialog != "approve" {
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
		if cmd := press(m, "c", "2"); cmd == nil || m.cam.Sending() != 1 {
			t.Fatal("c 2 sent nothing")
		}
		done := camcorr.SentMsg{Type: client.CameraFlashOn, RequestID: "cam-1"}
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

// TestEventLinesNameWhatIsKnownWhenDrawn: a replayed picture that arrives
// before its interaction's details first names the customer by user id;
// once the details are in, the same line says who it was.
func TestEventLinesNameWhatIsKnownWhenDrawn(t *testing.T) {
	m := unitModel(t, Options{})
	acq := client.Event{Type: client.EventSnapshotAcquired, Seq: 7, InteractionID: "int-9", SnapshotID: "s-9",
		SnapshotType: "meter", UserID: "cust-9", Timestamp: fixedNow()}
	m.Update(live(acq))
	line := func() string {
		for i := 0; i < m.events.Len(); i++ {
			if e := m.events.At(i); e.Seq == 7 {
				return m.events.Line(e)
			}
		}
		t.Fatal("no line for the event")
		return ""
	}
	if l := line(); !strings.Contains(l, "cust-9 uploaded a meter picture") {
		t.Fatalf("before the details: %q", l)
	}
	now := fixedNow()
	m.Update(InteractionLoadedMsg{ID: "int-9", Interaction: client.Interaction{ID: "int-9", CreatedAt: &now,
		Data: []byte(`{"customerName":"Mallory","customerUserId":"cust-9"}`)}})
	if l := line(); !strings.Contains(l, "Mallory sent a meter picture") {
		t.Fatalf("after the details: %q", l)
	}
}

// TestCustomerDeviceFromTheAPI: an interaction whose data names no
// customer still has one: its newest snapshot's userId and userEndpointId.
// With none known, the camera menu asks instead of failing.
func TestCustomerDeviceFromTheAPI(t *testing.T) {
	m := unitModel(t, Options{})
	now := fixedNow()
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-x", CreatedAt: &now}}})
	older, newer := fixedNow().Add(-time.Hour), fixedNow().Add(-time.Minute)
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-x", Snapshots: []client.Snapshot{
		{ID: "x1", InteractionID: "int-x", State: client.StateApproved, UserID: "old-user", UserEndpointID: "old-ep", CreatedAt: &older},
		{ID: "x2", InteractionID: "int-x", State: client.StateUploaded, UserID: "cust-x", UserEndpointID: "ep-x", CreatedAt: &newer},
	}})
	m.selectInteraction("int-x")
	press(m, "r")
	if v := openAs[*requestDialog](t, m).m.Values(); v.TargetUserID != "cust-x" || v.TargetUserEndpointID != "ep-x" {
		t.Fatalf("request form prefilled with %+v, want the newest snapshot's customer", v)
	}
	press(m, "esc", "c")
	if f := m.Focus(); f.Dialog != "camera" || openAs[*cameraDialog](t, m).m.Asking() {
		t.Fatalf("camera menu: %+v asking %v", f, openAs[*cameraDialog](t, m).m.Asking())
	}
	press(m, "esc")
	// No snapshot, no data: the menu asks for the device.
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-y", CreatedAt: &now}}})
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-y"})
	m.selectInteraction("int-y")
	press(m, "c")
	if !openAs[*cameraDialog](t, m).m.Asking() || !strings.Contains(m.View(), "Customer user id") {
		t.Fatalf("the camera menu does not ask for the device:\n%s", m.View())
	}
	typeInto(m, "u9")
	press(m, "tab")
	typeInto(m, "e9")
	press(m, "tab")
	if cmd := press(m, "2"); cmd == nil || m.cam.Sending() != 1 || m.Focus().Dialog != "" {
		t.Fatalf("the command was not sent: %+v", m.Focus())
	}
}

// TestQuitQuestionFollowsWhatIsInFlight: the question never names an
// action that has been answered since it was asked.
func TestQuitQuestionFollowsWhatIsInFlight(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "a", "y", "q")
	if v := m.View(); !strings.Contains(v, "1 action is still in flight") {
		t.Fatalf("quit question:\n%s", v)
	}
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s1"}})
	if v := m.View(); strings.Contains(v, "still in flight") || !strings.Contains(v, "Every action has been answered") {
		t.Fatalf("quit question after the answer:\n%s", v)
	}
}

// TestOneEllipsis: a progress message about a long id ends with one
// ellipsis, not the id's and the message's.
func TestOneEllipsis(t *testing.T) {
	m := unitModel(t, Options{}, snap("0123456789abcdef0123456789abcdef", client.StateUploaded, time.Minute))
	press(m, "a", "y")
	if strings.Contains(m.status.Text, "……") {
		t.Fatalf("status %q", m.status.Text)
	}
}
