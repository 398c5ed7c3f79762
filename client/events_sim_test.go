package client_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// simEnv is a simulator on loopback and a client logged in as the agent.
type simEnv struct {
	srv      *sim.Server
	c        *client.Client
	endpoint string
	streams  *atomic.Int32 // event-stream connections the client opened
}

// countStreams counts the requests for the event stream.
type countStreams struct {
	base http.RoundTripper
	n    *atomic.Int32
}

func (c countStreams) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/rtc-api/events" {
		c.n.Add(1)
	}
	return c.base.RoundTrip(r)
}

func startSim(t *testing.T, opts sim.Options, addr string) *sim.Server {
	t.Helper()
	srv, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(addr); err != nil {
		t.Fatal(err)
	}
	return srv
}

func newSimEnv(t *testing.T, opts sim.Options) *simEnv {
	t.Helper()
	srv := startSim(t, opts, "127.0.0.1:0")
	t.Cleanup(func() { _ = srv.Close() })
	var cred sim.Credential
	for _, cr := range srv.Credentials() {
		if cr.Role == sim.RoleAgent {
			cred = cr
		}
	}
	streams := &atomic.Int32{}
	hc := &http.Client{Transport: countStreams{base: http.DefaultTransport.(*http.Transport).Clone(), n: streams}}
	c, err := client.New(client.Config{Server: srv.URL(), ClientID: cred.ClientID, ClientSecret: cred.ClientSecret, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := c.RegisterEndpoint(context.Background(), client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	return &simEnv{srv: srv, c: c, endpoint: ep, streams: streams}
}

func simLeaks(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

func publishN(srv *sim.Server, from, n int) {
	for i := from; i < from+n; i++ {
		srv.Publish(client.Event{Type: client.EventSnapshotAcquired, SnapshotID: fmt.Sprintf("snap-%d", i)})
	}
}

// readUntil reads updates until done returns true, failing on timeout.
func readUntil(t *testing.T, st *client.Stream, timeout time.Duration, done func(u client.StreamUpdate) bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case u, ok := <-st.Updates():
			if !ok {
				t.Fatal("updates closed early")
			}
			if done(u) {
				return
			}
		case <-deadline:
			t.Fatalf("timeout after %s", timeout)
		}
	}
}

// eventLog checks that events arrive once each, in order, by snapshot id.
type eventLog struct {
	t       *testing.T
	ids     []string
	seqs    []uint64
	resyncs int
	states  map[client.StreamState]int
}

func newEventLog(t *testing.T) *eventLog {
	return &eventLog{t: t, states: map[client.StreamState]int{}}
}

func (l *eventLog) add(u client.StreamUpdate) {
	l.states[u.State]++
	if u.Resync {
		l.resyncs++
	}
	for _, ev := range u.Events {
		if n := len(l.seqs); n > 0 && ev.Seq <= l.seqs[n-1] {
			l.t.Fatalf("seq %d after %d: duplicate or out of order", ev.Seq, l.seqs[n-1])
		}
		l.seqs = append(l.seqs, ev.Seq)
		l.ids = append(l.ids, ev.SnapshotID)
	}
}

func (l *eventLog) check(from, to int) {
	l.t.Helper()
	if len(l.ids) != to-from+1 {
		l.t.Fatalf("got %d events, want %d", len(l.ids), to-from+1)
	}
	for i, id := range l.ids {
		if want := fmt.Sprintf("snap-%d", from+i); id != want {
			l.t.Fatalf("event %d is %s, want %s", i, id, want)
		}
	}
}

func TestStreamSimDropStreamAfterLosesNothing(t *testing.T) {
	simLeaks(t)
	env := newSimEnv(t, sim.Options{Seed: 1, Faults: sim.Faults{DropStreamAfter: 7}})
	st := env.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: env.endpoint})
	t.Cleanup(st.Close)
	l := newEventLog(t)
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool { l.add(u); return u.State == client.StateLive })
	publishN(env.srv, 1, 30)
	readUntil(t, st, 30*time.Second, func(u client.StreamUpdate) bool { l.add(u); return len(l.ids) >= 30 })
	l.check(1, 30)
	if l.resyncs != 0 {
		t.Fatalf("%d resyncs although the sim held every event", l.resyncs)
	}
	// The stream was cut at least every 7 events: 30 took 5 connections.
	if n := env.streams.Load(); n < 5 {
		t.Fatalf("%d stream connections for 30 events cut every 7: the drops did not happen", n)
	}
}

func TestStreamSimServerRestartWithSameDataDir(t *testing.T) {
	simLeaks(t)
	dir := t.TempDir()
	opts := sim.Options{Seed: 2, DataDir: dir}
	env := newSimEnv(t, opts)
	addr := env.srv.URL()[len("http://"):]
	st := env.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: env.endpoint})
	t.Cleanup(st.Close)
	l := newEventLog(t)
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool { l.add(u); return u.State == client.StateLive })
	publishN(env.srv, 1, 5)
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool { l.add(u); return len(l.ids) >= 5 })

	if err := env.srv.Close(); err != nil {
		t.Fatal(err)
	}
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool {
		l.add(u)
		return u.State == client.StateReconnecting || u.State == client.StateOffline
	})
	srv2 := startSim(t, opts, addr)
	t.Cleanup(func() { _ = srv2.Close() })
	publishN(srv2, 6, 3) // before the client is back: replayed or resynced
	readUntil(t, st, 30*time.Second, func(u client.StreamUpdate) bool { l.add(u); return u.State == client.StateLive })
	publishN(srv2, 9, 2)
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool {
		l.add(u)
		return len(l.ids) >= 10 || (l.resyncs > 0 && len(l.ids) >= 7)
	})
	t.Logf("after restart: %d events, %d resyncs", len(l.ids), l.resyncs)
	if l.resyncs == 0 {
		l.check(1, 10)
	}
	if l.seqs[4] != 5 || l.seqs[len(l.seqs)-1] != 10 {
		t.Fatalf("seqs = %v: the sequence did not survive the restart", l.seqs)
	}
}

func TestStreamSimShortTokensAcrossReconnects(t *testing.T) {
	simLeaks(t)
	// Tokens live 2 s; the stream is dropped every 3 events for 4 s, so
	// reconnections need renewed tokens.
	env := newSimEnv(t, sim.Options{Seed: 3, TokenLifetime: 2 * time.Second, Faults: sim.Faults{DropStreamAfter: 3}})
	st := env.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: env.endpoint})
	t.Cleanup(st.Close)
	l := newEventLog(t)
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool { l.add(u); return u.State == client.StateLive })
	go func() {
		for i := 1; i <= 16; i++ {
			publishN(env.srv, i, 1)
			time.Sleep(250 * time.Millisecond)
		}
	}()
	readUntil(t, st, 30*time.Second, func(u client.StreamUpdate) bool {
		l.add(u)
		if u.State == client.StateOffline {
			t.Fatalf("offline: %v", u.Err)
		}
		return len(l.ids) >= 16
	})
	l.check(1, 16)
}

func TestStreamSimExpiredStaticTokenGoesOffline(t *testing.T) {
	simLeaks(t)
	env := newSimEnv(t, sim.Options{Seed: 4, Faults: sim.Faults{DropStreamAfter: 1}})
	tok := env.srv.IssueToken(sim.RoleAgent, 1500*time.Millisecond)
	c, err := client.New(client.Config{Server: env.srv.URL(), Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stream(context.Background(), client.StreamOptions{UserEndpointID: env.endpoint})
	t.Cleanup(st.Close)
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool { return u.State == client.StateLive })
	time.Sleep(1600 * time.Millisecond)
	publishN(env.srv, 1, 1) // ends the connection (DropStreamAfter 1)
	readUntil(t, st, 15*time.Second, func(u client.StreamUpdate) bool {
		return u.State == client.StateOffline && client.IsUnauthorized(u.Err)
	})
}

func TestStreamSimRestartWithNewKeysRenewsTokenAndResyncs(t *testing.T) {
	simLeaks(t)
	// A restarted server with new signing keys and no saved state: the
	// cached token is refused (401 -> renewal) and the history is gone
	// (ResyncRequiredEvent), yet the stream comes back by itself.
	env := newSimEnv(t, sim.Options{Seed: 5})
	addr := env.srv.URL()[len("http://"):]
	st := env.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: env.endpoint})
	t.Cleanup(st.Close)
	l := newEventLog(t)
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool { l.add(u); return u.State == client.StateLive })
	publishN(env.srv, 1, 3)
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool { l.add(u); return len(l.ids) >= 3 })
	if err := env.srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv2 := startSim(t, sim.Options{Seed: 6}, addr)
	t.Cleanup(func() { _ = srv2.Close() })
	// The new server forgot the endpoint the stream names: register it
	// again, as an endpoint's keepalive does when it is refused (a POST on
	// a connection the old server closed is not retried: try again).
	for deadline := time.Now().Add(10 * time.Second); ; {
		_, err := env.c.RegisterEndpoint(context.Background(), client.RegisterEndpointCommand{UserEndpointID: env.endpoint, KeepAliveSeconds: 3600})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	readUntil(t, st, 30*time.Second, func(u client.StreamUpdate) bool {
		if u.Resync {
			l.resyncs++
		}
		return u.State == client.StateLive && l.resyncs > 0
	})
	publishN(srv2, 4, 2)
	var got []client.Event
	readUntil(t, st, 10*time.Second, func(u client.StreamUpdate) bool { got = append(got, u.Events...); return len(got) >= 2 })
	if got[0].SnapshotID != "snap-4" || got[0].Seq != 1 || got[1].Seq != 2 {
		t.Fatalf("after restart: %+v", got)
	}
}

// TestReplayHistoryWithServerClockSkew: with the server's clock two
// minutes behind or ahead, what a replay brings from before the stream
// started is History and what is published afterwards is not: the stream
// decides from the server's own Date and the sequence, not from our clock.
func TestReplayHistoryWithServerClockSkew(t *testing.T) {
	for _, skew := range []time.Duration{-2 * time.Minute, 2 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			env := newSimEnv(t, sim.Options{Now: func() time.Time { return time.Now().Add(skew) }})
			// Stamped a few seconds before the stream starts, by the
			// server's clock (a second of Date resolution apart).
			publishN(env.srv, 0, 3)
			time.Sleep(1100 * time.Millisecond) // the Date header has whole seconds: let it pass one
			st := env.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: env.endpoint, Replay: true})
			defer st.Close()
			hist := map[string]bool{}
			live := false
			deadline := time.After(20 * time.Second)
			for !live || len(hist) < 3 {
				select {
				case u := <-st.Updates():
					live = live || u.State == client.StateLive
					for _, ev := range u.Events {
						hist[ev.SnapshotID] = ev.History
					}
				case <-deadline:
					t.Fatalf("history so far %v, live %v", hist, live)
				}
			}
			publishN(env.srv, 3, 1)
			for len(hist) < 4 {
				select {
				case u := <-st.Updates():
					for _, ev := range u.Events {
						hist[ev.SnapshotID] = ev.History
					}
				case <-deadline:
					t.Fatalf("the live event never came: %v", hist)
				}
			}
			for i := range 4 {
				id := fmt.Sprintf("snap-%d", i)
				if want := i < 3; hist[id] != want {
					t.Errorf("%s: History %v, want %v (%v)", id, hist[id], want, hist)
				}
			}
		})
	}
}
