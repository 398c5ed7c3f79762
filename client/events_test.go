package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestStreamCleanEOFResumesWithLastEventID(t *testing.T) {
	noLeaks(t)
	// Every connection ends cleanly (Subscribe returns nil) after 4 events.
	srv := newSSEServer(t, func(n int) connPolicy { return connPolicy{maxEvents: 4} })
	srv.publish(10, EventSnapshotAcquired)
	tune := testTuning()
	tune.baseBackoff = 60 * time.Millisecond // long enough to see Reconnecting between batches
	st := startStream(t, srv, StreamOptions{UserEndpointID: "ep1"}, tune)
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 10 })
	checkSeqs(t, c.events, 1, 10)
	if got := srv.lastEventIDs(); len(got) < 3 || got[0] != "" || got[1] != "4" || got[2] != "8" {
		t.Fatalf("Last-Event-ID per connection = %q, want [\"\" 4 8 ...]", got)
	}
	if !c.saw(StateLive) || !c.saw(StateReconnecting) {
		t.Fatalf("states = %v, want live and reconnecting", c.states)
	}
	st.Close()
	if st.LastEventID() != 10 {
		t.Fatalf("LastEventID = %d, want 10", st.LastEventID())
	}
}

func TestStreamResumesFromOptionsLastEventID(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	srv.publish(8, EventSnapshotApproved)
	st := startStream(t, srv, StreamOptions{LastEventID: 5}, testTuning())
	if st.LastEventID() != 5 {
		t.Fatalf("LastEventID before any event = %d, want 5", st.LastEventID())
	}
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 3 })
	checkSeqs(t, c.events, 6, 8)
	if got := srv.lastEventIDs(); got[0] != "5" {
		t.Fatalf("first Last-Event-ID = %q, want 5", got[0])
	}
}

func TestStreamDropsReplayedDuplicates(t *testing.T) {
	noLeaks(t)
	// Each connection replays the Last-Event-ID event itself, then ends
	// after 3 messages: without de-duplication every third event doubles.
	srv := newSSEServer(t, func(n int) connPolicy { return connPolicy{maxEvents: 3, replayDup: true} })
	srv.publish(12, EventSnapshotRequested)
	st := startStream(t, srv, StreamOptions{}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 12 })
	// Event 13 comes after any duplicate of the first 12 would have.
	srv.publish(1, EventSnapshotRequested)
	c2 := collect(t, st, 5*time.Second, func(c *collected) bool { return lastSeq(c.events) == 13 })
	checkSeqs(t, append(c.events, c2.events...), 1, 13)
}

func TestStreamRequestURLAndHeaders(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	st := startStream(t, srv, StreamOptions{UserEndpointID: "ep 1", InteractionIDs: []string{"i1", "i&2"}}, testTuning())
	collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateLive) })
	srv.mu.Lock()
	q, _ := url.ParseQuery(srv.queries[0])
	srv.mu.Unlock()
	if q.Get("userEndpointId") != "ep 1" || strings.Join(q["interactionId"], ",") != "i1,i&2" {
		t.Fatalf("query = %v", q)
	}
}

func TestStreamBurstDeliveredOnceInOrderAndCoalesced(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	st := startStream(t, srv, StreamOptions{}, testTuning())
	collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateLive) })
	srv.publish(5000, EventSnapshotAcquired)
	c := collect(t, st, 10*time.Second, func(c *collected) bool { return len(c.events) >= 5000 })
	checkSeqs(t, c.events, 1, 5000)
	if len(c.updates) > 500 {
		t.Fatalf("%d updates for a burst of 5000: not coalesced", len(c.updates))
	}
	for _, u := range c.updates {
		if u.Resync {
			t.Fatalf("burst within BufferSize caused a resync")
		}
	}
}

// TestStreamBatchesAtMostOnePer16ms runs the stream on a clock that moves
// only when the stream waits for it: however the machine schedules the
// goroutines, n updates take at least n-1 batch windows of stream time.
func TestStreamBatchesAtMostOnePer16ms(t *testing.T) {
	noLeaks(t)
	clock := newManualClock()
	tune := testTuning()
	tune.clock = clock
	clock.runTimersWithin(t, tune.batchWindow)
	srv := newSSEServer(t, nil)
	st := startStream(t, srv, StreamOptions{IdleTimeout: time.Hour}, tune)
	collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateLive) })
	start := clock.Now()
	srv.publish(1, EventSnapshotAcquired)
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) == 1 })
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 99 {
			srv.publish(1, EventSnapshotAcquired)
			time.Sleep(time.Millisecond)
		}
	}()
	c2 := collect(t, st, 10*time.Second, func(c *collected) bool { return len(c.events) >= 99 })
	<-done
	checkSeqs(t, append(c.events, c2.events...), 1, 100)
	updates := 0
	for _, u := range append(c.updates, c2.updates...) {
		if len(u.Events) > 0 {
			updates++
		}
	}
	if elapsed := clock.Now().Sub(start); elapsed < time.Duration(updates-1)*tune.batchWindow {
		t.Fatalf("%d updates within %s of stream time: more than one per %s", updates, elapsed, tune.batchWindow)
	}
}

// TestStreamSlowConsumerDropsOldestAndResyncs: the consumer reads nothing
// until the stream has received all 1000 events, then finds at most
// BufferSize of them held for it, with Resync.
func TestStreamSlowConsumerDropsOldestAndResyncs(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	all := make(chan struct{})
	tune := testTuning()
	tune.queued = func(ev Event) {
		if ev.Seq == 1000 {
			close(all)
		}
	}
	st := startStream(t, srv, StreamOptions{BufferSize: 100}, tune)
	collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateLive) })
	srv.publish(1000, EventSnapshotAcquired)
	select {
	case <-all: // the consumer was busy all along
	case <-time.After(30 * time.Second):
		t.Fatal("the stream never received event 1000")
	}
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return lastSeq(c.events) == 1000 })
	if c.resyncs == 0 {
		t.Fatal("events were dropped without Resync")
	}
	if len(c.updates[0].Events) > 100 {
		t.Fatalf("first update holds %d events, over BufferSize 100", len(c.updates[0].Events))
	}
	for i := 1; i < len(c.events); i++ {
		if c.events[i].Seq <= c.events[i-1].Seq {
			t.Fatalf("events out of order: %d after %d", c.events[i].Seq, c.events[i-1].Seq)
		}
	}
	if n := len(c.events); n > 300 {
		t.Fatalf("%d events delivered to a slow consumer with BufferSize 100", n)
	}
}

func TestStreamUnauthorizedRenewsTokenOnce(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, func(n int) connPolicy {
		if n == 1 {
			return connPolicy{status: http.StatusUnauthorized}
		}
		return connPolicy{}
	})
	srv.publish(2, EventSnapshotAcquired)
	var renewals atomic.Int32
	deps := srv.deps()
	deps.renew = func(context.Context) error { renewals.Add(1); return nil }
	st := newStream(context.Background(), deps, StreamOptions{}, testTuning())
	t.Cleanup(st.Close)
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 2 })
	checkSeqs(t, c.events, 1, 2)
	if renewals.Load() != 1 || srv.connections() != 2 {
		t.Fatalf("renewals = %d, connections = %d; want 1 and 2", renewals.Load(), srv.connections())
	}
	if c.saw(StateOffline) || c.saw(StateReconnecting) {
		t.Fatalf("states = %v: a renewed 401 should reconnect at once", c.states)
	}
}

func TestStreamUnauthorizedWithoutRenewalGoesOffline(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, func(int) connPolicy { return connPolicy{status: http.StatusUnauthorized} })
	deps := srv.deps()
	deps.renew = func(context.Context) error { return errors.New("static token") }
	tune := testTuning()
	tune.baseBackoff = 200 * time.Millisecond
	st := newStream(context.Background(), deps, StreamOptions{}, tune)
	t.Cleanup(st.Close)
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateOffline) })
	u := c.updates[len(c.updates)-1]
	if !IsUnauthorized(u.Err) || !strings.Contains(u.Err.Error(), "static token") {
		t.Fatalf("offline error = %v, want a 401 naming the failed renewal", u.Err)
	}
	if u.RetryAt.IsZero() || time.Until(u.RetryAt) <= 0 {
		t.Fatalf("RetryAt = %v, want a future retry", u.RetryAt)
	}
	if n := srv.connections(); n != 1 {
		t.Fatalf("%d connections before the backoff: 401 retried in a loop", n)
	}
}

func TestStreamRetryAfterIsHonoured(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, func(n int) connPolicy {
		if n == 1 {
			return connPolicy{status: http.StatusServiceUnavailable, header: http.Header{"Retry-After": {"1"}}}
		}
		return connPolicy{}
	})
	st := startStream(t, srv, StreamOptions{}, testTuning())
	start := time.Now()
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateLive) })
	if !c.saw(StateReconnecting) {
		t.Fatalf("states = %v", c.states)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("reconnected after %s despite Retry-After: 1", d)
	}
	var ae *APIError
	if !errors.As(c.errs[0], &ae) || ae.Status != 503 || ae.RetryAfter != time.Second {
		t.Fatalf("error = %#v", c.errs[0])
	}
}

func TestStreamRepeatedFailuresGoOfflineThenRecover(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, func(n int) connPolicy {
		if n <= 4 {
			return connPolicy{status: http.StatusBadGateway}
		}
		return connPolicy{}
	})
	srv.publish(1, EventSnapshotAcquired)
	start := time.Now()
	st := startStream(t, srv, StreamOptions{MaxBackoff: 20 * time.Millisecond}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) == 1 })
	// Updates carry the current state: a state shorter than a batch window
	// may be merged away, so the sequence is checked from Reconnecting on.
	if c.states[0] == StateConnecting {
		c.states = c.states[1:]
	}
	want := []StreamState{StateReconnecting, StateOffline, StateLive}
	if len(c.states) != len(want) {
		t.Fatalf("states = %v, want %v", c.states, want)
	}
	for i := range want {
		if c.states[i] != want[i] {
			t.Fatalf("states = %v, want %v", c.states, want)
		}
	}
	for _, u := range c.updates {
		if u.State == StateOffline && u.Since.Before(start) {
			t.Fatalf("offline Since %v before the stream started", u.Since)
		}
	}
}

func TestStreamBackoffGrowsWithJitterAndCaps(t *testing.T) {
	s := &Stream{opts: StreamOptions{MaxBackoff: 30 * time.Second}.withDefaults(), tune: defaultTuning()}
	prevMax := time.Duration(0)
	for n := 0; n < 12; n++ {
		d := s.backoff(n, 0)
		full := min(500*time.Millisecond<<n, 30*time.Second)
		if d < full/2 || d > full {
			t.Fatalf("backoff(%d) = %s, want within [%s, %s]", n, d, full/2, full)
		}
		prevMax = max(prevMax, d)
	}
	if prevMax > 30*time.Second {
		t.Fatalf("backoff exceeded MaxBackoff: %s", prevMax)
	}
	if d := s.backoff(0, 2*time.Minute); d != 2*time.Minute {
		t.Fatalf("Retry-After 2m gave %s", d)
	}
	if d := s.backoff(0, time.Hour); d != 10*time.Minute {
		t.Fatalf("Retry-After 1h gave %s, want the 10m cap", d)
	}
}

func TestStreamStateStrings(t *testing.T) {
	want := map[StreamState]string{StateConnecting: "connecting", StateLive: "live", StateReconnecting: "reconnecting",
		StatePolling: "polling", StateOffline: "offline", StreamState(42): "unknown"}
	for s, w := range want {
		if s.String() != w {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), w)
		}
	}
}

func TestStreamContextCancelClosesUpdates(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	before := goleak.IgnoreCurrent()
	st := newStream(ctx, srv.deps(), StreamOptions{}, testTuning())
	collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateLive) })
	cancel()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-st.Updates():
			if ok {
				continue
			}
			// Closed Updates means every goroutine of the stream ended
			// (the idle HTTP connection's may linger: goleak retries).
			goleak.VerifyNone(t, before, goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
				goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"), goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
			st.Close() // harmless after the context ended
			return
		case <-timeout:
			t.Fatal("Updates not closed after cancel")
		}
	}
}

func TestStreamCloseInEveryPhase(t *testing.T) {
	cases := map[string]connPolicy{
		"live":    {},
		"backoff": {status: http.StatusInternalServerError},
		"polling": {status: http.StatusNotFound},
		"silent":  {silent: true},
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			noLeaks(t)
			srv := newSSEServer(t, func(int) connPolicy { return p })
			tune := testTuning()
			tune.baseBackoff = time.Hour
			st := newStream(context.Background(), srv.deps(), StreamOptions{}, tune)
			<-srv.received
			time.Sleep(20 * time.Millisecond)
			closed := make(chan struct{})
			go func() { st.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(5 * time.Second):
				t.Fatal("Close hung")
			}
			for range st.Updates() {
			}
		})
	}
}

func TestStreamFirstUpdateIsConnecting(t *testing.T) {
	noLeaks(t)
	release := make(chan struct{})
	srv := newSSEServer(t, nil)
	srv.ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) })
	st := startStream(t, srv, StreamOptions{}, testTuning())
	select {
	case u := <-st.Updates():
		if u.State != StateConnecting || u.Since.IsZero() || len(u.Events) != 0 {
			t.Fatalf("first update = %+v", u)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no first update")
	}
}

func TestStreamCloseWhileServerHangsBeforeHeaders(t *testing.T) {
	noLeaks(t)
	release := make(chan struct{})
	srv := newSSEServer(t, nil)
	srv.ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) })
	st := newStream(context.Background(), srv.deps(), StreamOptions{}, testTuning())
	time.Sleep(50 * time.Millisecond)
	st.Close()
}
