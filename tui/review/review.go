// Package review is the dashboard's review operations: approving and
// discarding snapshots. An operation in flight is kept here, keyed by its
// snapshot, and nowhere else: the store keeps what the server said, and
// the table shows the store's row with the pending operation laid over it
// (Overlay). So a refused operation needs no rollback (the store never
// changed) and an operation that was never sent leaves no trace.
package review

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
)

// Kind is what an operation does.
type Kind int

// The operations.
const (
	Approve Kind = iota + 1
	Discard
)

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

// Model holds the operations in flight.
type Model struct {
	api      API
	ctx      context.Context
	endpoint string
	pending  map[string]Op
}

// New returns an empty model sending with api under ctx, as the user
// endpoint endpoint.
func New(ctx context.Context, api API, endpoint string) *Model {
	return &Model{api: api, ctx: ctx, endpoint: endpoint, pending: map[string]Op{}}
}

// Start sends op unless one is already in flight for its snapshot: a
// snapshot is reviewed once. ok is false when nothing was sent.
func (m *Model) Start(op Op) (cmd tea.Cmd, ok bool) {
	if op.SnapshotID == "" {
		return nil, false
	}
	if _, busy := m.pending[op.SnapshotID]; busy {
		return nil, false
	}
	m.pending[op.SnapshotID] = op
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

// Update settles the operation a DoneMsg answers. ok is false for any
// other message, and for an answer to an operation no longer pending.
func (m *Model) Update(msg tea.Msg) (Settled, bool) {
	d, isDone := msg.(DoneMsg)
	if !isDone {
		return Settled{}, false
	}
	if _, ok := m.pending[d.Op.SnapshotID]; !ok {
		return Settled{}, false
	}
	delete(m.pending, d.Op.SnapshotID)
	return Settled(d), true
}

// Pending returns the operation in flight on snapshot id.
func (m *Model) Pending(id string) (Op, bool) {
	op, ok := m.pending[id]
	return op, ok
}

// Len is how many operations are in flight.
func (m *Model) Len() int { return len(m.pending) }

// Overlay returns s as the reviewer should see it: with the state and type
// an operation in flight will give it, and that operation's label ("" when
// none is in flight).
func (m *Model) Overlay(s client.Snapshot) (client.Snapshot, string) {
	op, ok := m.pending[s.ID]
	if !ok {
		return s, ""
	}
	s.State = op.Kind.State()
	if op.Type != "" {
		s.Type = op.Type
	}
	return s, op.Kind.Progressive()
}
