package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// TestEventsJSONOverMQTT: `snapdash events --json --events mqtt` prints one
// JSON object per line, as over SSE, from a real broker the simulator
// publishes to.
func TestEventsJSONOverMQTT(t *testing.T) {
	t.Parallel()
	b := brokertest.Start(t, brokertest.Options{})
	srv := startSimWith(t, sim.Options{Customers: true, MQTTBroker: b.TCPURL()})
	c := newCLI(t, agentEnv(srv))
	d := device(t, srv, true)

	// MQTT brings only this endpoint's events: the events command and the
	// request share one registered endpoint.
	api, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := api.RegisterEndpoint(t.Context(), client.RegisterEndpointCommand{KeepAliveSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	f := followCLI(t, c, "events", "--json", "--events", "mqtt", "--mqtt-url", b.WSURL(), "--user-endpoint-id", ep)
	f.waitStderr("live (mqtt)")
	c.ok("request", "--interaction", d.InteractionID, "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID,
		"--type", "meter", "--user-endpoint-id", ep)

	// One JSON object per line: requested, then acquired.
	var types []string
	for len(types) < 2 {
		ev := f.next(fmt.Sprintf("event %d after %v", len(types)+1, types))
		if ev["interactionId"] != d.InteractionID || ev["id"] == nil || ev["timestamp"] == nil {
			t.Errorf("event %v", ev)
		}
		types = append(types, fmt.Sprint(ev["type"]))
	}
	if types[0] != client.EventSnapshotRequested || types[1] != client.EventSnapshotAcquired {
		t.Errorf("events: %v", types)
	}
	f.interrupt()
}

// TestSimCommandPublishesToMQTT: `snapdash sim --mqtt-broker` says so in its
// banner and publishes on the platform's topics.
func TestSimCommandPublishesToMQTT(t *testing.T) {
	t.Parallel()
	b := brokertest.Start(t, brokertest.Options{})
	got := make(chan string, 100)
	sub := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(b.TCPURL()).SetClientID("test-sub").SetProtocolVersion(4))
	if tok := sub.Connect(); !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		t.Fatalf("subscriber: %v", tok.Error())
	}
	defer sub.Disconnect(0)
	if tok := sub.Subscribe("user/#", 1, func(_ mqtt.Client, m mqtt.Message) { got <- m.Topic() + " " + string(m.Payload()) }); !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	exports, stop := startSimCommand(t, newCLI(t, nil), "--mqtt-broker", b.TCPURL())
	c := newCLI(t, exports)
	var ins []client.Interaction
	if err := json.Unmarshal([]byte(c.ok("interactions", "--json").stdout), &ins); err != nil || len(ins) == 0 {
		t.Fatalf("interactions: %v %v", ins, err)
	}
	var snaps []client.Snapshot
	if err := json.Unmarshal([]byte(c.ok("list", "--json", "--interaction", ins[0].ID).stdout), &snaps); err != nil {
		t.Fatal(err)
	}
	target := ""
	for _, s := range snaps {
		if s.State == client.StateUploaded {
			target = s.ID
		}
	}
	if target == "" {
		t.Fatal("no uploaded snapshot")
	}
	c.ok("approve", target)
	select {
	case msg := <-got:
		topic, payload, _ := strings.Cut(msg, " ")
		if !strings.HasPrefix(topic, "user/"+sim.AgentUserID+"/") || !strings.Contains(payload, client.EventSnapshotApproved) || !strings.Contains(payload, target) {
			t.Errorf("published %s", msg)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("nothing published\n%s", b.Log())
	}
	if err := stop(); err != nil {
		t.Fatalf("sim after SIGTERM: %v", err)
	}
}
