package main

import (
	"encoding/json"
	"io"
	"os"
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
	srv, err := sim.New(sim.Options{Seed: 7, Demo: true, Customers: true, AcquireDelay: 50 * time.Millisecond, MQTTBroker: b.TCPURL()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
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
	s := c.startStream(t, "live (mqtt)", "events", "--json", "--events", "mqtt", "--mqtt-url", b.WSURL(), "--user-endpoint-id", ep)
	cmd, stdout, stderr := s.cmd, s.stdout, s.stderr
	c.ok("request", "--interaction", d.InteractionID, "--target-user", d.UserID, "--target-endpoint", d.UserEndpointID,
		"--type", "meter", "--user-endpoint-id", ep)

	// One JSON object per line: requested, then acquired.
	lines := make(chan string)
	go func() {
		defer close(lines)
		buf := make([]byte, 0, 4096)
		one := make([]byte, 1)
		for {
			if _, err := stdout.Read(one); err != nil {
				return
			}
			if one[0] == '\n' {
				lines <- string(buf)
				buf = buf[:0]
				continue
			}
			buf = append(buf, one[0])
		}
	}()
	var types []string
	for len(types) < 2 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("stdout ended after %v (stderr %s)", types, stderr.String())
			}
			var ev map[string]any
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("not one JSON object: %q", line)
			}
			if ev["interactionId"] != d.InteractionID || ev["id"] == nil || ev["timestamp"] == nil {
				t.Errorf("event %v", ev)
			}
			types = append(types, ev["type"].(string))
		case <-time.After(20 * time.Second):
			t.Fatalf("events so far %v (stderr %s)", types, stderr.String())
		}
	}
	if types[0] != client.EventSnapshotRequested || types[1] != client.EventSnapshotAcquired {
		t.Errorf("events: %v", types)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, stdout)
	for range lines {
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("events after SIGINT: %v (stderr %s)", err, stderr.String())
	}
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
