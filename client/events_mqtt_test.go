package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// mqttEnv is the simulator (for tokens and the user endpoint; its own event
// stream is not used), a real mosquitto, and a client set to MQTT.
type mqttEnv struct {
	srv    *sim.Server
	ts     *httptest.Server
	broker *brokertest.Broker
	c      *client.Client
	ep     string
	topic  string
	tokens atomic.Int32 // access tokens issued by the token endpoint

	mu      sync.Mutex
	onToken func(tok string) // runs before the token response is sent
}

// newMQTTEnv starts everything; onToken, when not nil, sees every access
// token the token endpoint issues before the client does.
func newMQTTEnv(t *testing.T, simOpts sim.Options, bopts brokertest.Options, onToken func(*mqttEnv, string)) *mqttEnv {
	t.Helper()
	b := brokertest.Start(t, bopts)
	srv, err := sim.New(simOpts)
	if err != nil {
		t.Fatal(err)
	}
	e := &mqttEnv{srv: srv, broker: b}
	if onToken != nil {
		e.onToken = func(tok string) { onToken(e, tok) }
	}
	h := srv.Handler()
	e.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/security/oauth/token" {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var tr client.TokenResponse
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &tr) == nil && tr.AccessToken != "" {
			e.tokens.Add(1)
			e.mu.Lock()
			f := e.onToken
			e.mu.Unlock()
			if f != nil {
				f(tr.AccessToken)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(func() {
		_ = srv.Close()
		e.ts.Close()
	})
	e.c, err = client.New(client.Config{
		Server: e.ts.URL, ClientID: "snapdash-agent", ClientSecret: "demo-agent-secret",
		Events: client.TransportMQTT, MQTTURL: b.WSURL(),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.ep, err = e.c.RegisterEndpoint(context.Background(), client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	if e.topic, err = client.MQTTTopic(sim.AgentUserID, e.ep); err != nil {
		t.Fatal(err)
	}
	return e
}

// event is one test event as the platform sends it: type, id and a marker.
func event(id string) []byte {
	b, _ := json.Marshal(map[string]string{
		"type": client.EventSnapshotAcquired, "id": id, "snapshotId": "snap-" + id,
		"userId": sim.AgentUserID, "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
	})
	return b
}

// mqttLog collects what a stream delivers.
type mqttLog struct {
	ids     []string
	resyncs int
	relists int
	states  []client.StreamUpdate // updates that carried no events
	errs    []error
}

func (l *mqttLog) add(u client.StreamUpdate) {
	if u.Resync {
		l.resyncs++
	}
	if u.Relist {
		l.relists++
	}
	if u.Err != nil {
		l.errs = append(l.errs, u.Err)
	}
	if len(u.Events) == 0 {
		l.states = append(l.states, u)
	}
	for _, ev := range u.Events {
		l.ids = append(l.ids, ev.ID)
	}
}

func (l *mqttLog) has(id string) bool {
	for _, x := range l.ids {
		if x == id {
			return true
		}
	}
	return false
}

// follow reads st into l until done holds, failing after timeout.
func follow(t *testing.T, st *client.Stream, l *mqttLog, timeout time.Duration, what string, done func(client.StreamUpdate) bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case u, ok := <-st.Updates():
			if !ok {
				t.Fatalf("%s: updates closed early", what)
			}
			l.add(u)
			if done(u) {
				return
			}
		case <-deadline:
			t.Fatalf("%s: not within %s; states %+v errs %v", what, timeout, l.states, l.errs)
		}
	}
}

func live(u client.StreamUpdate) bool {
	return u.State == client.StateLive && u.Transport == client.TransportMQTT
}

func checkOrder(t *testing.T, got []string, prefix string, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("got %d events, want %d: %v", len(got), n, got)
	}
	for i, id := range got {
		if want := fmt.Sprintf("%s%d", prefix, i); id != want {
			t.Fatalf("event %d is %s, want %s", i, id, want)
		}
	}
}

func TestMQTTEventsOnceInOrderDuplicatesDropped(t *testing.T) {
	e := newMQTTEnv(t, sim.Options{}, brokertest.Options{}, nil)
	st := e.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: e.ep})
	defer st.Close()
	var l mqttLog
	follow(t, st, &l, 20*time.Second, "live", live)

	pub := e.broker.Publisher(t, "", "")
	const n = 300
	for i := range n {
		pub.Publish(e.topic, event(fmt.Sprintf("e%d", i)))
	}
	// Another endpoint's topic is not ours: never delivered.
	other, _ := client.MQTTTopic(sim.AgentUserID, "someone-else")
	pub.Publish(other, event("foreign"))
	// The same ids again (as a QoS 1 redelivery would bring them), then a
	// new one: once it arrives the duplicates, sent before it on the same
	// topic, have been seen too.
	pub.Publish(e.topic, event("e0"))
	pub.Publish(e.topic, event(fmt.Sprintf("e%d", n-1)))
	pub.Publish(e.topic, event(fmt.Sprintf("e%d", n)))
	follow(t, st, &l, 20*time.Second, "events", func(client.StreamUpdate) bool { return l.has(fmt.Sprintf("e%d", n)) })
	checkOrder(t, l.ids, "e", n+1)
	if l.resyncs != 0 {
		t.Fatalf("%d resyncs on a healthy connection", l.resyncs)
	}
}

func TestMQTTBrokerRestartResyncs(t *testing.T) {
	e := newMQTTEnv(t, sim.Options{}, brokertest.Options{}, nil)
	st := e.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: e.ep})
	defer st.Close()
	var l mqttLog
	follow(t, st, &l, 20*time.Second, "live", live)
	pub := e.broker.Publisher(t, "", "")
	for i := range 5 {
		pub.Publish(e.topic, event(fmt.Sprintf("e%d", i)))
	}
	follow(t, st, &l, 20*time.Second, "before restart", func(client.StreamUpdate) bool { return l.has("e4") })

	// The broker restarts without its sessions: the client must notice,
	// reconnect, subscribe again and ask the consumer to re-list.
	e.broker.Restart()
	sawDown := false
	follow(t, st, &l, 30*time.Second, "back after restart", func(u client.StreamUpdate) bool {
		if u.State == client.StateReconnecting || u.State == client.StateOffline {
			sawDown = true
		}
		return sawDown && live(u)
	})
	if l.resyncs == 0 {
		follow(t, st, &l, 10*time.Second, "resync", func(client.StreamUpdate) bool { return l.resyncs > 0 })
	}
	pub = e.broker.Publisher(t, "", "")
	for i := 5; i < 10; i++ {
		pub.Publish(e.topic, event(fmt.Sprintf("e%d", i)))
	}
	follow(t, st, &l, 20*time.Second, "after restart", func(client.StreamUpdate) bool { return l.has("e9") })
	checkOrder(t, l.ids, "e", 10)
}

func TestMQTTTokenRenewedBeforeExpiry(t *testing.T) {
	// Tokens live 4 s (renewed at 3/4 of that); the broker accepts only the
	// newest token, so a reconnect with an old one would be refused.
	var mu sync.Mutex
	e := newMQTTEnv(t, sim.Options{TokenLifetime: 4 * time.Second},
		brokertest.Options{Passwords: map[string]string{"publisher": "pub-secret", sim.AgentUserID: "none-yet"}},
		func(e *mqttEnv, tok string) {
			mu.Lock()
			defer mu.Unlock()
			e.broker.SetPasswords(map[string]string{"publisher": "pub-secret", sim.AgentUserID: tok})
		})
	st := e.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: e.ep})
	defer st.Close()
	var l mqttLog
	follow(t, st, &l, 20*time.Second, "live", live)
	issued := e.tokens.Load()

	pub := e.broker.Publisher(t, "publisher", "pub-secret")
	i := 0
	// Publish until three renewals happened (each one a reconnect).
	deadline := time.Now().Add(30 * time.Second)
	for e.tokens.Load() < issued+3 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d token renewals in 30 s\n%s", e.tokens.Load()-issued, e.broker.Log())
		}
		pub.Publish(e.topic, event(fmt.Sprintf("e%d", i)))
		i++
		time.Sleep(50 * time.Millisecond)
	}
	last := fmt.Sprintf("e%d", i)
	pub.Publish(e.topic, event(last))
	follow(t, st, &l, 20*time.Second, "all events", func(client.StreamUpdate) bool { return l.has(last) })
	checkOrder(t, l.ids, "e", i+1)
	for _, u := range l.states {
		if u.State != client.StateLive && u.State != client.StateConnecting {
			t.Fatalf("stream went %s (%v) while renewing tokens", u.State, u.Err)
		}
	}
	if l.resyncs != 0 {
		t.Fatalf("%d resyncs: the broker kept the session, nothing was missed", l.resyncs)
	}
	// The third renewal's connection may still be opening.
	resumed := "Sending CONNACK to " + e.ep + " (1, 0)"
	deadline = time.Now().Add(20 * time.Second)
	for strings.Count(e.broker.Log(), resumed) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d resumed connections, want >= 3\n%s", strings.Count(e.broker.Log(), resumed), e.broker.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	log := e.broker.Log()
	if strings.Contains(log, "(0, 5)") {
		t.Fatalf("the broker refused a token\n%s", log)
	}
}

func TestMQTTWrongCredentialsOfflineWithReason(t *testing.T) {
	e := newMQTTEnv(t, sim.Options{}, brokertest.Options{Passwords: map[string]string{sim.AgentUserID: "not-the-token"}}, nil)
	st := e.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: e.ep})
	defer st.Close()
	var l mqttLog
	var offline client.StreamUpdate
	follow(t, st, &l, 20*time.Second, "offline", func(u client.StreamUpdate) bool {
		offline = u
		return u.State == client.StateOffline
	})
	if offline.Transport != client.TransportMQTT || offline.Err == nil || !strings.Contains(offline.Err.Error(), "not Authorized") {
		t.Fatalf("offline update %+v: want the broker's reason", offline)
	}
	// One renewal was tried before giving up: the first token, the renewed one.
	if n := e.tokens.Load(); n != 2 {
		t.Fatalf("%d tokens issued, want 2 (the first and one renewal)", n)
	}
	if offline.RetryAt.IsZero() {
		t.Fatal("offline without a next try")
	}
	// It keeps trying, with backoff: a third refusal comes.
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(e.broker.Log(), "(0, 5)") < 3 { // refused: the log names no client then
		if time.Now().After(deadline) {
			t.Fatalf("no retry after going offline\n%s", e.broker.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, er := range l.errs {
		if strings.Contains(er.Error(), "eyJ") { // every JWT starts so
			t.Fatalf("an error shows a token: %v", er)
		}
	}
}

// TestMQTTNewStreamSkipsAKeptSessionsBacklog: what a session kept from an
// earlier stream of the same endpoint queued while nobody was connected
// happened before the new stream started: the new stream starts a fresh
// session, so only what is published once it is live arrives. No clock is
// compared: the broker's session decides.
func TestMQTTNewStreamSkipsAKeptSessionsBacklog(t *testing.T) {
	e := newMQTTEnv(t, sim.Options{}, brokertest.Options{}, nil)
	first := e.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: e.ep})
	var l mqttLog
	follow(t, first, &l, 20*time.Second, "live", live)
	first.Close() // the broker keeps the session (clean session off)
	pub := e.broker.Publisher(t, "", "")
	pub.Publish(e.topic, event("queued"))

	st := e.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: e.ep})
	defer st.Close()
	var l2 mqttLog
	follow(t, st, &l2, 20*time.Second, "live", live)
	pub.Publish(e.topic, event("fresh"))
	// QoS 1 keeps the order: the backlog would come before.
	follow(t, st, &l2, 20*time.Second, "the fresh event", func(client.StreamUpdate) bool { return l2.has("fresh") })
	if len(l2.ids) != 1 {
		t.Fatalf("delivered %v; want the fresh event only", l2.ids)
	}
}
