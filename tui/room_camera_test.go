package tui

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	camcorr "github.com/snapdash/snapdash/tui/camera"
	camview "github.com/snapdash/snapdash/views/camera"
	"github.com/snapdash/snapdash/views/statusbar"
)

// TestCameraCommandIsATaskOfTheOneRegistry: a camera command awaiting the
// server's reply is counted from the one registry together with the other
// actions (Focus().InFlight, the quit question), and its reply ends it and
// only it. Both calls are real, to the simulator over loopback.
func TestCameraCommandIsATaskOfTheOneRegistry(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	d := f.sim.Devices()[0]
	o := f.options()
	o.ImageMode = ImageModeNone
	m := New(o)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(InteractionsLoadedMsg{Interactions: f.sim.Interactions()})

	send := m.cam.request(CameraChosen{InteractionID: d.InteractionID, Type: client.CameraFlashOff,
		Target: camview.Target{UserID: d.UserID, UserEndpointID: d.UserEndpointID}})
	if send == nil || m.status.Kind != statusbar.Progress || !strings.HasPrefix(m.status.Text, "camera: sending Flash off to ") {
		t.Fatalf("the command was not sent: %+v", m.status)
	}
	// An upload of a file that is not there: a second task, answered
	// with the error.
	upload := m.files.upload(UploadChosen{InteractionID: d.InteractionID, Path: filepath.Join(t.TempDir(), "gone.jpeg")})
	if fo := m.Focus(); upload == nil || fo.InFlight != 2 || m.tasks.Count(camcorr.Kind) != 1 || m.cam.Sending() != 1 {
		t.Fatalf("in flight %d (camera %d), want 2 (1)", fo.InFlight, m.tasks.Count(camcorr.Kind))
	}
	press(m, "q")
	if v := m.View(); !strings.Contains(v, "2 actions are still in flight") {
		t.Fatalf("quit question:\n%s", v)
	}
	m.Update(send())
	if fo := m.Focus(); fo.InFlight != 1 || m.cam.Sending() != 0 || fo.Dialog != "quit" {
		t.Fatalf("after the camera's reply: %+v, camera %d", fo, m.cam.Sending())
	}
	if m.status.Text != "camera: Flash off sent; waiting for the device" {
		t.Fatalf("status %+v", m.status)
	}
	if v := m.View(); !strings.Contains(v, "1 action is still in flight") {
		t.Fatalf("the quit question still names the camera command:\n%s", v)
	}
	m.Update(upload())
	if fo := m.Focus(); fo.InFlight != 0 || m.status.Kind != statusbar.Error {
		t.Fatalf("after the upload's answer: %+v, status %+v", fo, m.status)
	}
}

// TestDeviceAnswerBeforeTheReplyRingsTheBell: an answer the device sent
// before the server's reply is news when the reply comes, as a later one
// is: with Options.Bell the terminal bell rings once, without it never.
func TestDeviceAnswerBeforeTheReplyRingsTheBell(t *testing.T) {
	for _, bell := range []bool{false, true} {
		var out bytes.Buffer
		m := unitModel(t, Options{Bell: bell, Output: &out})
		if cmd := press(m, "c", "2"); cmd == nil || m.cam.Sending() != 1 {
			t.Fatal("c 2 sent nothing")
		}
		m.Update(StreamUpdateMsg{Update: client.StreamUpdate{Events: []client.Event{{
			Type: client.EventSnapshotCameraRequestProcessed, SnapshotCameraRequestID: "cam-1",
			Succeeded: client.BoolPtr(true), Timestamp: fixedNow()}}}})
		ring := m.cam.onSent(camcorr.SentMsg{Type: client.CameraFlashOn, RequestID: "cam-1"})
		if m.status.Text != "camera: Flash on done by the customer's device" {
			t.Fatalf("bell %t: status %+v", bell, m.status)
		}
		if !bell {
			if ring != nil {
				t.Fatal("a bell command without Options.Bell")
			}
			continue
		}
		if ring == nil {
			t.Fatal("no bell for the device's answer")
		}
		ring()
		if out.String() != "\a" {
			t.Fatalf("output %q, want one bell", out.String())
		}
	}
}
