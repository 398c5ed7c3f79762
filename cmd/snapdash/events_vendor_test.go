package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// TestEventsNewOnlyWithServerClockSkew: with the server's clock two
// minutes behind or ahead, `events` prints every live event and none of
// the history the simulator holds; with --since-id 0 the history comes
// first. Nothing compares the two machines' clocks.
func TestEventsNewOnlyWithServerClockSkew(t *testing.T) {
	t.Parallel()
	for _, skew := range []time.Duration{-2 * time.Minute, 2 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			t.Parallel()
			srv := startSimWith(t, sim.Options{Customers: true, Now: func() time.Time { return time.Now().Add(skew) }})
			c := newCLI(t, agentEnv(srv))
			d := device(t, srv, true)
			// A gateway that replays history to every new connection is
			// one the stream must see through, too: the simulator
			// replays with --since-id 0.
			hist := followCLI(t, c, "events", "--json", "--events", "sse", "--since-id", "0")
			if ev := hist.next("history"); ev["snapshotId"] == nil && ev["snapshotCameraRequestId"] == nil {
				t.Fatalf("--since-id 0: first event %v, want the demo's history", ev)
			}
			f := followCLI(t, c, "events", "--json", "--events", "sse")
			f.waitStderr("live (sse)")
			res := c.ok("request", "--interaction", d.InteractionID, "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID, "--type", "meter")
			id := strings.TrimSpace(res.stdout)
			for _, want := range []string{client.EventSnapshotRequested, client.EventSnapshotAcquired} {
				ev := f.next(want)
				if ev["type"] != want || ev["snapshotId"] != id {
					t.Fatalf("printed %v, want the %s of %s (history printed, or the live event lost)", ev, want, id)
				}
			}
		})
	}
}

// TestEventsInteractionOverMQTTWithVendorPayloads: the vendor's MQTT events
// carry no interactionId. `events --interaction X --events mqtt` ties them
// (snapshot ids, the customer's endpoint) and prints X's, not another
// interaction's, and prints one it cannot tie with "interactionId": null.
func TestEventsInteractionOverMQTTWithVendorPayloads(t *testing.T) {
	t.Parallel()
	b := brokertest.Start(t, brokertest.Options{})
	srv := startSimWith(t, sim.Options{Customers: true, MQTTBroker: b.TCPURL()})
	c := newCLI(t, agentEnv(srv))
	devs := srv.Devices()
	var want, other sim.Device
	for _, d := range devs {
		switch {
		case want.UserID == "":
			want = d
		case other.UserID == "" && d.InteractionID != want.InteractionID:
			other = d
		}
	}
	if other.UserID == "" {
		t.Fatal("the demo needs two devices in two interactions")
	}
	api, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := api.RegisterEndpoint(t.Context(), client.RegisterEndpointCommand{KeepAliveSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	f := followCLI(t, c, "events", "--json", "--events", "mqtt", "--mqtt-url", b.WSURL(), "--user-endpoint-id", ep,
		"--interaction", want.InteractionID)
	f.waitStderr("live (mqtt)")
	request := func(d sim.Device) string {
		r := c.ok("request", "--interaction", d.InteractionID, "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID,
			"--type", "meter", "--user-endpoint-id", ep)
		return strings.TrimSpace(r.stdout)
	}
	// The other interaction's picture first: had it been printed, it would
	// come before the wanted one's.
	otherID := request(other)
	waitSnapshot(t, api, otherID)
	wantID := request(want)
	for _, typ := range []string{client.EventSnapshotRequested, client.EventSnapshotAcquired} {
		ev := f.next(typ)
		if ev["type"] != typ || ev["snapshotId"] != wantID || ev["interactionId"] != want.InteractionID {
			t.Fatalf("printed %v, want the %s of %s tied to %s (other interaction's snapshot %s)", ev, typ, wantID, want.InteractionID, otherID)
		}
	}
	// An event nothing ties (a snapshot the server does not know) is
	// printed with a null interactionId, not dropped.
	topic, err := client.MQTTTopic(sim.AgentUserID, ep)
	if err != nil {
		t.Fatal(err)
	}
	payload := fmt.Sprintf(`{"type":"SnapshotApprovedEvent","id":"x1","userId":"u","userEndpointId":"e","timestamp":%q,"snapshotId":"nowhere","snapshotLocation":null,"snapshotType":"meter"}`,
		time.Now().UTC().Format(time.RFC3339))
	b.Publisher(t, "", "").Publish(topic, []byte(payload))
	ev := f.next("the untied event")
	if v, has := ev["interactionId"]; ev["snapshotId"] != "nowhere" || !has || v != nil {
		t.Fatalf("printed %v, want snapshot nowhere with interactionId null", ev)
	}
}

// waitSnapshot waits until the snapshot was acquired.
func waitSnapshot(t *testing.T, api *client.Client, id string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if s, err := api.GetSnapshot(context.Background(), id); err == nil && s.State == client.StateUploaded {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("snapshot %s never acquired", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEventsReadEveryTimestampForm: each timestamp form is read; an
// unreadable one is printed with a line on stderr; an event that is not
// JSON is a line on stderr; nothing is dropped silently.
func TestEventsReadEveryTimestampForm(t *testing.T) {
	t.Parallel()
	forms := []string{`"2024-05-01T10:11:03.123+0000"`, `"2024-05-01T10:11:03.123"`, `1714558263123`, `"1714558263"`,
		`"2024-05-01T10:11:03+02:00"`, `"2024-05-01T10:11:03Z"`, `"last tuesday"`}
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/events": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			// Stamped after the connection: live, whatever the form says.
			for i, ts := range forms {
				fmt.Fprintf(w, "id: %d\nevent: SnapshotAcquiredEvent\ndata: {\"type\":\"SnapshotAcquiredEvent\",\"snapshotId\":\"s%d\",\"interactionId\":\"in\",\"timestamp\":%s}\n\n", i+1, i+1, ts)
			}
			fmt.Fprintf(w, "id: %d\nevent: SnapshotAcquiredEvent\ndata: {not json\n\n", len(forms)+1)
			fmt.Fprintf(w, "id: %d\nevent: SnapshotAcquiredEvent\ndata: {\"type\":\"SnapshotAcquiredEvent\",\"snapshotId\":\"last\",\"interactionId\":\"in\",\"timestamp\":\"2030-01-01T00:00:00Z\"}\n\n", len(forms)+2)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
	})
	c := newCLI(t, f.env())
	// --since-id 0: every event is wanted, history or not.
	fl := followCLI(t, c, "events", "--json", "--events", "sse", "--since-id", "0")
	for i := range forms {
		ev := fl.next(fmt.Sprintf("event s%d", i+1))
		if ev["snapshotId"] != fmt.Sprintf("s%d", i+1) {
			t.Fatalf("printed %v, want s%d", ev, i+1)
		}
	}
	if ev := fl.next("the last"); ev["snapshotId"] != "last" {
		t.Fatalf("printed %v", ev)
	}
	fl.waitStderr("event 8")        // not JSON
	fl.waitStderr(`"last tuesday"`) // the unreadable timestamp
	fl.waitStderr("shown with the time it arrived")
	if n := strings.Count(fl.stderr.String(), "shown with the time it arrived"); n != 1 {
		t.Errorf("%d timestamps reported unreadable, want 1: %s", n, fl.stderr.String())
	}
}

// TestCameraJSONIsTheServersAnswer: camera --json prints what the server
// answered (a JSON string, the request's id), not an object of our own;
// a 2xx answer that cannot be read is a command sent: a warning naming
// what could not be read, exit 0, so a script does not send it twice.
func TestCameraJSONIsTheServersAnswer(t *testing.T) {
	t.Parallel()
	args := []string{"camera", "--target-user", "cust-1", "--target-endpoint", "dev-1", "--type", "FLASH_ON"}
	ok := newFakeAPI(t, map[string]http.HandlerFunc{"POST /rtc-api/snapshots/cameraRequest": jsonAnswer(`"cr-1"`)})
	r := newCLI(t, ok.env()).ok(append(args, "--json")...)
	if strings.TrimSpace(r.stdout) != `"cr-1"` {
		t.Errorf("camera --json printed %q, want the server's \"cr-1\"", r.stdout)
	}
	if r := newCLI(t, ok.env()).ok(args...); strings.TrimSpace(r.stdout) != "cr-1" {
		t.Errorf("camera printed %q", r.stdout)
	}
	garbled := newFakeAPI(t, map[string]http.HandlerFunc{"POST /rtc-api/snapshots/cameraRequest": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id": "cr-2", trailing`))
	}})
	for _, extra := range [][]string{nil, {"--json"}} {
		r := newCLI(t, garbled.env()).run(append(args, extra...)...)
		if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "camera command sent") || !strings.Contains(r.stderr, "malformed JSON") {
			t.Errorf("camera %v with an unreadable 2xx: %s", extra, r)
		}
	}
	refused := newFakeAPI(t, map[string]http.HandlerFunc{"POST /rtc-api/snapshots/cameraRequest": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"targetUserEndpointId":"unknown"}`))
	}})
	if r := newCLI(t, refused.env()).run(args...); r.code == 0 {
		t.Errorf("a refused camera command exited 0: %s", r)
	}
}

// TestInteractionsCustomersCapped: above 50 interactions whose data names
// no customer, `snapdash interactions` makes no request per interaction
// and says so; --customers finds them all, a few at a time.
func TestInteractionsCustomersCapped(t *testing.T) {
	t.Parallel()
	var listings atomic.Int64
	const n = 120
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/interactions": func(w http.ResponseWriter, _ *http.Request) {
			var b strings.Builder
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"id":"in-%d","type":"CALL","data":{}}`, i)
			}
			jsonAnswer(`{"content":[`+b.String()+`],"totalPages":1}`)(w, nil)
		},
		"GET /rtc-api/snapshots": func(w http.ResponseWriter, r *http.Request) {
			listings.Add(1)
			jsonAnswer(`[{"id":"s-`+r.URL.Query().Get("interactionId")+`","userId":"cust-`+r.URL.Query().Get("interactionId")+`"}]`)(w, r)
		},
	})
	c := newCLI(t, f.env())
	r := c.ok("interactions")
	if listings.Load() != 0 || !strings.Contains(r.stderr, "customers of 120 interactions are not shown") || len(lines(r.stdout)) != n+1 {
		t.Fatalf("interactions: %d listings, %s", listings.Load(), r)
	}
	r = c.ok("interactions", "--customers")
	if listings.Load() != n || !strings.Contains(r.stdout, "cust-in-119") || r.stderr != "" {
		t.Fatalf("interactions --customers: %d listings, %s", listings.Load(), r)
	}
}
