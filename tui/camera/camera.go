// Package camera correlates the dashboard's camera commands with the
// device's answers. A command goes out (Send); the server accepts it with
// a request id (SentMsg); the customer's device answers later with a
// SnapshotCameraRequestProcessedEvent naming that id, which may arrive
// before the server's own reply does. One table, keyed by request id,
// holds what is known of each command, ours or another agent's, so the
// events pane can name every answer ("Flash on: done").
package camera

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
)

// maxKnown bounds the commands remembered; the oldest go first.
const maxKnown = 1024

// API is what the correlator calls; *client.Client satisfies it.
type API interface {
	CameraRequest(ctx context.Context, cmd client.CameraRequestCommand) (string, error)
}

// SentMsg is the server's reply to one command.
type SentMsg struct {
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
	sending  int
	byID     map[string]*known
	order    []string
}

// New returns a correlator sending with api under ctx as endpoint.
func New(ctx context.Context, api API, endpoint string) *Model {
	return &Model{api: api, ctx: ctx, endpoint: endpoint, byID: map[string]*known{}}
}

// Send sends cmd; its reply comes back as a SentMsg for Update.
func (m *Model) Send(cmd client.CameraRequestCommand) tea.Cmd {
	m.sending++
	cmd.UserEndpointID = m.endpoint
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		id, err := api.CameraRequest(ctx, cmd)
		return SentMsg{Type: cmd.CameraRequestType, RequestID: id, Err: err}
	}
}

// Sending is how many commands await the server's reply.
func (m *Model) Sending() int { return m.sending }

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
	m.sending = max(0, m.sending-1)
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
		case m.sending > 0:
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
