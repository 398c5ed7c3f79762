package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// TestMQTTFromSimulator runs the platform's path end to end: the simulator
// publishes to mosquitto over plain MQTT, the client subscribes over
// WebSocket, and a snapshot request brings the requester its events.
func TestMQTTFromSimulator(t *testing.T) {
	b := brokertest.Start(t, brokertest.Options{})
	srv, err := sim.New(sim.Options{Demo: true, Customers: true, AcquireDelay: 10 * time.Millisecond,
		PictureWidth: 160, MQTTBroker: b.TCPURL()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := client.New(client.Config{Server: srv.URL(), ClientID: "snapdash-agent", ClientSecret: "demo-agent-secret",
		Events: client.TransportMQTT, MQTTURL: b.WSURL()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ep, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stream(ctx, client.StreamOptions{UserEndpointID: ep})
	defer st.Close()
	var l mqttLog
	follow(t, st, &l, 20*time.Second, "live", live)

	dev := srv.Devices()[0]
	res, err := c.Request(ctx, client.SnapshotRequestCommand{
		ApplicationID: "test", UserEndpointID: ep, TargetUserID: dev.UserID, TargetUserEndpointID: dev.UserEndpointID,
		InteractionID: dev.InteractionID, SnapshotType: "meter",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []client.Event
	follow(t, st, &l, 20*time.Second, "requested and acquired", func(u client.StreamUpdate) bool {
		got = append(got, u.Events...)
		for _, ev := range got {
			if ev.Type == client.EventSnapshotAcquired && ev.SnapshotID == res.SnapshotID {
				return true
			}
		}
		return false
	})
	if got[0].Type != client.EventSnapshotRequested || got[0].SnapshotID != res.SnapshotID || got[0].ID == "" {
		t.Fatalf("first event %+v, want the request", got[0])
	}
	for _, ev := range got {
		if ev.SnapshotID != res.SnapshotID {
			t.Fatalf("an event about another snapshot reached this endpoint: %+v", ev)
		}
	}
}

// TestMQTTInteractionFilter: the topic carries all of the endpoint's
// events, so --interaction filters them on arrival.
func TestMQTTInteractionFilter(t *testing.T) {
	e := newMQTTEnv(t, sim.Options{}, brokertest.Options{}, nil)
	st := e.c.Stream(context.Background(), client.StreamOptions{UserEndpointID: e.ep, InteractionIDs: []string{"int-wanted"}})
	defer st.Close()
	var l mqttLog
	follow(t, st, &l, 20*time.Second, "live", live)
	pub := e.broker.Publisher(t, "", "")
	pub.Publish(e.topic, []byte(`{"type":"SnapshotAcquiredEvent","id":"other","interactionId":"int-other"}`))
	pub.Publish(e.topic, []byte(`{"type":"SnapshotAcquiredEvent","id":"wanted","interactionId":"int-wanted"}`))
	follow(t, st, &l, 20*time.Second, "wanted", func(client.StreamUpdate) bool { return l.has("wanted") })
	if l.has("other") || len(l.ids) != 1 {
		t.Fatalf("delivered %v", l.ids)
	}
}
