package brokertest

import (
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// Publisher publishes on the broker's plain MQTT listener, as the platform
// does, with QoS 1.
type Publisher struct {
	t  testing.TB
	cl mqtt.Client
}

// Publisher connects a publishing client (user and password are used when
// the broker has a password file); it disconnects in Cleanup.
func (b *Broker) Publisher(t testing.TB, user, password string) *Publisher {
	t.Helper()
	o := mqtt.NewClientOptions().AddBroker(b.TCPURL()).SetClientID("brokertest-pub-" + t.Name()).
		SetProtocolVersion(4).SetCleanSession(true).SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(100 * time.Millisecond).SetMaxReconnectInterval(time.Second).
		SetUsername(user).SetPassword(password)
	cl := mqtt.NewClient(o)
	tok := cl.Connect()
	if !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		t.Fatalf("publisher: connect: %v\n%s", tok.Error(), b.Log())
	}
	t.Cleanup(func() { cl.Disconnect(100) })
	return &Publisher{t: t, cl: cl}
}

// Publish sends payload to topic at QoS 1 and waits for the broker's PUBACK.
func (p *Publisher) Publish(topic string, payload []byte) {
	p.t.Helper()
	tok := p.cl.Publish(topic, 1, false, payload)
	if !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		p.t.Fatalf("publish to %s: %v", topic, tok.Error())
	}
}

// PublishAsync sends payload at QoS 1 without waiting for the PUBACK (for
// paced load); the returned token completes on the PUBACK.
func (p *Publisher) PublishAsync(topic string, payload []byte) mqtt.Token {
	return p.cl.Publish(topic, 1, false, payload)
}
