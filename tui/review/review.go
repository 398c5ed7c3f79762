// Package review is the dashboard's review operations: approving and
// discarding snapshots, one at a time or marked in bulk. An operation in
// flight is kept in the dashboard's one task registry (tui/tasks), keyed
// by its snapshot, and nowhere else: the store keeps what the server said,
// and the table shows the store's row with the pending operation laid over
// it (Overlay). So a refused operation needs no rollback (the store never
// changed) and an operation that was never sent leaves no trace.
package review

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/tui/tasks"
)

// Kind is what an operation does.
type Kind int

// The operations.
const (
	Approve Kind = iota + 1
	Discard
)

// String is the operation's name ("approve").
func (k Kind) String() string {
	if k == Discard {
		return "discard"
	}
	return "approve"
}

// Verb is the operation's past tense ("approved").
func (k Kind) Verb() string {
	if k == Discard {
		return "discarded"
	}
	return "approved"
}

// Progressive is the label the table shows while it is in flight.
func (k Kind) Progressive() string {
	if k == Discard {
		return "discarding"
	}
	return "approving"
}

// State is the snapshot's state once the operation succeeds.
func (k Kind) State() client.SnapshotState {
	if k == Discard {
		return client.StateDiscarded
	}
	return client.StateApproved
}

// Op is one operation in flight.
type Op struct {
	Kind       Kind
	SnapshotID string
	// Type overrides the snapshot type on approval ("" keeps it).
	Type string
}

// API is what the operations call; *client.Client satisfies it.
type API interface {
	Approve(ctx context.Context, cmd client.SnapshotApproveCommand) error
	Discard(ctx context.Context, cmd client.SnapshotDiscardCommand) error
}

// DoneMsg is the server's answer to one operation.
type DoneMsg struct {
	Op  Op
	Err error
}

// Settled is what Update reports when an operation ended: the server
// accepted it (Err nil) or refused it.
type Settled struct {
	Op  Op
	Err error
}

// Model sends the operations and finds them in flight: each is a task of
// the dashboard's registry, keyed by its snapshot, so the spinner, the
// quit question and Focus().InFlight count them with every other action.
type Model struct {
	api      API
	ctx      context.Context
	endpoint string
	tasks    *tasks.Registry // the dashboard's, shared with every feature
}

// snapshotKey is the registry key of the operation on a snapshot: one
// operation per snapshot is in flight.
type snapshotKey string

// New returns a model sending with api under ctx, as the user endpoint
// endpoint, keeping its operations in flight in reg.
func New(ctx context.Context, api API, endpoint string, reg *tasks.Registry) *Model {
	return &Model{api: api, ctx: ctx, endpoint: endpoint, tasks: reg}
}

// Start sends op unless one is already in flight for its snapshot: a
// snapshot is reviewed once. ok is false when nothing was sent.
func (m *Model) Start(op Op) (cmd tea.Cmd, ok bool) {
	if op.SnapshotID == "" {
		return nil, false
	}
	text := op.Kind.Progressive() + " " + sanitize.Truncate(op.SnapshotID, 24)
	if _, ok := m.tasks.StartOn(snapshotKey(op.SnapshotID), text, op); !ok {
		return nil, false
	}
	api, ctx, ep := m.api, m.ctx, m.endpoint
	return func() tea.Msg {
		var err error
		switch op.Kind {
		case Approve:
			err = api.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: op.SnapshotID, UserEndpointID: ep, SnapshotType: op.Type})
		case Discard:
			err = api.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: op.SnapshotID, UserEndpointID: ep})
		}
		return DoneMsg{Op: op, Err: err}
	}, true
}

// Update settles the operation a DoneMsg answers, finishing its task. ok
// is false for any other message, and for an answer to an operation no
// longer pending.
func (m *Model) Update(msg tea.Msg) (Settled, bool) {
	d, isDone := msg.(DoneMsg)
	if !isDone {
		return Settled{}, false
	}
	t, ok := m.tasks.On(snapshotKey(d.Op.SnapshotID))
	if !ok {
		return Settled{}, false
	}
	m.tasks.Finish(t.ID)
	return Settled(d), true
}

// Pending returns the operation in flight on snapshot id.
func (m *Model) Pending(id string) (Op, bool) {
	t, ok := m.tasks.On(snapshotKey(id))
	if !ok {
		return Op{}, false
	}
	op, ok := t.Value.(Op)
	return op, ok
}

// Len is how many review operations are in flight (the registry's Len
// counts every action).
func (m *Model) Len() int {
	n := 0
	for _, t := range m.tasks.Running() {
		if _, ok := t.Key.(snapshotKey); ok {
			n++
		}
	}
	return n
}

// Overlay returns s as the reviewer should see it: with the state and type
// an operation in flight will give it, and that operation's label ("" when
// none is in flight).
func (m *Model) Overlay(s client.Snapshot) (client.Snapshot, string) {
	op, ok := m.Pending(s.ID)
	if !ok {
		return s, ""
	}
	s.State = op.Kind.State()
	if op.Type != "" {
		s.Type = op.Type
	}
	return s, op.Kind.Progressive()
}
