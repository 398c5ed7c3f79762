package client

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/internal/brokertest"
)

// noEventsServer is an API server without the events endpoint (and without a
// WebSocket at /ws): every request is a 404.
func noEventsServer(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(ts.Close)
	return ts
}

func autoDeps(ts *httptest.Server, mode Transport, mqttURL string) streamDeps {
	return streamDeps{
		mode: mode, mqttURL: mqttURL, eventsURL: ts.URL + "/rtc-api/events", transport: ts.Client().Transport,
		mqtt: mqttDeps{
			token:  func(context.Context) (string, time.Time, error) { return "static-token", time.Time{}, nil },
			userID: func(context.Context) (string, error) { return "user-1", nil },
			now:    time.Now,
		},
	}
}

// waitState reads updates until one is in state over transport.
func waitState(t *testing.T, st *Stream, state StreamState, tr Transport) StreamUpdate {
	t.Helper()
	deadline := time.After(20 * time.Second)
	var seen []string
	for {
		select {
		case u := <-st.Updates():
			seen = append(seen, u.State.String()+"/"+string(u.Transport))
			if u.State == state && u.Transport == tr {
				return u
			}
		case <-deadline:
			t.Fatalf("never %s over %s; saw %v", state, tr, seen)
		}
	}
}

func TestAutoPicksMQTTWithoutEventsEndpoint(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	ts := noEventsServer(t)
	st := newStream(context.Background(), autoDeps(ts, TransportAuto, b.WSURL()), StreamOptions{UserEndpointID: "ep-1"}, testTuning())
	defer st.Close()
	waitState(t, st, StateLive, TransportMQTT)
}

func TestAutoPollsWithoutEventsEndpointOrBroker(t *testing.T) {
	ts := noEventsServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "ws://" + ln.Addr().String() + "/ws"
	ln.Close() // nothing listens there now
	for name, url := range map[string]string{
		"nothing listening": closed,
		"no websocket":      strings.Replace(ts.URL, "http://", "ws://", 1) + "/ws",
	} {
		t.Run(name, func(t *testing.T) {
			st := newStream(context.Background(), autoDeps(ts, TransportAuto, url), StreamOptions{UserEndpointID: "ep-1"}, testTuning())
			defer st.Close()
			waitState(t, st, StatePolling, TransportPoll)
		})
	}
}

func TestMQTTWrongPathSaysSo(t *testing.T) {
	ts := noEventsServer(t)
	url := strings.Replace(ts.URL, "http://", "ws://", 1) + "/wrong"
	st := newStream(context.Background(), autoDeps(ts, TransportMQTT, url), StreamOptions{UserEndpointID: "ep-1"}, testTuning())
	defer st.Close()
	u := waitState(t, st, StateReconnecting, TransportMQTT)
	if u.Err == nil || !strings.Contains(u.Err.Error(), "answered 404") {
		t.Fatalf("error %v: want the handshake's 404", u.Err)
	}
}

func TestMQTTTopicRefusesWildcards(t *testing.T) {
	for _, c := range [][2]string{{"u", ""}, {"", "e"}, {"u/x", "e"}, {"u", "e+"}, {"u", "#"}, {"u\x00", "e"}} {
		if _, err := MQTTTopic(c[0], c[1]); err == nil {
			t.Errorf("MQTTTopic(%q, %q) accepted", c[0], c[1])
		}
	}
	if got, err := MQTTTopic("agent-1", "ep-1"); err != nil || got != "user/agent-1/ep-1" {
		t.Errorf("got %q %v", got, err)
	}
}

func TestTransportSettings(t *testing.T) {
	for in, want := range map[string]Transport{"": TransportAuto, "MQTT": TransportMQTT, " sse ": TransportSSE, "poll": TransportPoll} {
		if got, err := ParseTransport(in); err != nil || got != want {
			t.Errorf("ParseTransport(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseTransport("smoke-signals"); err == nil {
		t.Error("an unknown transport was accepted")
	}
	for server, want := range map[string]string{
		"https://auvious.video":          "wss://auvious.video/ws",
		"http://127.0.0.1:8080/gateway/": "ws://127.0.0.1:8080/ws",
	} {
		if got, err := DefaultMQTTURL(server); err != nil || got != want {
			t.Errorf("DefaultMQTTURL(%q) = %q, %v", server, got, err)
		}
	}
	for _, bad := range []string{"https://broker/ws", "wss://user:pw@broker/ws", "wss:///ws", "ws://broker/ws?x=1"} {
		if _, err := New(Config{Server: "https://auvious.video", Token: "t", MQTTURL: bad}); err == nil {
			t.Errorf("MQTT URL %q accepted", bad)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

func TestIDSetForgetsOldest(t *testing.T) {
	s := newIDSet(3)
	for _, id := range []string{"a", "b", "c"} {
		if !s.add(id) {
			t.Fatalf("%s seen before", id)
		}
	}
	if s.add("a") {
		t.Fatal("a duplicate was new")
	}
	s.add("d") // a falls out
	if !s.add("a") || len(s.ids) != 3 {
		t.Fatalf("the set did not stay bounded: %v", s.ids)
	}
}
