package review

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/tui/tasks"
)

// realAPI is the real client on a real simulator over loopback.
func realAPI(t *testing.T) (*client.Client, *sim.Server) {
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
	return c, s
}

func uploaded(t *testing.T, c *client.Client, s *sim.Server) client.Snapshot {
	t.Helper()
	for _, it := range s.Interactions() {
		snaps, err := c.ListSnapshots(context.Background(), it.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sn := range snaps {
			if sn.State == client.StateUploaded {
				return sn
			}
		}
	}
	t.Fatal("no uploaded snapshot in the demo")
	return client.Snapshot{}
}

func TestOneOperationPerSnapshotOverlaidUntilSettled(t *testing.T) {
	c, s := realAPI(t)
	ep, err := c.RegisterEndpoint(context.Background(), client.RegisterEndpointCommand{KeepAliveSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	sn := uploaded(t, c, s)
	m := New(context.Background(), c, ep, &tasks.Registry{})
	cmd, ok := m.Start(Op{Kind: Approve, SnapshotID: sn.ID, Type: "meter"})
	if !ok || cmd == nil {
		t.Fatal("approve not started")
	}
	if _, again := m.Start(Op{Kind: Discard, SnapshotID: sn.ID}); again {
		t.Fatal("a second operation on the same snapshot was started")
	}
	shown, label := m.Overlay(sn)
	if shown.State != client.StateApproved || shown.Type != "meter" || label != "approving" {
		t.Fatalf("overlay %v %q %q", shown.State, shown.Type, label)
	}
	settled, ok := m.Update(cmd())
	if !ok || settled.Err != nil || settled.Op.SnapshotID != sn.ID || m.Len() != 0 {
		t.Fatalf("settled %+v ok %v len %d", settled, ok, m.Len())
	}
	if shown, label := m.Overlay(sn); label != "" || shown.State != sn.State {
		t.Fatalf("overlay after settling: %v %q", shown.State, label)
	}
	got, err := c.GetSnapshot(context.Background(), sn.ID)
	if err != nil || got.State != client.StateApproved {
		t.Fatalf("server has %v (%v)", got.State, err)
	}
	// The server refuses a second review: the answer settles with its error.
	cmd, _ = m.Start(Op{Kind: Discard, SnapshotID: sn.ID})
	settled, ok = m.Update(cmd())
	var ae *client.APIError
	if !ok || !errors.As(settled.Err, &ae) {
		t.Fatalf("refusal settled as %+v", settled)
	}
	// An answer for nothing pending is not reported twice.
	if _, ok := m.Update(DoneMsg{Op: Op{Kind: Discard, SnapshotID: sn.ID}}); ok {
		t.Fatal("a stale answer was reported")
	}
}

// TestOperationsAreTasksOfTheRegistry: an operation in flight is a task of
// the registry it was given, counted with the others' tasks, and settling
// it finishes that task and no other.
func TestOperationsAreTasksOfTheRegistry(t *testing.T) {
	c, s := realAPI(t)
	ep, err := c.RegisterEndpoint(context.Background(), client.RegisterEndpointCommand{KeepAliveSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	sn := uploaded(t, c, s)
	var reg tasks.Registry
	upload := reg.Start("uploading a.jpg")
	m := New(context.Background(), c, ep, &reg)
	cmd, ok := m.Start(Op{Kind: Discard, SnapshotID: sn.ID})
	if !ok || reg.Len() != 2 || m.Len() != 1 {
		t.Fatalf("started %t: registry %d, review %d", ok, reg.Len(), m.Len())
	}
	if got := reg.Running(); !strings.HasPrefix(got[1].Text, "discarding ") || got[1].Value != (Op{Kind: Discard, SnapshotID: sn.ID}) {
		t.Fatalf("task %+v", got[1])
	}
	if _, ok := m.Start(Op{Kind: Approve, SnapshotID: ""}); ok {
		t.Fatal("an operation on no snapshot was started")
	}
	if _, ok := m.Update(cmd()); !ok {
		t.Fatal("the answer was not settled")
	}
	if got := reg.Running(); len(got) != 1 || got[0] != upload || m.Len() != 0 {
		t.Fatalf("after settling: %+v, review %d", got, m.Len())
	}
	if _, busy := m.Pending(sn.ID); busy {
		t.Fatal("a settled operation is still pending")
	}
}
