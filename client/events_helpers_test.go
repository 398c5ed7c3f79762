package client

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// connPolicy is how the test server treats one connection.
type connPolicy struct {
	status    int           // not 0 and not 200: answer this and stop
	header    http.Header   // extra response headers
	maxEvents int           // end the stream cleanly after this many (0 = never)
	replayDup bool          // resend the Last-Event-ID event itself first
	silent    bool          // after the replay, send nothing at all
	ping      time.Duration // send ": ping" this often
	pings     chan chan int // send ": ping" on demand; answer the body bytes written
}

// sseServer is an event-stream server under the test's full control: it
// holds a log of events (seq = index+1), replays after Last-Event-ID and
// streams new ones as they are published.
type sseServer struct {
	t  *testing.T
	ts *httptest.Server

	mu       sync.Mutex
	log      []string // rendered messages, seq i+1 at index i
	notify   chan struct{}
	lastIDs  []string // Last-Event-ID of each connection ("" when absent)
	queries  []string
	auths    []string
	policy   func(n int) connPolicy // n: 1-based connection number
	received chan int               // connection numbers, as they arrive
}

func newSSEServer(t *testing.T, policy func(n int) connPolicy) *sseServer {
	t.Helper()
	s := &sseServer{t: t, notify: make(chan struct{}), policy: policy, received: make(chan int, 1000)}
	if s.policy == nil {
		s.policy = func(int) connPolicy { return connPolicy{} }
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.ts.Close)
	return s
}

func (s *sseServer) deps() streamDeps {
	return streamDeps{eventsURL: s.ts.URL + "/rtc-api/events", transport: s.ts.Client().Transport}
}

// publish appends n events of the given type and wakes the streams.
func (s *sseServer) publish(n int, typ string) {
	s.mu.Lock()
	for range n {
		seq := len(s.log) + 1
		s.log = append(s.log, renderEvent(seq, typ, eventJSON(seq, typ)))
	}
	close(s.notify)
	s.notify = make(chan struct{})
	s.mu.Unlock()
}

// publishData appends one event with the given JSON data.
func (s *sseServer) publishData(typ, data string) {
	s.mu.Lock()
	seq := len(s.log) + 1
	s.log = append(s.log, renderEvent(seq, typ, data))
	close(s.notify)
	s.notify = make(chan struct{})
	s.mu.Unlock()
}

func eventJSON(seq int, typ string) string {
	return fmt.Sprintf(`{"type":%q,"id":"ev-%d","userId":"u1","timestamp":"2025-01-02T03:04:05Z","snapshotId":"snap-%d"}`, typ, seq, seq)
}

func renderEvent(seq int, typ, data string) string {
	return "id: " + strconv.Itoa(seq) + "\nevent: " + typ + "\ndata: " + data + "\n\n"
}

func (s *sseServer) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.lastIDs)
}

func (s *sseServer) lastEventIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lastIDs...)
}

func (s *sseServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.lastIDs = append(s.lastIDs, r.Header.Get("Last-Event-ID"))
	s.queries = append(s.queries, r.URL.RawQuery)
	s.auths = append(s.auths, r.Header.Get("Authorization"))
	n := len(s.lastIDs)
	s.mu.Unlock()
	s.received <- n
	p := s.policy(n)
	for k, v := range p.header {
		w.Header()[k] = v
	}
	if p.status != 0 && p.status != http.StatusOK {
		w.WriteHeader(p.status)
		_, _ = w.Write([]byte(`{"error":"test refusal"}`))
		return
	}
	from := 0
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		from, _ = strconv.Atoi(v)
		if p.replayDup && from > 0 {
			from--
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	var ping <-chan time.Time
	if p.ping > 0 {
		t := time.NewTicker(p.ping)
		defer t.Stop()
		ping = t.C
	}
	sent, wrote := 0, 0
	for {
		s.mu.Lock()
		msgs := s.log[min(from, len(s.log)):]
		wake := s.notify
		s.mu.Unlock()
		for _, m := range msgs {
			if p.maxEvents > 0 && sent >= p.maxEvents {
				return
			}
			if _, err := w.Write([]byte(m)); err != nil {
				return
			}
			wrote += len(m)
			from++
			sent++
		}
		_ = rc.Flush()
		if p.maxEvents > 0 && sent >= p.maxEvents {
			return
		}
		if p.silent {
			wake = nil
		}
		select {
		case <-r.Context().Done():
			return
		case <-wake:
		case <-ping:
			_, _ = w.Write([]byte(": ping\n\n"))
			_ = rc.Flush()
		case done := <-p.pings:
			n, _ := w.Write([]byte(": ping\n\n"))
			_ = rc.Flush()
			wrote += n
			done <- wrote
		}
	}
}

// testTuning is defaultTuning with fast reconnects.
func testTuning() streamTuning {
	tu := defaultTuning()
	tu.baseBackoff = 5 * time.Millisecond
	tu.progressAfter = time.Second
	return tu
}

// noLeaks fails the test if it leaves goroutines behind. Register it first
// so that it runs after every other cleanup.
func noLeaks(t *testing.T) {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// startStream starts a stream against srv, closed at the end of the test.
func startStream(t *testing.T, srv *sseServer, opts StreamOptions, tune streamTuning) *Stream {
	t.Helper()
	st := newStream(context.Background(), srv.deps(), opts, tune)
	t.Cleanup(st.Close)
	return st
}

// collected is what a test read from a stream.
type collected struct {
	updates []StreamUpdate
	events  []Event
	states  []StreamState
	resyncs int
	errs    []error
}

// collect reads updates until done says so; it fails the test on timeout or
// when the stream closes first.
func collect(t *testing.T, st *Stream, timeout time.Duration, done func(*collected) bool) *collected {
	t.Helper()
	c := &collected{}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !done(c) {
		select {
		case u, ok := <-st.Updates():
			if !ok {
				t.Fatalf("updates closed early; got %d events, states %v", len(c.events), c.states)
			}
			c.add(u)
		case <-deadline.C:
			t.Fatalf("timeout after %s: %d events, states %v, resyncs %d, errs %v", timeout, len(c.events), c.states, c.resyncs, c.errs)
		}
	}
	return c
}

func (c *collected) add(u StreamUpdate) {
	c.updates = append(c.updates, u)
	c.events = append(c.events, u.Events...)
	if len(c.states) == 0 || c.states[len(c.states)-1] != u.State {
		c.states = append(c.states, u.State)
	}
	if u.Resync {
		c.resyncs++
	}
	if u.Err != nil {
		c.errs = append(c.errs, u.Err)
	}
}

func (c *collected) saw(s StreamState) bool {
	for _, x := range c.states {
		if x == s {
			return true
		}
	}
	return false
}

// checkSeqs fails unless the events are exactly seqs from..to in order.
func checkSeqs(t *testing.T, evs []Event, from, to uint64) {
	t.Helper()
	if want := int(to - from + 1); len(evs) != want {
		t.Fatalf("got %d events, want %d (first %v, last %v)", len(evs), want, firstSeq(evs), lastSeq(evs))
	}
	for i, ev := range evs {
		if ev.Seq != from+uint64(i) {
			t.Fatalf("event %d has seq %d, want %d", i, ev.Seq, from+uint64(i))
		}
	}
}

func firstSeq(evs []Event) uint64 {
	if len(evs) == 0 {
		return 0
	}
	return evs[0].Seq
}
