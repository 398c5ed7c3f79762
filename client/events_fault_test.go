package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestStreamSilenceBeyondIdleTimeoutReconnects(t *testing.T) {
	noLeaks(t)
	// The first connection sends its events and then nothing, not even a
	// ping: a dead link the TCP stack has not noticed.
	srv := newSSEServer(t, func(n int) connPolicy { return connPolicy{silent: n == 1} })
	srv.publish(2, EventSnapshotAcquired)
	st := startStream(t, srv, StreamOptions{IdleTimeout: 150 * time.Millisecond}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 2 })
	start := time.Now()
	srv.publish(1, EventSnapshotApproved) // reaches only a new connection
	c2 := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 1 })
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("event 3 after %s: the silent connection was not the one idle", d)
	}
	checkSeqs(t, append(c.events, c2.events...), 1, 3)
	if ids := srv.lastEventIDs(); len(ids) < 2 || ids[1] != "2" {
		t.Fatalf("Last-Event-ID after idle = %q, want 2", ids)
	}
	if !errors.Is(c2.errs[0], errIdle) {
		t.Fatalf("reconnect reason = %v, want errIdle", c2.errs)
	}
}

// TestStreamPingsKeepAQuietConnection runs the idle watchdog on a clock the
// test moves: 100ms at a time, each step followed by a ping the stream has
// read, for 20 times the 150ms IdleTimeout. Only the pings are there to
// keep the connection.
func TestStreamPingsKeepAQuietConnection(t *testing.T) {
	noLeaks(t)
	clock := newManualClock()
	tune := testTuning()
	tune.clock = clock
	tune.batchWindow = 0 // the clock moves for the watchdog alone
	pings := make(chan chan int)
	srv := newSSEServer(t, func(int) connPolicy { return connPolicy{pings: pings} })
	deps := srv.deps()
	rm := &readMark{base: deps.transport, changed: make(chan struct{})}
	deps.transport = rm
	st := newStream(context.Background(), deps, StreamOptions{IdleTimeout: 150 * time.Millisecond}, tune)
	t.Cleanup(st.Close)
	collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateLive) })
	for range 30 {
		clock.advance(100 * time.Millisecond)
		wrote := make(chan int)
		select {
		case pings <- wrote:
		case <-time.After(30 * time.Second):
			t.Fatal("no connection took the ping")
		}
		rm.waitRead(t, <-wrote)
	}
	srv.publish(1, EventSnapshotApproved)
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) == 1 })
	if n := srv.connections(); n != 1 || c.saw(StateReconnecting) {
		t.Fatalf("%d connections, states %v: a pinging connection was replaced", n, c.states)
	}
}

// readMark wraps a transport; its response bodies note how many bytes had
// been read when each Read began. The stream reads on only after it has
// handled (and timed) what it read before.
type readMark struct {
	base    http.RoundTripper
	mu      sync.Mutex
	before  int           // bytes read when the latest Read began
	changed chan struct{} // closed and replaced when before grows
}

func (m *readMark) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := m.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &markedBody{ReadCloser: resp.Body, m: m}
	return resp, nil
}

type markedBody struct {
	io.ReadCloser
	m    *readMark
	read int
}

func (b *markedBody) Read(p []byte) (int, error) {
	b.m.mu.Lock()
	b.m.before = b.read
	close(b.m.changed)
	b.m.changed = make(chan struct{})
	b.m.mu.Unlock()
	n, err := b.ReadCloser.Read(p)
	b.read += n
	return n, err
}

// waitRead waits until a Read began after n bytes had been read.
func (m *readMark) waitRead(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		m.mu.Lock()
		before, changed := m.before, m.changed
		m.mu.Unlock()
		if before >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("the stream never read %d bytes (read %d)", n, before)
		}
	}
}

// TestStreamNotFoundFallsBackToPollingAndProbes polls on a clock the test
// moves: a resync per PollInterval and none between, the probe 12
// intervals after polling began.
func TestStreamNotFoundFallsBackToPollingAndProbes(t *testing.T) {
	noLeaks(t)
	var endpoint atomic.Bool // the gateway gains the endpoint later
	srv := newSSEServer(t, func(int) connPolicy {
		if !endpoint.Load() {
			return connPolicy{status: http.StatusNotFound}
		}
		return connPolicy{}
	})
	srv.publish(1, EventSnapshotAcquired)
	clock := newManualClock()
	tune := testTuning()
	tune.clock = clock
	tune.batchWindow = 0 // the clock moves for polling alone
	opts := StreamOptions{PollInterval: 20 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}
	st := startStream(t, srv, opts, tune)
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StatePolling) && c.resyncs >= 1 })
	for i := 2; i <= 4; i++ {
		clock.fireNext(t, opts.PollInterval)
		c2 := collect(t, st, 5*time.Second, func(c *collected) bool { return c.resyncs >= 1 })
		c.updates, c.resyncs = append(c.updates, c2.updates...), c.resyncs+c2.resyncs
	}
	if c.resyncs != 4 {
		t.Fatalf("%d resyncs in 3 poll intervals, want 4 (one at the start)", c.resyncs)
	}
	for _, u := range c.updates {
		if u.State != StatePolling && u.State != StateConnecting {
			t.Fatalf("state %v while the endpoint is missing", u.State)
		}
		if u.Err != nil {
			t.Fatalf("polling is not an error: %v", u.Err)
		}
	}
	last := c.updates[len(c.updates)-1]
	if last.RetryAt.Sub(last.Since) != 12*20*time.Millisecond {
		t.Fatalf("probe at %v after %v, want 240ms later", last.RetryAt, last.Since)
	}
	endpoint.Store(true)
	clock.advance(12 * 20 * time.Millisecond) // the probe finds the endpoint
	c = collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) == 1 })
	if !c.saw(StateLive) {
		t.Fatalf("states %v after the endpoint appeared", c.states)
	}
}

func TestStreamNonEventStream200IsNoEndpoint(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	srv.ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><title>app</title></html>"))
	})
	st := startStream(t, srv, StreamOptions{PollInterval: 10 * time.Millisecond}, testTuning())
	collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StatePolling) && c.resyncs >= 2 })
}

func TestStreamBigEvent200KiB(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	big := strings.Repeat("x", 200<<10)
	srv.publish(1, EventSnapshotAcquired)
	srv.publishData(EventSnapshotAcquired, fmt.Sprintf(`{"type":%q,"snapshotId":"big","additionalInformation":%q}`, EventSnapshotAcquired, big))
	srv.publish(1, EventSnapshotAcquired)
	st := startStream(t, srv, StreamOptions{}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 3 })
	checkSeqs(t, c.events, 1, 3)
	if c.events[1].AdditionalInformation != big || srv.connections() != 1 {
		t.Fatalf("big event damaged or reconnected (%d connections)", srv.connections())
	}
}

func TestStreamEventOverBufferGrowsItThenSkipsAtHardLimit(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, nil)
	mk := func(n int) string {
		return fmt.Sprintf(`{"type":%q,"additionalInformation":%q}`, EventSnapshotAcquired, strings.Repeat("y", n))
	}
	srv.publishData(EventSnapshotAcquired, mk(100<<10)) // 1: over the first buffer, under the hard limit
	srv.publishData(EventSnapshotAcquired, mk(600<<10)) // 2: over the hard limit
	srv.publish(1, EventSnapshotApproved)               // 3
	tune := testTuning()
	tune.maxEventBytes, tune.hardMaxEvent = 64<<10, 256<<10
	st := startStream(t, srv, StreamOptions{}, tune)
	c := collect(t, st, 10*time.Second, func(c *collected) bool { return lastSeq(c.events) == 3 })
	if len(c.events) != 2 || c.events[0].Seq != 1 || len(c.events[0].AdditionalInformation) != 100<<10 {
		t.Fatalf("got %d events (first seq %d)", len(c.events), firstSeq(c.events))
	}
	if c.resyncs == 0 {
		t.Fatal("a skipped event did not ask for a resync")
	}
	found := false
	for _, err := range c.errs {
		var ee *EventError
		found = found || (errors.As(err, &ee) && ee.Seq == 2 && strings.Contains(err.Error(), "skipped"))
	}
	if !found {
		t.Fatalf("errors %v do not name the skipped event", c.errs)
	}
}

// rawServer serves each connection with its own function.
func rawServer(t *testing.T, conns ...func(w http.ResponseWriter, r *http.Request)) *sseServer {
	srv := newSSEServer(t, nil)
	var mu sync.Mutex
	n := 0
	srv.ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(conns)-1)
		n++
		mu.Unlock()
		srv.mu.Lock()
		srv.lastIDs = append(srv.lastIDs, r.Header.Get("Last-Event-ID"))
		srv.mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		conns[i](w, r)
	})
	return srv
}

func writeFlush(w http.ResponseWriter, s string) {
	_, _ = w.Write([]byte(s))
	_ = http.NewResponseController(w).Flush()
}

func hold(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func TestStreamResyncRequiredRestartsDedupAndMarksResync(t *testing.T) {
	noLeaks(t)
	srv := rawServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			for i := 1; i <= 3; i++ {
				writeFlush(w, renderEvent(i+100, EventSnapshotAcquired, eventJSON(i+100, EventSnapshotAcquired)))
			}
		},
		// The server lost its history (restarted): resync, then ids start over.
		func(w http.ResponseWriter, r *http.Request) {
			writeFlush(w, "event: ResyncRequiredEvent\ndata: {\"type\":\"ResyncRequiredEvent\"}\n\n")
			writeFlush(w, renderEvent(1, EventSnapshotRequested, eventJSON(1, EventSnapshotRequested)))
			writeFlush(w, renderEvent(2, EventSnapshotRequested, eventJSON(2, EventSnapshotRequested)))
			hold(w, r)
		})
	st := startStream(t, srv, StreamOptions{}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 5 })
	if c.resyncs != 1 {
		t.Fatalf("%d resyncs, want 1", c.resyncs)
	}
	var seqs []uint64
	for _, ev := range c.events {
		if ev.Type == EventResyncRequired {
			t.Fatal("ResyncRequiredEvent delivered as an event")
		}
		seqs = append(seqs, ev.Seq)
	}
	if fmt.Sprint(seqs) != "[101 102 103 1 2]" {
		t.Fatalf("seqs = %v", seqs)
	}
	if ids := srv.lastEventIDs(); ids[1] != "103" {
		t.Fatalf("Last-Event-ID = %q", ids)
	}
	st.Close()
	if st.LastEventID() != 2 {
		t.Fatalf("LastEventID = %d after the server restarted its ids, want 2", st.LastEventID())
	}
}

func TestStreamUnnamedResyncWithOldIDIsNotADuplicate(t *testing.T) {
	noLeaks(t)
	srv := rawServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			writeFlush(w, renderEvent(50, EventSnapshotAcquired, eventJSON(50, EventSnapshotAcquired)))
		},
		// No event: line and an id below ours: only the JSON type says resync.
		func(w http.ResponseWriter, r *http.Request) {
			writeFlush(w, "id: 3\ndata: {\"type\":\"ResyncRequiredEvent\"}\n\n")
			writeFlush(w, renderEvent(4, EventSnapshotAcquired, eventJSON(4, EventSnapshotAcquired)))
			hold(w, r)
		})
	st := startStream(t, srv, StreamOptions{}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 2 })
	if c.resyncs != 1 || c.events[0].Seq != 50 || c.events[1].Seq != 4 {
		t.Fatalf("resyncs %d, events %+v", c.resyncs, c.events)
	}
}

func TestStreamEventsWithoutIDAreNotDuplicates(t *testing.T) {
	noLeaks(t)
	srv := rawServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeFlush(w, renderEvent(7, EventSnapshotAcquired, eventJSON(7, EventSnapshotAcquired)))
		// r3labs hands this message id 7 (inherited); it is a new event.
		writeFlush(w, "event: CustomEvent\ndata: {\"type\":\"CustomEvent\",\"note\":\"no id\"}\n\n")
		writeFlush(w, "event: OtherEvent\ndata: {\"type\":\"OtherEvent\",\"note\":\"no id either\"}\n\n")
		writeFlush(w, renderEvent(8, EventSnapshotApproved, eventJSON(8, EventSnapshotApproved)))
		writeFlush(w, "event: CustomEvent\ndata: {\"type\":\"CustomEvent\",\"note\":\"after 8\"}\n\n")
		writeFlush(w, renderEvent(9, EventSnapshotApproved, eventJSON(9, EventSnapshotApproved)))
		hold(w, r)
	})
	st := startStream(t, srv, StreamOptions{}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 6 })
	var got []string
	for _, ev := range c.events {
		got = append(got, fmt.Sprintf("%d:%s", ev.Seq, ev.Type))
	}
	want := "[7:SnapshotAcquiredEvent 0:CustomEvent 0:OtherEvent 8:SnapshotApprovedEvent 0:CustomEvent 9:SnapshotApprovedEvent]"
	if fmt.Sprint(got) != want {
		t.Fatalf("events = %v, want %s", got, want)
	}
	st.Close()
	if st.LastEventID() != 9 {
		t.Fatalf("LastEventID = %d", st.LastEventID())
	}
}

func TestStreamUnknownTypesPassAndBadJSONIsReported(t *testing.T) {
	noLeaks(t)
	srv := rawServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeFlush(w, "id: 1\nevent: BrandNewEvent\ndata: {\"id\":\"x\",\"extra\":{\"a\":1}}\n\n")
		writeFlush(w, "id: 2\nevent: SnapshotAcquiredEvent\ndata: {not json\n\n")
		writeFlush(w, "id: 3\ndata: {\"type\":\"SnapshotApprovedEvent\",\"snapshotId\":\"s3\"}\n\n")
		hold(w, r)
	})
	st := startStream(t, srv, StreamOptions{}, testTuning())
	c := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) >= 2 })
	if c.events[0].Type != "BrandNewEvent" || !json.Valid(c.events[0].Raw) || c.events[1].Seq != 3 || c.events[1].SnapshotID != "s3" {
		t.Fatalf("events = %+v", c.events)
	}
	if len(c.errs) != 1 || !strings.Contains(c.errs[0].Error(), "event 2") {
		t.Fatalf("errs = %v, want one naming event 2", c.errs)
	}
	if !c.saw(StateLive) || c.states[len(c.states)-1] != StateLive {
		t.Fatalf("a bad event changed the state: %v", c.states)
	}
}

// TestStreamThroughClientRenewsOAuthToken runs the stream through a real
// Client: the bearer token comes from the client's token source, and a 401
// on the events endpoint fetches a new one.
func TestStreamThroughClientRenewsOAuthToken(t *testing.T) {
	noLeaks(t)
	var tokens atomic.Int32
	srv := newSSEServer(t, nil)
	srv.publish(1, EventSnapshotAcquired)
	events := srv.ts.Config.Handler
	srv.ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/security/oauth/token":
			n := tokens.Add(1)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":"tok%d","token_type":"bearer","expires_in":3600}`, n)
		case "/rtc-api/events":
			if r.Header.Get("Authorization") != "Bearer tok2" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			events.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	c, err := New(Config{Server: srv.ts.URL, ClientID: "id", ClientSecret: "secret", HTTPClient: srv.ts.Client()})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stream(context.Background(), StreamOptions{UserEndpointID: "ep"})
	t.Cleanup(st.Close)
	got := collect(t, st, 5*time.Second, func(c *collected) bool { return len(c.events) == 1 })
	if tokens.Load() != 2 || got.saw(StateOffline) {
		t.Fatalf("token requests = %d, states %v", tokens.Load(), got.states)
	}
	srv.mu.Lock()
	ua := append([]string(nil), srv.auths...)
	srv.mu.Unlock()
	if len(ua) != 1 || ua[0] != "Bearer tok2" {
		t.Fatalf("events endpoint saw %q", ua)
	}
}

func TestStreamThroughClientStaticTokenRefusedGoesOffline(t *testing.T) {
	noLeaks(t)
	srv := newSSEServer(t, func(int) connPolicy { return connPolicy{status: http.StatusUnauthorized} })
	c, err := New(Config{Server: srv.ts.URL, Token: "static", HTTPClient: srv.ts.Client()})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stream(context.Background(), StreamOptions{})
	t.Cleanup(st.Close)
	got := collect(t, st, 5*time.Second, func(c *collected) bool { return c.saw(StateOffline) })
	if err := got.errs[len(got.errs)-1]; !IsUnauthorized(err) {
		t.Fatalf("err = %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.auths[0] != "Bearer static" {
		t.Fatalf("Authorization = %q", srv.auths[0])
	}
}
