package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/snapdash/snapdash/client"
)

// mqttMessage is one event on its way to the broker, addressed to the user
// endpoints it concerns.
type mqttMessage struct {
	topics  []string
	payload []byte
}

// mqttPublisher hands the simulator's events to an MQTT broker on the
// platform's topic scheme, user/{userId}/{userEndpointId}, at QoS 1. It runs
// its own goroutine so that publishing never blocks the simulator's lock.
type mqttPublisher struct {
	cl   mqtt.Client
	log  *slog.Logger
	max  int
	wake chan struct{}
	done chan struct{}
	quit chan struct{}

	mu      sync.Mutex
	queue   []mqttMessage
	dropped int
}

// newMQTTPublisher connects (and keeps reconnecting) to broker, a
// tcp://, mqtt://, ws:// or wss:// URL.
func newMQTTPublisher(broker string, maxQueue int, log *slog.Logger) (*mqttPublisher, error) {
	u, err := url.Parse(broker)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("sim: MQTT broker %q: want tcp://host:port or ws[s]://host:port/path", broker)
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ws", "wss":
	default:
		return nil, fmt.Errorf("sim: MQTT broker %q: scheme must be tcp, mqtt, ws or wss", broker)
	}
	o := mqtt.NewClientOptions().AddBroker(broker).
		SetClientID(fmt.Sprintf("snapdash-sim-%d", time.Now().UnixNano())).
		SetProtocolVersion(4).
		SetCleanSession(true).
		// A publisher has no session to resume: paho's own reconnects do.
		SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(500 * time.Millisecond).SetMaxReconnectInterval(5 * time.Second).
		SetOrderMatters(true)
	p := &mqttPublisher{
		cl: mqtt.NewClient(o), log: log, max: maxQueue,
		wake: make(chan struct{}, 1), done: make(chan struct{}), quit: make(chan struct{}),
	}
	p.cl.Connect() // retries in the background until the broker answers
	go p.run()
	return p, nil
}

// enqueue queues one message without blocking; beyond the queue's bound
// the oldest are dropped (subscribers then miss them, as with a broker
// outage on the platform).
func (p *mqttPublisher) enqueue(m mqttMessage) {
	p.mu.Lock()
	p.queue = append(p.queue, m)
	if len(p.queue) > p.max {
		n := len(p.queue) - p.max
		p.dropped += n
		p.queue = append(p.queue[:0:0], p.queue[n:]...)
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run publishes queued messages in order until close.
func (p *mqttPublisher) run() {
	defer close(p.done)
	for {
		p.mu.Lock()
		batch, dropped := p.queue, p.dropped
		p.queue, p.dropped = nil, 0
		p.mu.Unlock()
		if dropped > 0 {
			p.log.Warn("sim: MQTT queue full, events dropped", "dropped", dropped)
		}
		for _, m := range batch {
			for _, topic := range m.topics {
				// paho keeps the order and stores messages published while
				// it reconnects; the token is not awaited so a slow broker
				// does not hold up the queue.
				p.cl.Publish(topic, 1, false, m.payload)
			}
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-p.wake:
		case <-p.quit:
			return
		}
	}
}

// close publishes what is queued, then disconnects.
func (p *mqttPublisher) close() {
	close(p.quit)
	<-p.done
	p.cl.Disconnect(500)
}

// mqttRecipients lists the topics of the user endpoints ev concerns: the
// one that caused it, its target (the customer's device) and whoever asked
// for the snapshot or camera command it is about. The caller holds s.mu.
func (s *Server) mqttRecipients(ev client.Event) []string {
	type ep struct{ user, endpoint string }
	cands := []ep{{ev.UserID, ev.UserEndpointID}, {ev.TargetUserID, ev.TargetUserEndpointID}}
	if rec, ok := s.st.Snapshots[ev.SnapshotID]; ok && ev.SnapshotID != "" {
		sn := rec.Snapshot
		cands = append(cands, ep{sn.RequesterUserID, sn.RequesterUserEndpointID}, ep{sn.UserID, sn.UserEndpointID})
	}
	if cr, ok := s.st.CameraRequests[ev.SnapshotCameraRequestID]; ok && ev.SnapshotCameraRequestID != "" {
		cands = append(cands, ep{cr.RequesterUserID, cr.UserEndpointID}, ep{cr.TargetUserID, cr.TargetUserEndpointID})
	}
	var topics []string
	seen := map[string]bool{}
	for _, c := range cands {
		t, err := client.MQTTTopic(c.user, c.endpoint)
		if err != nil || seen[t] {
			continue // an event without that party, or an id unfit for a topic
		}
		seen[t] = true
		topics = append(topics, t)
	}
	return topics
}

// publishMQTT queues ev for the broker when one is configured. The caller
// holds s.mu.
func (s *Server) publishMQTT(ev client.Event) {
	if s.mqtt == nil {
		return
	}
	topics := s.mqttRecipients(ev)
	if len(topics) == 0 {
		return
	}
	payload := vendorPayload(ev)
	if payload == nil {
		return
	}
	s.mqtt.enqueue(mqttMessage{topics: topics, payload: payload})
}

// vendorKeys are the members of each event type beyond the common ones
// (type, id, userId, userEndpointId, timestamp), as the vendor sends them
// (platform.md, part A; SnapshotDiscardedEvent is part B's addition).
var vendorKeys = map[string][]string{
	client.EventSnapshotRequested:              {"snapshotId", "snapshotType", "targetUserId", "targetUserEndpointId"},
	client.EventSnapshotAcquired:               {"snapshotId", "snapshotLocation", "snapshotType"},
	client.EventSnapshotApproved:               {"snapshotId", "snapshotLocation", "snapshotType"},
	client.EventSnapshotDiscarded:              {"snapshotId", "snapshotType"},
	client.EventSnapshotCameraRequested:        {"snapshotCameraRequestId", "cameraRequestType", "targetUserId", "targetUserEndpointId"},
	client.EventSnapshotCameraRequestProcessed: {"snapshotCameraRequestId", "succeeded", "additionalInformation"},
}

// commonKeys are on every event.
var commonKeys = []string{"type", "id", "userId", "userEndpointId", "timestamp"}

// vendorPayload renders ev exactly in the vendor's shape: the common members
// and those of its type, in that order, no others (no interactionId, which
// the vendor's events do not carry). A member without a value is null, as
// a serializer of the vendor's Java classes writes it. An unknown type gets
// the common members only.
func vendorPayload(ev client.Event) []byte {
	all, err := json.Marshal(ev)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(all, &m) != nil {
		return nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range append(append([]string(nil), commonKeys...), vendorKeys[ev.Type]...) {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		if v, ok := m[k]; ok {
			b.Write(v)
		} else {
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}
