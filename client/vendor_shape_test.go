package client_test

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// vendorShapes reads the event shapes from the platform page: the common
// members from its sentence, each type's from its table row, and
// SnapshotDiscardedEvent from part B's sentence.
func vendorShapes(t *testing.T, page string) map[string][]string {
	t.Helper()
	tick := regexp.MustCompile("`([A-Za-z]+)`")
	names := func(s string) []string {
		var out []string
		for _, m := range tick.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		return out
	}
	var common []string
	shapes := map[string][]string{}
	for _, line := range strings.Split(page, "\n") {
		switch {
		case strings.HasPrefix(line, "with `id`"):
			common = append([]string{"type"}, names(strings.Split(line, " on every event")[0])...)
		case strings.HasPrefix(line, "| `Snapshot"):
			cells := strings.Split(line, "|")
			typ := names(cells[1])[0]
			shapes[typ] = names(cells[2])
		}
	}
	if i := strings.Index(page, "`SnapshotDiscardedEvent` ("); i >= 0 {
		rest := page[i+len("`SnapshotDiscardedEvent` ("):]
		shapes[client.EventSnapshotDiscarded] = names(rest[:strings.Index(rest, ")")])
	}
	if len(common) != 5 || len(shapes) != 6 {
		t.Fatalf("could not read the shapes: common %v, types %v", common, shapes)
	}
	for typ, keys := range shapes {
		all := append(append([]string(nil), common...), keys...)
		slices.Sort(all)
		shapes[typ] = slices.Compact(all)
	}
	return shapes
}

// TestVendorShapesCopyIsCurrent keeps the copied table in step with the
// spec when the spec is beside the checkout (it is not in CI).
func TestVendorShapesCopyIsCurrent(t *testing.T) {
	spec, err := os.ReadFile("../../shared/spec/platform.md")
	if err != nil {
		spec, err = os.ReadFile("/work/shared/spec/platform.md")
	}
	if err != nil {
		t.Skip("shared/spec/platform.md is not beside this checkout")
	}
	copied, err := os.ReadFile("testdata/platform-events.md")
	if err != nil {
		t.Fatal(err)
	}
	a, b := vendorShapes(t, string(spec)), vendorShapes(t, string(copied))
	for typ := range a {
		if !slices.Equal(a[typ], b[typ]) {
			t.Errorf("%s: spec %v, copy %v", typ, a[typ], b[typ])
		}
	}
}

// TestSimulatorMQTTPayloadsAreVendorShapes drives every kind of event
// through the simulator and a real mosquitto and compares the members of
// each payload the broker carries with the platform page: exactly those,
// no interactionId, no extra camera fields.
func TestSimulatorMQTTPayloadsAreVendorShapes(t *testing.T) {
	page, err := os.ReadFile("testdata/platform-events.md")
	if err != nil {
		t.Fatal(err)
	}
	want := vendorShapes(t, string(page))

	b := brokertest.Start(t, brokertest.Options{})
	var (
		mu  sync.Mutex
		got = map[string][]string{} // type -> keys of the first payload
		raw = map[string]string{}
	)
	sub := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(b.TCPURL()).SetClientID("shape-test").
		SetProtocolVersion(4).SetCleanSession(true))
	if tok := sub.Connect(); !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	defer sub.Disconnect(100)
	tok := sub.Subscribe("user/#", 1, func(_ mqtt.Client, m mqtt.Message) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(m.Payload(), &obj); err != nil {
			t.Errorf("payload is not a JSON object: %q", m.Payload())
			return
		}
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var typ string
		_ = json.Unmarshal(obj["type"], &typ)
		mu.Lock()
		got[typ], raw[typ] = keys, string(m.Payload())
		mu.Unlock()
	})
	if !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}

	srv, err := sim.New(sim.Options{Demo: true, Customers: true, AcquireDelay: 10 * time.Millisecond,
		PictureWidth: 160, MQTTBroker: b.TCPURL()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := client.New(client.Config{Server: srv.URL(), ClientID: "snapdash-agent", ClientSecret: "demo-agent-secret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ep, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	// The simulator's publisher connects in the background: wait until
	// one of its messages reaches the broker before the flow starts.
	waitFor(t, 20*time.Second, "the simulator's publisher on the broker", func() bool {
		srv.Publish(client.Event{Type: "WarmupEvent", UserID: sim.AgentUserID, UserEndpointID: ep})
		deadline := time.Now().Add(200 * time.Millisecond)
		for time.Now().Before(deadline) {
			mu.Lock()
			_, ok := got["WarmupEvent"]
			mu.Unlock()
			if ok {
				return true
			}
			time.Sleep(10 * time.Millisecond)
		}
		return false
	})
	dev := srv.Devices()[0]
	req := func() string {
		res, err := c.Request(ctx, client.SnapshotRequestCommand{ApplicationID: "test", UserEndpointID: ep,
			TargetUserID: dev.UserID, TargetUserEndpointID: dev.UserEndpointID, InteractionID: dev.InteractionID, SnapshotType: "meter"})
		if err != nil {
			t.Fatal(err)
		}
		return res.SnapshotID
	}
	a, d := req(), req()
	acquired := func(id string) bool {
		s, err := c.GetSnapshot(ctx, id)
		return err == nil && s.State == client.StateUploaded
	}
	waitFor(t, 20*time.Second, "both pictures acquired", func() bool { return acquired(a) && acquired(d) })
	if err := c.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: a, UserEndpointID: ep}); err != nil {
		t.Fatal(err)
	}
	if err := c.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: d, UserEndpointID: ep}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CameraRequest(ctx, client.CameraRequestCommand{UserEndpointID: ep, TargetUserID: dev.UserID,
		TargetUserEndpointID: dev.UserEndpointID, CameraRequestType: client.CameraSwitch}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "every event type on the broker", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for typ := range want {
			if got[typ] == nil {
				return false
			}
		}
		return true
	})
	mu.Lock()
	defer mu.Unlock()
	for typ, keys := range want {
		if !slices.Equal(got[typ], keys) {
			t.Errorf("%s: members %v, the vendor's are %v\npayload: %s", typ, got[typ], keys, raw[typ])
		}
	}
}

// waitFor polls cond until it holds; the deadline only bounds a hang.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
