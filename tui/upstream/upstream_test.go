package upstream

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// counted is the simulator behind a handler that counts what reaches it.
type counted struct {
	sim    *sim.Server
	api    *client.Client
	ep     string
	mu     sync.Mutex
	byPath map[string]int
}

func (c *counted) n(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for p, k := range c.byPath {
		if strings.HasPrefix(p, prefix) {
			n += k
		}
	}
	return n
}

func newCounted(t *testing.T) *counted {
	t.Helper()
	s, err := sim.New(sim.Options{Seed: 1, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &counted{sim: s, byPath: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.byPath[r.Method+" "+r.URL.Path]++
		c.mu.Unlock()
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	api, err := client.New(client.Config{Server: srv.URL, Token: s.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c.api = api
	if c.ep, err = api.RegisterEndpoint(context.Background(), client.RegisterEndpointCommand{KeepAliveSeconds: 3600}); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOneStreamForEverySession: ten sessions subscribe; the platform sees
// one event stream, and every session gets every event, a late one with
// the history first.
func TestOneStreamForEverySession(t *testing.T) {
	c := newCounted(t)
	sh := New(c.api, Options{})
	t.Cleanup(sh.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var subs []EventStream
	for range 10 {
		subs = append(subs, sh.Events(ctx, c.ep))
	}
	iid := c.sim.Interactions()[0].ID
	c.sim.Publish(client.Event{Type: "MarkerEvent", InteractionID: iid})
	for i, sb := range subs {
		waitEvent(t, sb, "MarkerEvent", i)
	}
	late := sh.Events(ctx, c.ep)
	waitEvent(t, late, "MarkerEvent", 10)
	if n := c.n("GET /rtc-api/events"); n != 1 {
		t.Fatalf("%d event streams reached the platform, want 1", n)
	}
	// A session that ends stops its subscription only.
	subs[0].Close()
	c.sim.Publish(client.Event{Type: "SecondEvent", InteractionID: iid})
	waitEvent(t, subs[1], "SecondEvent", 1)
	// Closing the Shared ends every subscription.
	sh.Close()
	for _, sb := range subs[1:] {
		for range sb.Updates() {
		}
	}
}

func waitEvent(t *testing.T, sb EventStream, typ string, who int) {
	t.Helper()
	deadline := time.After(20 * time.Second) // a hang guard
	for {
		select {
		case u, ok := <-sb.Updates():
			if !ok {
				t.Fatalf("session %d: stream ended before %s", who, typ)
			}
			for _, ev := range u.Events {
				if ev.Type == typ {
					return
				}
			}
		case <-deadline:
			t.Fatalf("session %d never got %s", who, typ)
		}
	}
}

// TestReadsAreShared: fifty sessions listing at once make one request;
// an event about an interaction makes its next listing ask again.
func TestReadsAreShared(t *testing.T) {
	c := newCounted(t)
	now := time.Now()
	sh := New(c.api, Options{TTL: time.Hour, Now: func() time.Time { return now }})
	t.Cleanup(sh.Close)
	ctx := context.Background()
	var wg sync.WaitGroup
	var failed atomic.Int32
	iid := c.sim.Interactions()[0].ID
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := sh.ListInteractions(ctx, now.Add(-24*time.Hour), now); err != nil {
				failed.Add(1)
			}
			if _, err := sh.ListSnapshots(ctx, iid); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d reads failed", failed.Load())
	}
	if n, m := c.n("GET /rtc-api/interactions"), c.n("GET /rtc-api/snapshots"); n != 1 || m != 1 {
		t.Fatalf("%d interaction listings and %d snapshot listings reached the platform, want 1 and 1", n, m)
	}
	// An event about the interaction drops its listing.
	sub := sh.Events(ctx, c.ep)
	defer sub.Close()
	c.sim.Publish(client.Event{Type: "MarkerEvent", InteractionID: iid})
	waitEvent(t, sub, "MarkerEvent", 0)
	if _, err := sh.ListSnapshots(ctx, iid); err != nil {
		t.Fatal(err)
	}
	if m := c.n("GET /rtc-api/snapshots"); m != 2 {
		t.Fatalf("%d snapshot listings after the event, want 2", m)
	}
	// Pictures: downloaded once for every session.
	snaps, _ := c.api.ListSnapshots(ctx, iid)
	var id string
	for _, s := range snaps {
		if s.State != client.StateRequested {
			id = s.ID
		}
	}
	if id == "" {
		t.Skip("no picture in the first demo interaction")
	}
	before := c.n("GET ")
	for range 5 {
		if _, err := sh.Download(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.n("GET ") - before; got > 2 { // the signed URL and the picture
		t.Fatalf("five downloads made %d requests", got)
	}
}

// TestVendorEventsDropTheirInteractionsListing: an event that names no
// interaction (the vendor's MQTT shape) still drops the cached listing of
// the interaction its snapshot belongs to; a late session gets the shared
// history marked as history (no bell for what happened before it).
func TestVendorEventsDropTheirInteractionsListing(t *testing.T) {
	c := newCounted(t)
	now := time.Now()
	sh := New(c.api, Options{TTL: time.Hour, Now: func() time.Time { return now }})
	t.Cleanup(sh.Close)
	ctx := context.Background()
	var iid, sid string
	for _, in := range c.sim.Interactions() {
		list, _ := c.api.ListSnapshots(ctx, in.ID)
		if len(list) > 0 {
			iid, sid = in.ID, list[0].ID
			break
		}
	}
	if sid == "" {
		t.Fatal("no demo interaction has a snapshot")
	}
	if _, err := sh.ListSnapshots(ctx, iid); err != nil {
		t.Fatal(err)
	}
	before := c.n("GET /rtc-api/snapshots")
	sub := sh.Events(ctx, c.ep)
	defer sub.Close()
	c.sim.Publish(client.Event{Type: "MarkerEvent", SnapshotID: sid}) // no interactionId
	waitEvent(t, sub, "MarkerEvent", 0)
	if _, err := sh.ListSnapshots(ctx, iid); err != nil {
		t.Fatal(err)
	}
	if m := c.n("GET /rtc-api/snapshots") - before; m != 1 {
		t.Fatalf("%d snapshot listings after an event about %s, want 1 (the cached one dropped)", m, sid)
	}
	late := sh.Events(ctx, c.ep)
	defer late.Close()
	select {
	case u := <-late.Updates():
		if len(u.Events) == 0 {
			t.Fatal("the late session got no history")
		}
		for _, ev := range u.Events {
			if !ev.History {
				t.Fatalf("the late session got %s as news, not history", ev.Type)
			}
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the late session got nothing")
	}
}

// testClock returns a clock the test moves by hand.
func testClock() (now func() time.Time, move func(time.Duration)) {
	var mu sync.Mutex
	t := time.Now()
	return func() time.Time { mu.Lock(); defer mu.Unlock(); return t },
		func(d time.Duration) { mu.Lock(); t = t.Add(d); mu.Unlock() }
}

// TestBackgroundReadsAcceptRecentAnswers: a background read takes a
// shared answer up to its age old, a reviewer's own read only within the
// TTL; an event drops the answer for both; past the age the platform is
// asked again; and answers no read accepts any more are dropped.
func TestBackgroundReadsAcceptRecentAnswers(t *testing.T) {
	c := newCounted(t)
	clock, move := testClock()
	sh := New(c.api, Options{TTL: 3 * time.Second, Now: clock})
	t.Cleanup(sh.Close)
	ctx := context.Background()
	bg := Background(ctx, time.Minute)
	iid := c.sim.Interactions()[0].ID
	listings := func() int { return c.n("GET /rtc-api/snapshots") }
	if _, err := sh.ListSnapshots(bg, iid); err != nil {
		t.Fatal(err)
	}
	move(10 * time.Second) // past the TTL, within the age
	if _, err := sh.ListSnapshots(bg, iid); err != nil || listings() != 1 {
		t.Fatalf("a background read 10 s later reached the platform (%d listings, %v)", listings(), err)
	}
	if _, err := sh.ListSnapshots(ctx, iid); err != nil || listings() != 2 {
		t.Fatalf("a reviewer's read 10 s later was not fresh (%d listings, %v)", listings(), err)
	}
	// An event about the interaction drops the answer, background or not.
	sub := sh.Events(ctx, c.ep)
	defer sub.Close()
	c.sim.Publish(client.Event{Type: "MarkerEvent", InteractionID: iid})
	waitEvent(t, sub, "MarkerEvent", 0)
	if _, err := sh.ListSnapshots(bg, iid); err != nil || listings() != 3 {
		t.Fatalf("a background read after an event was not fresh (%d listings, %v)", listings(), err)
	}
	move(61 * time.Second) // past the age
	if _, err := sh.ListSnapshots(bg, iid); err != nil || listings() != 4 {
		t.Fatalf("a background read past its age was not fresh (%d listings, %v)", listings(), err)
	}
	// Pruning: once a minute (the longest age asked), answers older than
	// that go; the fresh one stays and still serves.
	other := c.sim.Interactions()[1].ID
	if _, err := sh.GetInteraction(ctx, other); err != nil {
		t.Fatal(err)
	}
	sh.mu.Lock()
	cachedBefore := len(sh.reads)
	sh.mu.Unlock()
	move(2 * time.Minute)
	if _, err := sh.ListSnapshots(bg, iid); err != nil { // a fetch: prunes first
		t.Fatal(err)
	}
	sh.mu.Lock()
	_, stale := sh.reads["interaction|"+other]
	keys := len(sh.byInter[other])
	cachedAfter := len(sh.reads)
	sh.mu.Unlock()
	if stale || keys != 0 || cachedBefore < 2 || cachedAfter != 1 {
		t.Fatalf("after two minutes: %d answers cached (was %d), the old one kept %v, its index %d keys; want 1, old dropped",
			cachedAfter, cachedBefore, stale, keys)
	}
}

// gated is the real client with its snapshot listings held at a gate
// while the test wants them held.
type gated struct {
	API
	hold    atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (g *gated) ListSnapshots(ctx context.Context, id string) ([]client.Snapshot, error) {
	if g.hold.CompareAndSwap(true, false) {
		g.entered <- struct{}{}
		<-g.release
	}
	return g.API.ListSnapshots(ctx, id)
}

// TestReadUnderWayWhenAnEventComes: a listing that began before an event
// about its interaction is not joined by a read after the event (that one
// asks the platform), and its answer, which may predate the event, is not
// cached over the newer one.
func TestReadUnderWayWhenAnEventComes(t *testing.T) {
	c := newCounted(t)
	clock, move := testClock()
	g := &gated{API: c.api, entered: make(chan struct{}), release: make(chan struct{})}
	g.hold.Store(true)
	sh := New(g, Options{Now: clock})
	t.Cleanup(sh.Close)
	iid := c.sim.Interactions()[0].ID
	bg := Background(context.Background(), time.Minute)
	early := make(chan error, 1)
	go func() {
		_, err := sh.ListSnapshots(bg, iid)
		early <- err
	}()
	<-g.entered // the early listing is under way
	sh.forget(iid)
	// (Bounded: joining the held listing would wait for ever.)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := sh.ListSnapshots(ctx, iid); err != nil {
		close(g.release)
		t.Fatalf("the read after the event: %v (it waited for the listing begun before the event)", err)
	}
	if n := c.n("GET /rtc-api/snapshots"); n != 1 {
		t.Fatalf("the read after the event made %d listings; want its own (the early one is still held)", n)
	}
	sh.mu.Lock()
	fresh := sh.reads["snapshots|"+iid].at
	sh.mu.Unlock()
	move(5 * time.Second)
	close(g.release)
	if err := <-early; err != nil {
		t.Fatal(err)
	}
	sh.mu.Lock()
	kept := sh.reads["snapshots|"+iid].at
	sh.mu.Unlock()
	if !kept.Equal(fresh) {
		t.Fatal("the listing that began before the event was cached over the one after it")
	}
	if n := c.n("GET /rtc-api/snapshots"); n != 2 {
		t.Fatalf("%d listings, want 2", n)
	}
}
