// Package camera correlates the dashboard's camera commands with the
// device's answers. A command goes out (Send); the server accepts it with
// a request id (SentMsg); the customer's device answers later with a
// SnapshotCameraRequestProcessedEvent naming that id, which may arrive
// before the server's own reply does. One table, keyed by request id,
// holds what is known of each command, ours or another agent's, so the
// events pane can name every answer ("Flash on: done").
//
// A command awaiting the server's reply is a task of the dashboard's one
// registry (tui/tasks, of Kind), so the root counts work in flight in one
// place; the package says in words what became of each command (Text).
package camera

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/tasks"
	camview "github.com/snapdash/snapdash/views/camera"
)

// Kind is the kind of the registry's tasks that are camera commands
// awaiting the server's reply.
const Kind = "camera"

// maxKnown bounds the commands remembered; the oldest go first.
const maxKnown = 1024

// API is what the correlator calls; *client.Client satisfies it.
type API interface {
	CameraRequest(ctx context.Context, cmd client.CameraRequestCommand) (string, error)
}

// SentMsg is the server's reply to one command.
type SentMsg struct {
	// Task is the command's task in the registry, finished by Update.
	Task      tasks.ID
	Type      client.CameraRequestType
	RequestID string
	Err       error
}

// Outcome is what Update and Event report about one of our commands.
type Outcome struct {
	Type client.CameraRequestType
	// Err is the server's refusal of the command.
	Err error
	// Answer is the device's answer, once it came.
	Answer *client.Event
}

// Succeeded reports whether the device did what was asked.
func (o Outcome) Succeeded() bool {
	return o.Answer != nil && o.Answer.Succeeded != nil && *o.Answer.Succeeded
}

type known struct {
	typ  client.CameraRequestType
	ours bool
	// early is the device's answer that came before the server's reply.
	early *client.Event
}

// Model is the correlator.
type Model struct {
	api      API
	ctx      context.Context
	endpoint string
	// tasks is the dashboard's registry, shared with the other features:
	// the commands awaiting a reply are its tasks of Kind.
	tasks *tasks.Registry
	byID  map[string]*known
	order []string
}

// New returns a correlator sending with api under ctx as endpoint, its
// commands in flight counted in reg.
func New(ctx context.Context, api API, endpoint string, reg *tasks.Registry) *Model {
	return &Model{api: api, ctx: ctx, endpoint: endpoint, tasks: reg, byID: map[string]*known{}}
}

// Send sends cmd, a task in the registry saying text until Update takes
// its reply (a SentMsg).
func (m *Model) Send(cmd client.CameraRequestCommand, text string) tea.Cmd {
	t := m.tasks.StartKind(Kind, text)
	cmd.UserEndpointID = m.endpoint
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		id, err := api.CameraRequest(ctx, cmd)
		return SentMsg{Task: t.ID, Type: cmd.CameraRequestType, RequestID: id, Err: err}
	}
}

// Sending is how many commands await the server's reply.
func (m *Model) Sending() int { return m.tasks.Count(Kind) }

func (m *Model) remember(id string) *known {
	if k, ok := m.byID[id]; ok {
		return k
	}
	if len(m.order) >= maxKnown {
		delete(m.byID, m.order[0])
		m.order = m.order[1:]
	}
	k := &known{}
	m.byID[id] = k
	m.order = append(m.order, id)
	return k
}

// Update handles a SentMsg: the command was refused, accepted, or already
// answered by the device (its answer came first). ok is false for any
// other message.
func (m *Model) Update(msg tea.Msg) (o Outcome, ok bool) {
	s, isSent := msg.(SentMsg)
	if !isSent {
		return Outcome{}, false
	}
	m.tasks.Finish(s.Task)
	o.Type = s.Type
	if s.Err != nil || s.RequestID == "" {
		o.Err = s.Err
		return o, true
	}
	k := m.remember(s.RequestID)
	k.typ, k.ours = s.Type, true
	if k.early != nil {
		o.Answer, k.early = k.early, nil
	}
	return o, true
}

// Event takes a camera event from the stream. For the device's answer to
// one of our commands it returns the outcome (ok true). An answer naming a
// request id not yet known while a command of ours awaits its reply is
// kept for that reply.
func (m *Model) Event(ev client.Event) (o Outcome, ok bool) {
	id := ev.SnapshotCameraRequestID
	if id == "" {
		return Outcome{}, false
	}
	switch ev.Type {
	case client.EventSnapshotCameraRequested:
		k := m.remember(id)
		if k.typ == "" {
			k.typ = ev.CameraRequestType
		}
	case client.EventSnapshotCameraRequestProcessed:
		k, known := m.byID[id]
		switch {
		case known && k.ours:
			a := ev
			return Outcome{Type: k.typ, Answer: &a}, true
		case m.Sending() > 0:
			a := ev
			m.remember(id).early = &a
		}
	}
	return Outcome{}, false
}

// Type returns the command a request id names, when known.
func (m *Model) Type(requestID string) (client.CameraRequestType, bool) {
	if k, ok := m.byID[requestID]; ok && k.typ != "" {
		return k.typ, true
	}
	return "", false
}

// Label names a command as the menu does ("Flash on").
func Label(t client.CameraRequestType) string { return camview.Label(t) }

// SendingText is what the status line says while a command of type t goes
// to the customer's device of the interaction titled to.
func SendingText(t client.CameraRequestType, to string) string {
	return "camera: sending " + Label(t) + " to " + to
}

// Text is what the status line says of o: the command on its way, or the
// device's answer, with the device's reason when it failed. ok is false
// when the server refused the command (then the text is the server's
// error) or the device failed.
func (o Outcome) Text() (text string, ok bool) {
	label := Label(o.Type)
	switch {
	case o.Err != nil:
		return o.Err.Error(), false
	case o.Answer == nil:
		return "camera: " + label + " sent; waiting for the device", true
	case o.Succeeded():
		return "camera: " + label + " done by the customer's device", true
	}
	reason := o.Answer.AdditionalInformation
	if reason == "" {
		reason = "no reason given"
	}
	return "camera: " + label + " failed: " + reason, false
}
