package client

import (
	"testing"
	"time"
)

func TestStreamReplayAsksForHistoryThenResumes(t *testing.T) {
	noLeaks(t)
	// The first connection ends after 3 events: the second must resume
	// from the last one, not ask for the whole history again.
	srv := newSSEServer(t, func(n int) connPolicy {
		if n == 1 {
			return connPolicy{maxEvents: 3}
		}
		return connPolicy{}
	})
	srv.publish(5, EventSnapshotRequested)
	st := startStream(t, srv, StreamOptions{UserEndpointID: "ep1", Replay: true}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 5 })
	checkSeqs(t, c.events, 1, 5)
	srv.publish(2, EventSnapshotAcquired)
	c2 := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 2 })
	checkSeqs(t, c2.events, 6, 7)
	if got := srv.lastEventIDs(); len(got) != 2 || got[0] != "0" || got[1] != "3" {
		t.Fatalf("Last-Event-ID per connection = %q, want [0 3]", got)
	}
}

func TestStreamReplayWithLastEventIDResumesFromIt(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	srv.publish(6, EventSnapshotApproved)
	st := startStream(t, srv, StreamOptions{LastEventID: 4, Replay: true}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 2 })
	checkSeqs(t, c.events, 5, 6)
	if got := srv.lastEventIDs(); got[0] != "4" {
		t.Fatalf("first Last-Event-ID = %q, want 4", got[0])
	}
}
