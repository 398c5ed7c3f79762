package camera

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/tui/tasks"
)

// world is the real client on a real simulator over loopback, whose demo
// customers' devices answer camera commands, with the agent's endpoint and
// its event stream.
type world struct {
	c      *client.Client
	s      *sim.Server
	ep     string
	events <-chan client.StreamUpdate
}

func newWorld(t *testing.T) *world {
	t.Helper()
	s, err := sim.New(sim.Options{Seed: 1, Demo: true, Customers: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	c, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ep, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	// Replay: the answers to commands sent before the stream connected
	// come too.
	st := c.Stream(ctx, client.StreamOptions{UserEndpointID: ep, Replay: true})
	t.Cleanup(st.Close)
	return &world{c: c, s: s, ep: ep, events: st.Updates()}
}

// device is a demo customer's device with or without a flash.
func (w *world) device(t *testing.T, flash bool) sim.Device {
	t.Helper()
	for _, d := range w.s.Devices() {
		if d.HasFlash == flash {
			return d
		}
	}
	t.Fatalf("no demo device with flash %t", flash)
	return sim.Device{}
}

// answer waits for the device's answer to request id on the stream.
func (w *world) answer(t *testing.T, id string) client.Event {
	t.Helper()
	deadline := time.After(30 * time.Second) // only bounds a hang
	for {
		select {
		case u := <-w.events:
			for _, ev := range u.Events {
				if ev.Type == client.EventSnapshotCameraRequestProcessed && ev.SnapshotCameraRequestID == id {
					return ev
				}
			}
		case <-deadline:
			t.Fatalf("no answer to camera request %s", id)
		}
	}
}

func flashOn(d sim.Device) client.CameraRequestCommand {
	return client.CameraRequestCommand{TargetUserID: d.UserID, TargetUserEndpointID: d.UserEndpointID,
		CameraRequestType: client.CameraFlashOn}
}

// TestCommandIsATaskUntilItsReply: a command awaiting the server's reply
// is a camera task of the shared registry, counted with the rest of the
// work in flight, and its reply finishes it; the device's later answer is
// matched to it and said with the device's reason.
func TestCommandIsATaskUntilItsReply(t *testing.T) {
	w := newWorld(t)
	var reg tasks.Registry
	upload := reg.Start("uploading a.jpeg") // another feature's work
	m := New(context.Background(), w.c, w.ep, &reg)
	cmd := m.Send(flashOn(w.device(t, false)), "camera: sending Flash on to Ada")
	if m.Sending() != 1 || reg.Len() != 2 || reg.Count(Kind) != 1 {
		t.Fatalf("sending %d, registry %d (camera %d)", m.Sending(), reg.Len(), reg.Count(Kind))
	}
	if got := reg.Running()[1]; got.Text != "camera: sending Flash on to Ada" || got.Kind != Kind {
		t.Fatalf("task %+v", got)
	}
	sent := cmd().(SentMsg)
	if sent.Err != nil || sent.RequestID == "" {
		t.Fatalf("reply %+v", sent)
	}
	o, ok := m.Update(sent)
	if !ok || o.Err != nil || o.Answer != nil || m.Sending() != 0 || reg.Len() != 1 {
		t.Fatalf("outcome %+v ok %t, sending %d, registry %d", o, ok, m.Sending(), reg.Len())
	}
	if text, good := o.Text(); !good || text != "camera: Flash on sent; waiting for the device" {
		t.Fatalf("sent text %q %t", text, good)
	}
	if _, ok := reg.Finish(upload.ID); !ok {
		t.Fatal("the other feature's task was finished by the camera's reply")
	}
	o, ok = m.Event(w.answer(t, sent.RequestID))
	if !ok || o.Answer == nil || o.Succeeded() || o.Type != client.CameraFlashOn {
		t.Fatalf("answer outcome %+v ok %t", o, ok)
	}
	if text, good := o.Text(); good || text != "camera: Flash on failed: device has no flash" {
		t.Fatalf("answer text %q %t", text, good)
	}
	if typ, ok := m.Type(sent.RequestID); !ok || typ != client.CameraFlashOn {
		t.Fatalf("type of the request: %q %t", typ, ok)
	}
}

// TestEarlyAnswerKeptOnlyWhileACommandAwaits: the device's answer may come
// before the server's reply; it is kept for that reply while a camera task
// is in flight, and not kept when none is (another agent's command).
func TestEarlyAnswerKeptOnlyWhileACommandAwaits(t *testing.T) {
	w := newWorld(t)
	var reg tasks.Registry
	m := New(context.Background(), w.c, w.ep, &reg)
	d := w.device(t, true)
	sent := m.Send(flashOn(d), "camera: sending Flash on")().(SentMsg)
	if sent.Err != nil {
		t.Fatal(sent.Err)
	}
	// The answer first: not ours yet, but kept.
	if _, ok := m.Event(w.answer(t, sent.RequestID)); ok {
		t.Fatal("an answer was matched before the reply naming its request")
	}
	o, ok := m.Update(sent)
	if !ok || o.Answer == nil || !o.Succeeded() || reg.Len() != 0 {
		t.Fatalf("outcome %+v ok %t, registry %d", o, ok, reg.Len())
	}
	if text, good := o.Text(); !good || text != "camera: Flash on done by the customer's device" {
		t.Fatalf("answer text %q %t", text, good)
	}
	// Another agent's command: with nothing of ours in flight its answer
	// is not kept, so a reply naming it later finds no answer.
	cmd := flashOn(d)
	cmd.UserEndpointID = w.ep
	id, err := w.c.CameraRequest(context.Background(), cmd)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Event(w.answer(t, id)); ok {
		t.Fatal("another agent's answer was taken as ours")
	}
	if o, _ := m.Update(SentMsg{Type: client.CameraFlashOn, RequestID: id}); o.Answer != nil {
		t.Fatalf("an answer kept with no command in flight: %+v", o)
	}
}

// TestRefusedCommandFinishesItsTask: the server's refusal comes back as
// the outcome's error, said as the server said it, and the task is over.
func TestRefusedCommandFinishesItsTask(t *testing.T) {
	w := newWorld(t)
	var reg tasks.Registry
	m := New(context.Background(), w.c, w.ep, &reg)
	cmd := client.CameraRequestCommand{TargetUserID: "nobody", TargetUserEndpointID: "nowhere", CameraRequestType: client.CameraSwitch}
	o, ok := m.Update(m.Send(cmd, "camera: sending Switch camera")())
	if !ok || o.Err == nil || reg.Len() != 0 || m.Sending() != 0 {
		t.Fatalf("outcome %+v ok %t, registry %d", o, ok, reg.Len())
	}
	if text, good := o.Text(); good || text != o.Err.Error() || strings.TrimSpace(text) == "" {
		t.Fatalf("refusal text %q %t", text, good)
	}
	if _, ok := m.Update("not a reply"); ok {
		t.Fatal("Update took another message as a reply")
	}
}

func TestSendingTextNamesTheCommandAndTheInteraction(t *testing.T) {
	if got := SendingText(client.CameraFlashOff, "Ada Lovelace"); got != "camera: sending Flash off to Ada Lovelace" {
		t.Fatalf("%q", got)
	}
	if got := Label("ZOOM\x1b[2J"); strings.ContainsRune(got, '\x1b') {
		t.Fatalf("an unknown type reached the screen raw: %q", got)
	}
}
