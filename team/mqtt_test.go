package team

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// connect starts a hub on url for organization acme and waits until it
// is online.
func connect(t testing.TB, url string, o Options) *Hub {
	t.Helper()
	return connectWith(t, BrokerOptions{URL: url, Organization: "acme", Options: o})
}

// connectWith starts a hub with o and waits until it is online; t's
// cleanup closes it.
func connectWith(t testing.TB, o BrokerOptions) *Hub {
	t.Helper()
	h, err := Connect(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.WaitOnline(ctx); err != nil {
		t.Fatalf("%s: %v", o.URL, err)
	}
	return h
}

// waitFor polls cond until it holds; the deadline only bounds a hang.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// collector keeps a reviewer's events for a test to wait on.
type collector struct {
	mu  sync.Mutex
	evs []Event
}

func (c *collector) take(r *Reviewer) []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evs = append(c.evs, r.Events()...)
	return append([]Event(nil), c.evs...)
}

// waitEvent waits for an event of kind k about sid (any sid when "").
func (c *collector) waitEvent(t testing.TB, r *Reviewer, k Kind, sid string) Event {
	t.Helper()
	var found Event
	waitFor(t, fmt.Sprintf("event %d about %q", k, sid), func() bool {
		for _, e := range c.take(r) {
			if e.Kind == k && (sid == "" || e.SnapshotID == sid) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

func holderIs(r *Reviewer, sid, want string) func() bool {
	return func() bool {
		got, ok := r.Holder(sid)
		if want == "" {
			return !ok
		}
		return ok && got == want
	}
}

func TestBrokerClaimIsSeenRefusedAndReleased(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	h1 := connect(t, b.TCPURL(), Options{})
	h2 := connect(t, b.WSURL(), Options{}) // over WebSocket too
	ada, bob := h1.Join("ada"), h2.Join("bob")
	var ca collector
	if st, _ := ada.Claim("snap/1"); st != Pending {
		t.Fatalf("ada's claim: %v, want Pending", st)
	}
	ca.waitEvent(t, ada, Won, "snap/1")
	waitFor(t, "bob to see ada's claim", holderIs(bob, "snap/1", "ada"))
	if st, who := bob.Claim("snap/1"); st != Taken || who != "ada" {
		t.Fatalf("bob's claim: %v %q, want Taken by ada", st, who)
	}
	// A hub joining later reads the retained hold.
	h3 := connect(t, b.TCPURL(), Options{})
	carl := h3.Join("carl")
	waitFor(t, "a late hub to see ada's claim", holderIs(carl, "snap/1", "ada"))
	ada.Release("snap/1")
	waitFor(t, "bob to see the release", holderIs(bob, "snap/1", ""))
	waitFor(t, "carl to see the release", holderIs(carl, "snap/1", ""))
	// The broker keeps nothing for a released picture: no retained
	// release piles up per picture ever reviewed. And a hub joining now
	// finds it free: its claim wins.
	if got := retainedClaims(t, b.TCPURL(), "snapdash/acme/"); len(got) != 0 {
		t.Fatalf("the broker still retains %v after the release", got)
	}
	erin := connect(t, b.TCPURL(), Options{}).Join("erin")
	var ce collector
	erin.Claim("snap/1")
	ce.waitEvent(t, erin, Won, "snap/1")
	// Another organization shares nothing.
	dan := connectWith(t, BrokerOptions{URL: b.TCPURL(), Organization: "other"}).Join("dan")
	var cd collector
	dan.Claim("snap/1")
	cd.waitEvent(t, dan, Won, "snap/1")
}

// retainedClaims subscribes to prefix's claims with a client of its own and
// returns the retained messages the broker sends, by topic. The broker
// sends them right after the subscription is acknowledged, before a
// message published after that: a sentinel published then, once it
// arrives, says they all have.
func retainedClaims(t *testing.T, url, prefix string) map[string]string {
	t.Helper()
	var mu sync.Mutex
	got := map[string]string{}
	sentinel := make(chan struct{}, 1)
	o := mqtt.NewClientOptions().AddBroker(url).SetClientID(fmt.Sprintf("retained-%d", time.Now().UnixNano()))
	cl := mqtt.NewClient(o)
	if tok := cl.Connect(); !tok.WaitTimeout(20*time.Second) || tok.Error() != nil {
		t.Fatal("connect:", tok.Error())
	}
	defer cl.Disconnect(100)
	sub := cl.Subscribe(prefix+"#", 1, func(_ mqtt.Client, m mqtt.Message) {
		switch {
		case m.Topic() == prefix+"sentinel":
			sentinel <- struct{}{}
		case m.Retained() && strings.HasPrefix(m.Topic(), prefix+"claims/"):
			mu.Lock()
			got[m.Topic()] = string(m.Payload())
			mu.Unlock()
		}
	})
	if !sub.WaitTimeout(20*time.Second) || sub.Error() != nil {
		t.Fatal("subscribe:", sub.Error())
	}
	cl.Publish(prefix+"sentinel", 1, false, []byte("x")).WaitTimeout(20 * time.Second)
	select {
	case <-sentinel:
	case <-time.After(20 * time.Second):
		t.Fatal("the sentinel never came back")
	}
	mu.Lock()
	defer mu.Unlock()
	return got
}

func TestBrokerSimultaneousClaimsHaveOneWinner(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	const hubs = 4
	rs := make([]*Reviewer, hubs)
	cs := make([]*collector, hubs)
	for i := range rs {
		rs[i] = connect(t, b.TCPURL(), Options{}).Join(fmt.Sprintf("r%d", i))
		cs[i] = &collector{}
	}
	for round := range 20 {
		sid := fmt.Sprintf("s%d", round)
		var wg sync.WaitGroup
		start := make(chan struct{})
		sts := make([]Status, hubs)
		for i, r := range rs {
			wg.Go(func() {
				<-start
				sts[i], _ = r.Claim(sid)
			})
		}
		close(start)
		wg.Wait()
		// Each claim settles: Won or Lost (or Taken at once).
		winners := []int{}
		for i, r := range rs {
			if sts[i] == Taken {
				continue
			}
			var settled Event
			waitFor(t, "a claim to settle", func() bool {
				for _, e := range cs[i].take(r) {
					if (e.Kind == Won || e.Kind == Lost) && e.SnapshotID == sid {
						settled = e
						return true
					}
				}
				return false
			})
			if settled.Kind == Won {
				winners = append(winners, i)
			}
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: winners %v (statuses %v), want exactly one", round, winners, sts)
		}
		w := fmt.Sprintf("r%d", winners[0])
		for i, r := range rs {
			if i != winners[0] {
				waitFor(t, "every hub to agree on the winner", holderIs(r, sid, w))
				if r.Holds(sid) {
					t.Fatalf("round %d: loser r%d still holds %s", round, i, sid)
				}
			}
		}
		rs[winners[0]].Release(sid)
	}
}

// TestHelperHolder is not a test: TestBrokerLastWillReleases runs the test
// binary with it as a separate process that holds a claim until killed.
func TestHelperHolder(t *testing.T) {
	url := os.Getenv("TEAM_HELPER_BROKER")
	if url == "" {
		t.Skip("helper process only")
	}
	h, err := Connect(BrokerOptions{URL: url, Organization: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.WaitOnline(ctx); err != nil {
		t.Fatal(err)
	}
	r := h.Join("carl")
	r.Claim("s1")
	for {
		for _, e := range r.Events() {
			if e.Kind == Won {
				fmt.Println("held")
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBrokerLastWillReleases(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	h := connect(t, b.TCPURL(), Options{})
	ada := h.Join("ada")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHolder$")
	cmd.Env = append(os.Environ(), "TEAM_HELPER_BROKER="+b.TCPURL())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	held := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "held" {
				held <- true
			}
		}
		close(held)
	}()
	select {
	case ok := <-held:
		if !ok {
			t.Fatal("the helper ended without holding its claim")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the helper did not hold its claim within 30 s")
	}
	waitFor(t, "ada to see carl's claim", holderIs(ada, "s1", "carl"))
	if st, _ := ada.Claim("s1"); st != Taken {
		t.Fatalf("ada's claim while carl lives: %v, want Taken", st)
	}
	// Killed: no goodbye, only the broker's last will.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the last will to release carl's claim", holderIs(ada, "s1", ""))
	// A hub joining now reads carl's hold from the broker's memory, but
	// carl's presence is gone: the claim is not his any more. (bob's live
	// claim, seen first, is the sign the joiner has read the broker.)
	bob := connect(t, b.TCPURL(), Options{}).Join("bob")
	var cb collector
	bob.Claim("s2")
	cb.waitEvent(t, bob, Won, "s2")
	late := connect(t, b.TCPURL(), Options{}).Join("late")
	waitFor(t, "the joiner to see bob's claim", holderIs(late, "s2", "bob"))
	if who, ok := late.Holder("s1"); ok {
		t.Fatalf("a joiner takes the dead carl's claim as %q's", who)
	}
	var ca collector
	if st, _ := ada.Claim("s1"); st != Pending {
		t.Fatalf("ada's claim after carl died: %v, want Pending", st)
	}
	ca.waitEvent(t, ada, Won, "s1")
}

func TestBrokerOutageAndRestart(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	h1 := connect(t, b.TCPURL(), Options{})
	h2 := connect(t, b.TCPURL(), Options{})
	ada, bob := h1.Join("ada"), h2.Join("bob")
	var ca, cb collector
	ada.Claim("s1")
	ca.waitEvent(t, ada, Won, "s1")
	waitFor(t, "bob to see ada's claim", holderIs(bob, "s1", "ada"))

	b.Stop() // persistence off: the broker forgets every retained claim
	cb.waitEvent(t, bob, Offline, "")
	waitFor(t, "ada's hub to notice", func() bool { return !h1.Online() })
	// A claim while offline waits for the broker.
	if st, _ := bob.Claim("s2"); st != Queued {
		t.Fatalf("bob's claim while offline: %v, want Queued", st)
	}
	b.Resume()
	cb.waitEvent(t, bob, Online, "")
	cb.waitEvent(t, bob, Won, "s2")
	// ada's claim was re-announced: bob and a newcomer see it.
	waitFor(t, "bob to see ada's claim again", holderIs(bob, "s1", "ada"))
	h3 := connect(t, b.TCPURL(), Options{})
	carl := h3.Join("carl")
	waitFor(t, "a newcomer to see ada's claim", holderIs(carl, "s1", "ada"))
	waitFor(t, "a newcomer to see bob's claim", holderIs(carl, "s2", "bob"))
	if !ada.Holds("s1") || !bob.Holds("s2") {
		t.Fatal("a claim was lost in the restart")
	}
}

func TestBrokerIgnoresGarbage(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	h := connect(t, b.TCPURL(), Options{})
	ada := h.Join("ada")
	p := b.Publisher(t, "", "")
	for _, payload := range []string{"", "{", `{"op":"claim"}`, `{"op":"steal","owner":"x/1"}`, strings.Repeat("x", 5000)} {
		p.Publish("snapdash/acme/claims/s1", []byte(payload))
	}
	// A well-formed claim from another process after the garbage is the
	// positive sign that the garbage was read and ignored.
	p.Publish("snapdash/acme/claims/s1", message{V: 1, Op: "claim", Owner: "zz/1", Name: "mallory", Lease: 60000, At: time.Now().UnixNano()}.encode())
	waitFor(t, "the well-formed claim", holderIs(ada, "s1", "mallory"))
}

func TestBrokerConnectingThenOffline(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	b.Stop()
	h, err := Connect(BrokerOptions{URL: b.TCPURL(), Organization: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	r := h.Join("ada")
	if !r.Connecting() || r.Online() {
		t.Fatal("a hub that never reached its broker is not connecting")
	}
	if st, _ := r.Claim("s1"); st != Queued {
		t.Fatalf("claim before the broker answered: %v, want Queued", st)
	}
	b.Resume()
	var c collector
	c.waitEvent(t, r, Won, "s1") // the queued claim, sent once connected
	if r.Connecting() || !r.Online() {
		t.Fatal("connected hub still connecting")
	}
	b.Stop()
	c.waitEvent(t, r, Offline, "")
	if r.Connecting() {
		t.Fatal("a hub that lost its broker says connecting, not offline")
	}
}

// TestBrokerExpiredClaimTakenOver: a claim its holder stopped renewing
// (a frozen process the broker did not notice) lapses by the claimant's
// own clock; the takeover names the claim it replaces, so every hub
// agrees, and the old holder is told.
func TestBrokerExpiredClaimTakenOver(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	clk := &fakeClock{t: time.Now()}
	h1 := connect(t, b.TCPURL(), Options{Lease: time.Minute, Margin: time.Second})
	h2 := connect(t, b.TCPURL(), Options{Lease: time.Minute, Margin: time.Second, Now: clk.Now})
	h3 := connect(t, b.TCPURL(), Options{Lease: time.Minute, Margin: time.Second})
	ada, bob, carl := h1.Join("ada"), h2.Join("bob"), h3.Join("carl")
	var ca, cb collector
	ada.Claim("s1")
	ca.waitEvent(t, ada, Won, "s1")
	waitFor(t, "bob to see ada's claim", holderIs(bob, "s1", "ada"))
	if st, _ := bob.Claim("s1"); st != Taken {
		t.Fatalf("bob's claim on a live one: %v", st)
	}
	clk.Add(2 * time.Minute) // on bob's clock, ada's lease ran out
	bob.Events()
	h2.sweep() // as the renewal loop does: bob's row stops showing ada
	if evs := bob.Events(); len(evs) != 1 || evs[0].Kind != Changed || evs[0].SnapshotID != "s1" {
		t.Fatalf("the lapse was not announced: %+v", evs)
	}
	h2.sweep()
	if evs := bob.Events(); len(evs) != 0 {
		t.Fatalf("the lapse was announced twice: %+v", evs)
	}
	if st, _ := bob.Claim("s1"); st != Pending {
		t.Fatalf("bob's claim on a lapsed one: %v, want Pending", st)
	}
	cb.waitEvent(t, bob, Won, "s1")
	lost := ca.waitEvent(t, ada, Lost, "s1")
	if lost.Holder != "bob" {
		t.Fatalf("ada was told %q took it, want bob", lost.Holder)
	}
	waitFor(t, "carl to agree", holderIs(carl, "s1", "bob"))
}

// TestBrokerOverTLS: claims travel over ssl:// and wss:// to a real
// mosquitto whose certificate a private authority signed; a hub that does
// not trust that authority stays offline (it never reaches the broker).
func TestBrokerOverTLS(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{TLS: true})
	hub := func(url string) *Hub {
		return connectWith(t, BrokerOptions{URL: url, Organization: "acme", TLS: b.ClientTLS()})
	}
	ada, bob := hub(b.SSLURL()).Join("ada"), hub(b.WSSURL()).Join("bob")
	var ca collector
	ada.Claim("snap/1")
	ca.waitEvent(t, ada, Won, "snap/1")
	waitFor(t, "bob (wss) to see ada's claim (ssl)", holderIs(bob, "snap/1", "ada"))

	// The system's roots do not know the test's authority: the hub says
	// why it is not online, once (OnError), and the broker saw the refusal.
	said := make(chan error, 10)
	h, err := Connect(BrokerOptions{URL: b.SSLURL(), Organization: "acme", OnError: func(err error) { said <- err }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	select {
	case err := <-said:
		if !strings.Contains(err.Error(), "certificate") || h.Err() == nil || h.Online() {
			t.Errorf("OnError %v, Err %v, online %v", err, h.Err(), h.Online())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no error said for an untrusted certificate")
	}
	waitFor(t, "the broker to log the refused handshake", func() bool {
		return strings.Contains(b.Log(), "alert bad certificate")
	})
}
