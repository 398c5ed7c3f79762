package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// driver runs a Model the way Bubble Tea does, but on the test's
// goroutine, so the test can look at the model between messages: every
// command runs in its own goroutine and its message comes back to Update
// here. Spinner and connection ticks are dropped (they would tick forever).
type driver struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
	done chan struct{}
}

func newDriver(t *testing.T, opts Options, w, h int) *driver {
	t.Helper()
	m := New(opts)
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg, 256), done: make(chan struct{})}
	t.Cleanup(func() {
		m.Close()
		close(d.done)
	})
	d.run(m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// run executes cmd in the background; its message is handled by a later
// wait.
func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		select {
		case d.msgs <- msg:
		case <-d.done:
		}
	}()
}

// send delivers msg to Update and runs the command it returns.
func (d *driver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// key types one key.
func (d *driver) key(ks ...string) {
	for _, k := range ks {
		d.send(keyMsg(k))
	}
}

// until handles messages until cond holds.
func (d *driver) until(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(15 * time.Second)
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		case <-deadline:
			d.t.Fatalf("timed out waiting for %s; screen:\n%s", what, d.m.View())
		}
	}
}

func (d *driver) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, spinner.TickMsg, ConnTickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	default:
		d.send(msg)
	}
}

// settled reports whether the wanted picture (or its error) is shown and
// no job is running.
func (d *driver) settled() bool {
	return d.m.preview.Settled()
}

// view is the screen as a golden file holds it.
func (d *driver) view() []byte { return []byte(spinnerFrames.Replace(d.m.View())) }

// stubAPI is the real client with Download replaced.
type stubAPI struct {
	API
	download func(ctx context.Context, id string) (client.Image, error)
}

func (s stubAPI) Download(ctx context.Context, id string) (client.Image, error) {
	return s.download(ctx, id)
}

// upload puts data into interaction iid as the fixture's agent, as the
// newest snapshot (so the table selects it first), and returns its id.
func (f *fixture) upload(t *testing.T, iid string, data []byte) string {
	t.Helper()
	var it client.Interaction
	for _, i := range f.sim.Interactions() {
		if i.ID == iid {
			it = i
		}
	}
	var d struct {
		CustomerUserID         string `json:"customerUserId"`
		CustomerUserEndpointID string `json:"customerUserEndpointId"`
	}
	if err := json.Unmarshal(it.Data, &d); err != nil {
		t.Fatal(err)
	}
	res, err := f.api.Upload(context.Background(), client.UploadCommand{
		ApplicationID: "snapdash-test", TargetUserID: d.CustomerUserID, TargetUserEndpointID: d.CustomerUserEndpointID,
		InteractionID: iid, UserEndpointID: f.ep, SnapshotType: "other",
	}, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return res.SnapshotID
}

// frameKeyOf is the cache key of snapshot id's frame at the pane's
// current options, at fit.
func frameKeyOf(m *Model, id string) string {
	return m.preview.KeyFor(id)
}

// zoomOf is the full-screen zoom (1: fit).
func zoomOf(m *Model) float64 { z, _, _ := m.preview.Zoom(); return z }

// frameOf is the frame on screen.
func frameOf(m *Model) termgfx.Frame { f, _, _ := m.preview.Frame(); return f }

// hasFrame reports whether a frame is on screen.
func hasFrame(m *Model) bool { _, _, ok := m.preview.Frame(); return ok }
