package sim

import (
	"strconv"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

func publishN(s *Server, n int, interactionID string) {
	for i := 0; i < n; i++ {
		s.Publish(client.Event{Type: "TestEvent", InteractionID: interactionID})
	}
}

func TestStreamIDsAndReplay(t *testing.T) {
	e := start(t, Options{Demo: true})
	c := e.stream(e.agent, "", "")
	publishN(e.s, 5, "")
	var last uint64
	for i := 0; i < 5; i++ {
		ev, ok := c.nextEvent(t)
		if !ok {
			t.Fatal("stream ended")
		}
		if ev.Seq <= last || ev.Type != "TestEvent" || ev.ID == "" || ev.Timestamp.IsZero() {
			t.Fatalf("event %d: %+v (last %d)", i, ev, last)
		}
		last = ev.Seq
	}
	c.close()
	// Replay everything after an id we saw, then live events.
	c = e.stream(e.agent, "", strconv.FormatUint(last-2, 10))
	for want := last - 1; want <= last; want++ {
		ev, _ := c.nextEvent(t)
		if ev.Seq != want {
			t.Fatalf("replayed seq %d, want %d", ev.Seq, want)
		}
	}
	publishN(e.s, 1, "")
	if ev, _ := c.nextEvent(t); ev.Seq != last+1 {
		t.Fatalf("live seq %d, want %d", ev.Seq, last+1)
	}
	// The demo's own history replays from the start of the ring.
	c2 := e.stream(e.agent, "", "0")
	ev, _ := c2.nextEvent(t)
	if ev.Seq != 1 || ev.Type != client.EventSnapshotRequested {
		t.Fatalf("first demo event %+v", ev)
	}
}

func TestStreamResync(t *testing.T) {
	e := start(t, Options{EventBuffer: 5})
	publishN(e.s, 12, "") // seqs 1..12, ring holds 8..12
	c := e.stream(e.agent, "", "3")
	m, _ := c.next(t, false)
	if m.event != client.EventResyncRequired || m.id != "" {
		t.Fatalf("first message %+v, want a resync without id", m)
	}
	for want := uint64(8); want <= 12; want++ {
		if ev, _ := c.nextEvent(t); ev.Seq != want {
			t.Fatalf("after resync seq %d, want %d", ev.Seq, want)
		}
	}
	c.close()
	// The oldest held event's predecessor is not too old: no resync.
	c = e.stream(e.agent, "", "7")
	if ev, _ := c.nextEvent(t); ev.Seq != 8 || ev.Type == client.EventResyncRequired {
		t.Fatalf("got %+v, want seq 8", ev)
	}
	c.close()
	// An id from the future (the server lost its history) resyncs too.
	c = e.stream(e.agent, "", "999")
	if m, _ := c.next(t, false); m.event != client.EventResyncRequired {
		t.Fatalf("future id: %+v", m)
	}
	if ev, _ := c.nextEvent(t); ev.Seq != 8 {
		t.Fatalf("future id replay seq %d", ev.Seq)
	}
	c.close()
	r := e.do("GET", "/rtc-api/events", e.agent, nil, "Last-Event-ID", "abc")
	wantFields(t, r, 400, map[string]string{"Last-Event-ID": "decimal"})
}

func TestStreamPingFilterDrop(t *testing.T) {
	e := start(t, Options{Demo: true, PingInterval: 30 * time.Millisecond})
	ins := e.s.Interactions()
	a, b := ins[0].ID, ins[1].ID
	c := e.stream(e.agent, "?interactionId="+a, "")
	if m, _ := c.next(t, true); m.comment != "ping" {
		t.Fatalf("want a ping, got %+v", m)
	}
	publishN(e.s, 1, b)
	publishN(e.s, 1, "")
	publishN(e.s, 1, a)
	if ev, _ := c.nextEvent(t); ev.InteractionID != a {
		t.Fatalf("filter let through %+v", ev)
	}
	c.close()
	// Repeated interactionId parameters are a union.
	c = e.stream(e.agent, "?interactionId="+a+"&interactionId="+b, "")
	publishN(e.s, 1, "")
	publishN(e.s, 1, b)
	publishN(e.s, 1, a)
	if ev, _ := c.nextEvent(t); ev.InteractionID != b {
		t.Fatalf("union filter: %+v", ev)
	}
	if ev, _ := c.nextEvent(t); ev.InteractionID != a {
		t.Fatalf("union filter: %+v", ev)
	}
	c.close()
	wantFields(t, e.do("GET", "/rtc-api/events?interactionId=nope&userEndpointId="+e.register(e.agent), e.agent, nil), 400, map[string]string{"interactionId": "unknown"})
	wantFields(t, e.do("GET", "/rtc-api/events", e.agent, nil), 400, map[string]string{"userEndpointId": "required"})
	wantFields(t, e.do("GET", "/rtc-api/events?userEndpointId=nope", e.agent, nil), 400, map[string]string{"userEndpointId": "unknown"})

	// DropStreamAfter closes each connection after N events.
	e.s.SetFaults(Faults{DropStreamAfter: 2})
	c = e.stream(e.agent, "", "")
	publishN(e.s, 3, "")
	n := 0
	for {
		_, ok := c.nextEvent(t)
		if !ok {
			break
		}
		n++
	}
	if n != 2 {
		t.Fatalf("got %d events before the drop, want 2", n)
	}
}

func TestStreamEndsOnClose(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s: s, url: s.URL(), hc: newTestHTTPClient(t)}
	c := e.stream(s.IssueToken(RoleAgent, 0), "", "")
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs with an open stream")
	}
	if _, ok := c.nextEvent(t); ok {
		t.Fatal("stream still open after Close")
	}
	if err := s.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}
