package tui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/views/header"
)

// Dashboard-level fault tests: a real simulator with its fault knobs, the
// real client over loopback and the real root model in a real program. In
// every case each event the server delivers is in the events pane exactly
// once and in order (by sequence id), and the dashboard keeps answering
// keys while the fault lasts.

// faultEnv is a simulator without demo data, one interaction to publish
// events for, and a client logged in as the agent.
type faultEnv struct {
	sim   *sim.Server
	so    sim.Options
	api   *client.Client
	ep    string
	iid   string
	ident client.Identity
	sent  []string // snapshot ids published, in order
	// tokens counts requests to the token endpoint, streams the event
	// stream's connections.
	tokens, streams atomic.Int64
}

// countTokens counts the requests to the token endpoint.
type countTokens struct{ n, streams *atomic.Int64 }

func (c countTokens) RoundTrip(r *http.Request) (*http.Response, error) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/oauth/token"):
		c.n.Add(1)
	case strings.HasSuffix(r.URL.Path, "/events"):
		c.streams.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func startSim(t testing.TB, so sim.Options, addr string) *sim.Server {
	t.Helper()
	s, err := sim.New(so)
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	for i := 0; i < 50; i++ { // a restarted server may wait for its port
		if serr = s.Start(addr); serr == nil {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal(serr)
	return nil
}

// newFaultEnv starts the simulator; creds logs in with client credentials
// (renewed tokens) instead of a static token.
func newFaultEnv(t testing.TB, so sim.Options, creds bool) *faultEnv {
	t.Helper()
	return newFaultEnvWith(t, so, creds, nil)
}

// newFaultEnvWith is newFaultEnv with the client's configuration changed
// by tune (another event transport, say).
func newFaultEnvWith(t testing.TB, so sim.Options, creds bool, tune func(*client.Config)) *faultEnv {
	t.Helper()
	so.Seed, so.PictureWidth = 1, 320
	s := startSim(t, so, "127.0.0.1:0")
	t.Cleanup(func() { _ = s.Close() })
	fe := &faultEnv{sim: s, so: so}
	fe.iid = s.AddInteraction(client.Interaction{ID: "int-fault", Type: "CALL",
		Data: []byte(`{"customerName":"Fault Test","customerUserId":"cust-f","agentUserId":"` + sim.AgentUserID + `"}`)})
	cfg := client.Config{Server: s.URL(), Token: s.IssueToken(sim.RoleAgent, time.Hour)}
	if creds {
		for _, c := range s.Credentials() {
			if c.Role == sim.RoleAgent {
				cfg = client.Config{Server: s.URL(), ClientID: c.ClientID, ClientSecret: c.ClientSecret}
			}
		}
	}
	cfg.HTTPClient = &http.Client{Transport: countTokens{&fe.tokens, &fe.streams}}
	if tune != nil {
		tune(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if fe.ident, err = c.Identity(ctx); err != nil {
		t.Fatal(err)
	}
	if fe.ep, err = c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600}); err != nil {
		t.Fatal(err)
	}
	fe.api = c
	return fe
}

func (fe *faultEnv) options() Options {
	return Options{API: fe.api, ServerURL: "https://faults.test", Identity: fe.ident, UserEndpointID: fe.ep,
		ApplicationID: "snapdash-test", Location: time.UTC, ImageMode: ImageModeNone,
		Clipboard: func(string) error { return nil }, Opener: func(string) error { return nil }}
}

// publish sends n events: snapshot requests, and every tenth an event type
// the dashboard does not know.
func (fe *faultEnv) publish(s *sim.Server, n int) {
	for range n {
		i := len(fe.sent) + 1
		id := fmt.Sprintf("f-%05d", i)
		ev := client.Event{Type: client.EventSnapshotRequested, InteractionID: fe.iid, SnapshotID: id,
			SnapshotType: "meter", TargetUserID: "cust-f", UserID: sim.AgentUserID}
		if i%10 == 0 {
			ev = client.Event{Type: "FaultProbeEvent", InteractionID: fe.iid, SnapshotID: id}
		}
		s.Publish(ev)
		fe.sent = append(fe.sent, id)
	}
}

// startDashboard runs the dashboard with the events pane shown and focused
// and waits until the stream is live.
func (fe *faultEnv) startDashboard(t testing.TB, w, h int) (*teatest.TestModel, *probe) {
	t.Helper()
	tm, p := startProbe(t, fe.options(), w, h)
	keys(tm, "e", "tab", "tab")
	p.until(t, tm, 10*time.Second, "a live stream and the events pane focused", func(m *Model) bool {
		return m.live.cs.State == header.Live && m.focus == focusEvents && !m.lists.listing
	})
	return tm, p
}

// waitSeq waits until the events pane holds the event seq.
func waitSeq(t testing.TB, tm *teatest.TestModel, p *probe, seq uint64, timeout time.Duration) {
	t.Helper()
	p.until(t, tm, timeout, fmt.Sprintf("event %d in the pane", seq), func(m *Model) bool {
		e, ok := lastEvent(m)
		return ok && e.Seq >= seq
	})
}

// answersKeys presses p (pause) and p again (follow) and waits for each to
// show on the screen: keys keep working whatever the stream does. How fast
// they answer is a benchmark's business (BenchmarkPublishToScreen and
// bench/ssh-load.sh), not a test's.
func answersKeys(t *testing.T, tm *teatest.TestModel, p *probe) {
	t.Helper()
	keys(tm, "p")
	p.until(t, tm, 5*time.Second, "the pane paused on screen", func(m *Model) bool {
		return m.events.Paused() && strings.Contains(m.View(), "· paused")
	})
	keys(tm, "p")
	p.until(t, tm, 5*time.Second, "the pane following again", func(m *Model) bool { return m.events.Following() })
}

// checkOnceInOrder fails unless the pane's events are exactly want, each
// naming the snapshot published with it.
func (fe *faultEnv) checkOnceInOrder(t *testing.T, m *Model, want []uint64) {
	t.Helper()
	got := paneSeqs(m)
	if len(got) != len(want) {
		t.Fatalf("pane has %d events, want %d (first %v, last %v)", len(got), len(want), got[:min(5, len(got))], got[max(0, len(got)-5):])
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pane event %d has seq %d, want %d", i, got[i], want[i])
		}
	}
	for i := 0; i < m.events.Len(); i++ {
		e := m.events.At(i)
		if e.Seq == 0 {
			continue
		}
		if id := fe.sent[e.Seq-1]; !strings.Contains(e.Text, id) {
			t.Fatalf("seq %d shows %q, want snapshot %s", e.Seq, e.Text, id)
		}
	}
}

func seqRange(from, to uint64) []uint64 {
	var out []uint64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

// (a) The server restarts mid-stream: same port, same DataDir.
func TestFaultServerRestart(t *testing.T) {
	dir := t.TempDir()
	fe := newFaultEnv(t, sim.Options{DataDir: dir}, false)
	tm, p := fe.startDashboard(t, 120, 40)
	fe.publish(fe.sim, 20)
	waitSeq(t, tm, p, 20, 10*time.Second)

	u, _ := url.Parse(fe.sim.URL())
	if err := fe.sim.Close(); err != nil {
		t.Fatal(err)
	}
	p.until(t, tm, 10*time.Second, "the header to show the outage", func(m *Model) bool {
		return m.live.cs.State == header.Reconnecting || m.live.cs.State == header.Offline
	})
	answersKeys(t, tm, p) // while the server is down
	s2 := startSim(t, fe.so, u.Host)
	t.Cleanup(func() { _ = s2.Close() })
	fe.publish(s2, 20)
	waitSeq(t, tm, p, 40, 15*time.Second)
	m := finalModel(t, tm)
	fe.checkOnceInOrder(t, m, seqRange(1, 40))
	if !p.saw(header.Reconnecting) && !p.saw(header.Offline) {
		t.Fatal("the header never showed the outage")
	}
}

// (b) The connection is cut every 7 events.
func TestFaultStreamCutEvery7Events(t *testing.T) {
	fe := newFaultEnv(t, sim.Options{Faults: sim.Faults{DropStreamAfter: 7}}, false)
	tm, p := fe.startDashboard(t, 120, 40)
	for chunk := 0; chunk < 3; chunk++ {
		fe.publish(fe.sim, 20)
		if chunk == 1 {
			answersKeys(t, tm, p)
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitSeq(t, tm, p, 60, 15*time.Second)
	m := finalModel(t, tm)
	fe.checkOnceInOrder(t, m, seqRange(1, 60))
	// The cuts happened: 60 events cut every 7 need at least 8 more
	// connections (reconnects too quick to show in the header coalesce).
	if n := fe.streams.Load(); n < 9 {
		t.Fatalf("%d stream connections for 60 events cut every 7, want at least 9", n)
	}
}

// (c) The client's Last-Event-ID is older than the server keeps: the server
// says resync, the dashboard re-lists and shows what follows, once.
func TestFaultResyncRelists(t *testing.T) {
	fe := newFaultEnv(t, sim.Options{EventBuffer: 5, Faults: sim.Faults{DropStreamAfter: 10}}, false)
	tm, p := fe.startDashboard(t, 120, 40)
	for i := uint64(1); i <= 9; i++ { // one by one: the buffer holds 5
		fe.publish(fe.sim, 1)
		waitSeq(t, tm, p, i, 10*time.Second)
	}
	// The stream ends after event 10 and cannot come back while 20 more
	// events overflow the server's buffer of 5, and an interaction no
	// event announces is created.
	fe.sim.SetFaults(sim.Faults{DropStreamAfter: 10, ErrorRate: 1})
	fe.publish(fe.sim, 1)
	waitSeq(t, tm, p, 10, 10*time.Second)
	fe.publish(fe.sim, 20)
	quiet := fe.sim.AddInteraction(client.Interaction{ID: "int-quiet", Data: []byte(`{"customerName":"Quiet One"}`)})
	p.until(t, tm, 10*time.Second, "the stream to drop", func(m *Model) bool { return m.live.cs.State != header.Live })
	answersKeys(t, tm, p)
	fe.sim.SetFaults(sim.Faults{})
	p.until(t, tm, 15*time.Second, "the re-listed interaction", func(m *Model) bool {
		return shownAs(m, quiet, "Quiet One")
	})
	fe.publish(fe.sim, 5)
	waitSeq(t, tm, p, 35, 10*time.Second)
	m := finalModel(t, tm)
	// 11..25 are gone from the server: the re-listing stands for them.
	fe.checkOnceInOrder(t, m, append(seqRange(1, 10), seqRange(26, 35)...))
	resyncAt, tenAt, next := -1, -1, -1
	for i := 0; i < m.events.Len(); i++ {
		e := m.events.At(i)
		switch {
		case e.Seq == 10:
			tenAt = i
		case e.Seq == 26:
			next = i
		case strings.HasPrefix(e.Text, "resync"):
			resyncAt = i
		}
	}
	if !(tenAt < resyncAt && resyncAt < next) {
		t.Fatalf("resync line at %d, want between seq 10 (%d) and seq 26 (%d)", resyncAt, tenAt, next)
	}
}

// (d) Tokens expire every 2 seconds (client credentials), and the stream
// is cut every 5 events, so reconnects need fresh tokens.
func TestFaultShortTokens(t *testing.T) {
	fe := newFaultEnv(t, sim.Options{TokenLifetime: 2 * time.Second, Faults: sim.Faults{DropStreamAfter: 5}}, true)
	tm, p := fe.startDashboard(t, 120, 40)
	for i := 0; i < 8; i++ { // about 5 s: tokens expire twice
		fe.publish(fe.sim, 5)
		if i == 4 {
			answersKeys(t, tm, p)
		}
		time.Sleep(600 * time.Millisecond)
	}
	waitSeq(t, tm, p, 40, 15*time.Second)
	m := finalModel(t, tm)
	fe.checkOnceInOrder(t, m, seqRange(1, 40))
	if p.saw(header.Offline) {
		t.Fatal("the stream went offline: a token was not renewed")
	}
	if n := fe.tokens.Load(); n < 2 {
		t.Fatalf("%d token requests in about 5 s of 2 s tokens", n)
	}
}

// (e) A burst of 5,000 events in about a second: all shown once, in order,
// in far fewer updates than events, and a key pressed mid-burst acts at
// once.
func TestFaultBurst5000(t *testing.T) {
	fe := newFaultEnv(t, sim.Options{}, false)
	tm, p := fe.startDashboard(t, 120, 40)
	before := p.streamMsgs.Load()
	start := time.Now()
	for chunk := 0; chunk < 100; chunk++ {
		fe.publish(fe.sim, 50)
		if chunk == 30 {
			keys(tm, "p")
			p.until(t, tm, 5*time.Second, "the pane paused mid-burst", func(m *Model) bool {
				return m.events.Paused() && strings.Contains(m.View(), "· paused")
			})
			keys(tm, "p")
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitSeq(t, tm, p, 5000, 20*time.Second)
	elapsed := time.Since(start)
	msgs := p.streamMsgs.Load() - before
	m := finalModel(t, tm)
	fe.checkOnceInOrder(t, m, seqRange(1, 5000))
	if !m.events.Following() {
		t.Fatal("the second p did not resume following")
	}
	// At most one update per 16 ms batch window, however many events.
	if limit := int64(elapsed/(16*time.Millisecond)) + 10; msgs > limit {
		t.Fatalf("%d stream updates in %s, want at most %d", msgs, elapsed, limit)
	}
	if m.snaps.Total() != 4500 {
		t.Fatalf("the table has %d requested rows, want 4500", m.snaps.Total())
	}
	t.Logf("5,000 events in %s: %d updates (%.0f events each)",
		elapsed.Round(time.Millisecond), msgs, 5000/float64(max(1, msgs)))
}
