package team

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/snapdash/snapdash/internal/reconnect"
)

// The protocol through a team broker (MQTT 3.1.1, QoS 1):
//
//	snapdash/<organization>/claims/<snapshot id>   claim messages (JSON)
//	snapdash/<organization>/presence/<process>     retained "online" note;
//	                                               the last will empties it
//
// A reviewer claims with a "claim" message (not retained). Every hub,
// the claimant's included, applies the claims topic's messages in the
// broker's order with the same rule, so all agree on who won; the winner
// then publishes a retained "hold", which hubs joining later read as the
// current holder, and repeats it every third of the lease. A release
// first empties the topic's retained message (so a late hub finds the
// snapshot free and the broker keeps nothing for it), then tells the hubs
// online in a "release" message, not retained. (Earlier versions kept the
// "release" retained: one retained message per picture ever reviewed,
// sent to every hub at every connection. Hubs still read one as a
// release; they ignore the empty message.)
// When a process dies, the broker publishes its last will, which empties
// its presence: every hub then takes its claims as released. After a
// reconnection a hub forgets what others held, reads the retained holds
// again, and re-announces its own claims (a broker that restarted without
// persistence forgot them).

// BrokerOptions configure Connect.
type BrokerOptions struct {
	Options
	// URL is the broker: tcp://, ssl://, ws:// or wss:// (mqtt:// and
	// mqtts:// are taken as tcp:// and ssl://).
	URL string
	// Username and Password authenticate to the broker (optional).
	Username, Password string
	// Organization scopes the topics (default "default").
	Organization string
	// TLS overrides the TLS settings of ssl:// and wss:// (default: the
	// system's roots).
	TLS *tls.Config
	// OnError, when set, is called from the hub's goroutine each time a
	// connection attempt fails for a new reason (Hub.Err has the latest).
	OnError func(error)
}

// CheckURL reports a broker URL Connect cannot use, without its password.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("team broker %q: want a URL such as tcp://host:1883, ssl://host:8883 or wss://host/mqtt", redact(raw))
	}
	if u.User != nil {
		return fmt.Errorf("team broker %q: put the user name and password in --team-user and SNAPDASH_TEAM_PASSWORD, not in the URL", redact(raw))
	}
	switch u.Scheme {
	case "tcp", "ssl", "ws", "wss", "mqtt", "mqtts", "tls":
		return nil
	}
	return fmt.Errorf("team broker %q: unknown scheme %q (tcp, ssl, ws or wss)", redact(raw), u.Scheme)
}

// redact drops a URL's password.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "…" + raw[i:]
		}
		return raw
	}
	return u.Redacted()
}

// Connect returns a hub sharing claims through the broker. It returns at
// once: the hub is offline (Online false, Queued claims) until the broker
// answers, and reconnects on its own whenever the connection is lost.
func Connect(o BrokerOptions) (*Hub, error) {
	if err := CheckURL(o.URL); err != nil {
		return nil, err
	}
	u, _ := url.Parse(o.URL)
	switch u.Scheme {
	case "mqtt":
		u.Scheme = "tcp"
	case "mqtts", "tls":
		u.Scheme = "ssl"
	}
	org := o.Organization
	if org == "" {
		org = "default"
	}
	h := newHub(o.Options)
	b := &broker{h: h, prefix: "snapdash/" + topicLevel(org) + "/", onError: o.OnError, wake: make(chan struct{}, 1),
		quit: make(chan struct{}), sent: make(chan struct{}), ran: make(chan struct{})}
	h.tr = b
	b.presence = b.prefix + "presence/" + h.proc
	b.opts = func(lost chan<- struct{}) *mqtt.ClientOptions {
		var once sync.Once
		co := mqtt.NewClientOptions().AddBroker(u.String()).
			SetClientID("snapdash-team-"+h.proc).
			SetProtocolVersion(4).
			SetCleanSession(true).
			SetOrderMatters(true).   // the broker's order is the claims' order
			SetAutoReconnect(false). // run reconnects (see there)
			SetConnectRetry(false).
			SetConnectTimeout(10*time.Second).
			SetKeepAlive(15*time.Second).
			SetPingTimeout(10*time.Second).
			SetUsername(o.Username).SetPassword(o.Password).
			SetBinaryWill(b.presence, nil, 1, true).
			SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) { b.receive(m) }).
			SetConnectionLostHandler(func(mqtt.Client, error) { once.Do(func() { close(lost) }) })
		if o.TLS != nil {
			co = co.SetTLSConfig(o.TLS)
		}
		return co
	}
	go b.run()
	go b.outbox()
	go h.renewLoop()
	return h, nil
}

// run connects and reconnects until the hub closes, through the same
// reconnect state machine as the event stream (internal/reconnect): one
// paho client per connection rather than paho's own reconnection, whose
// resending of messages in flight races with its writer (and a new
// connection re-announces what is still true anyway, see connected). The
// backoff is 500 ms doubling to 5 s, back to 500 ms after a connection
// that was accepted. A team broker takes a fixed password, so there is no
// token to renew, and the hub's Online/Queued is its whole status.
func (b *broker) run() {
	defer close(b.ran)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-b.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	_ = reconnect.Machine{
		Attempt: b.attempt,
		Backoff: func(failures int) time.Duration {
			return min(500*time.Millisecond<<min(max(failures-1, 0), 4), 5*time.Second)
		},
	}.Run(ctx)
}

// attempt is one connection: connect, announce (connected), and wait until
// it is lost or the hub closes (ctx done; close says goodbye on this
// client).
func (b *broker) attempt(ctx context.Context) reconnect.Outcome {
	lost := make(chan struct{})
	cl := mqtt.NewClient(b.opts(lost))
	t := cl.Connect()
	select {
	case <-t.Done():
	case <-ctx.Done():
		if t.WaitTimeout(11*time.Second) && t.Error() == nil {
			cl.Disconnect(0)
		}
		return reconnect.Outcome{Err: ctx.Err()}
	}
	if err := t.Error(); err != nil {
		b.h.noteErr(err, b.onError)
		return reconnect.Outcome{Err: err}
	}
	b.h.noteErr(nil, nil)
	b.setClient(cl)
	b.connected(cl)
	select {
	case <-lost:
	case <-ctx.Done():
		return reconnect.Outcome{Live: true, Err: ctx.Err()}
	}
	b.setClient(nil)
	b.h.mu.Lock()
	b.h.setOnline(false)
	b.h.mu.Unlock()
	return reconnect.Outcome{Live: true, Progress: true}
}

func (b *broker) setClient(cl mqtt.Client) {
	b.mu.Lock()
	b.cl = cl
	b.mu.Unlock()
}

func (b *broker) client() mqtt.Client {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cl
}

// WaitOnline waits until the hub reaches its broker or ctx ends.
func (h *Hub) WaitOnline(ctx context.Context) error {
	for {
		if h.Online() {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("team: the broker did not answer")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// broker is the MQTT transport.
type broker struct {
	h        *Hub
	prefix   string
	presence string
	opts     func(lost chan<- struct{}) *mqtt.ClientOptions
	onError  func(error) // BrokerOptions.OnError

	mu   sync.Mutex
	cl   mqtt.Client // the connection now, nil when there is none
	out  []outMsg    // waiting to be published, in order
	wake chan struct{}
	quit chan struct{}
	sent chan struct{} // closed when the outbox ended
	ran  chan struct{} // closed when run ended
}

type outMsg struct {
	topic    string
	payload  []byte
	retained bool
}

func (b *broker) topic(sid string) string { return b.prefix + "claims/" + topicLevel(sid) }

// send queues a message: handlers must not wait on paho, and the order of
// one process's messages must be kept.
func (b *broker) send(sid string, m message, retained bool) {
	if m.Op == "release" && retained {
		b.queue(outMsg{b.topic(sid), nil, true}, outMsg{b.topic(sid), m.encode(), false})
		return
	}
	b.queue(outMsg{b.topic(sid), m.encode(), retained})
}

// queue queues messages to be published in this order, after those queued
// before them.
func (b *broker) queue(o ...outMsg) {
	b.mu.Lock()
	b.out = append(b.out, o...)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// outbox publishes the queued messages in order; a message the broker did
// not acknowledge (connection lost) is dropped: the re-announcement after
// the reconnection says what is still true.
func (b *broker) outbox() {
	defer close(b.sent)
	for {
		b.mu.Lock()
		batch := b.out
		b.out = nil
		b.mu.Unlock()
		// Sent back to back (paho keeps their order), then acknowledged.
		toks := make([]mqtt.Token, 0, len(batch))
		cl := b.client()
		for _, o := range batch {
			if cl == nil || !cl.IsConnectionOpen() {
				continue
			}
			toks = append(toks, cl.Publish(o.topic, 1, o.retained, o.payload))
		}
		for _, t := range toks {
			t.WaitTimeout(10 * time.Second)
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-b.wake:
		case <-b.quit:
			b.mu.Lock()
			n := len(b.out)
			b.mu.Unlock()
			if n == 0 {
				return
			}
		}
	}
}

// connected subscribes and re-announces, after every (re)connection.
func (b *broker) connected(c mqtt.Client) {
	h := b.h
	h.mu.Lock()
	// What others held may have changed while away: the retained holds say
	// it again.
	for sid, e := range h.claims {
		if e.proc != h.proc {
			delete(h.claims, sid)
			h.broadcast(Event{Kind: Changed, SnapshotID: sid}, "")
		}
	}
	clear(h.dead)
	clear(h.present)
	h.mu.Unlock()
	c.Publish(b.presence, 1, true, []byte(`{"v":1}`)).WaitTimeout(10 * time.Second)
	// Presence first: the broker sends its retained notes before the
	// claims', so a claim of a process that is gone is known as such.
	for _, f := range []string{b.prefix + "presence/+", b.prefix + "claims/+"} {
		for {
			t := c.Subscribe(f, 1, nil)
			if t.WaitTimeout(10*time.Second) && t.Error() == nil {
				break
			}
			if !c.IsConnectionOpen() {
				return // lost again: the next connection subscribes
			}
			time.Sleep(time.Second)
		}
	}
	h.mu.Lock()
	sids, msgs := h.announce()
	h.setOnline(true)
	h.mu.Unlock()
	for i := range sids {
		b.send(sids[i], msgs[i], msgs[i].Op != "claim")
	}
}

// receive applies one message from the broker.
func (b *broker) receive(m mqtt.Message) {
	h := b.h
	rest, ok := strings.CutPrefix(m.Topic(), b.prefix)
	if !ok {
		return
	}
	if proc, ok := strings.CutPrefix(rest, "presence/"); ok {
		h.mu.Lock()
		if len(m.Payload()) == 0 {
			h.processGone(proc)
		} else {
			delete(h.dead, proc)
			h.present[proc] = true
		}
		h.mu.Unlock()
		return
	}
	level, ok := strings.CutPrefix(rest, "claims/")
	if !ok {
		return
	}
	sid, ok := unTopicLevel(level)
	if !ok {
		return
	}
	msg, ok := decode(m.Payload())
	if !ok {
		return
	}
	h.mu.Lock()
	confirm := h.apply(sid, msg, m.Retained())
	var hold message
	if confirm {
		if r := h.reviewers[msg.Owner]; r != nil {
			hold = h.msg("hold", r)
		}
	}
	h.mu.Unlock()
	if confirm && hold.Owner != "" {
		b.send(sid, hold, true)
	}
}

// close says goodbye: the releases are sent, then the presence emptied as
// the will would, then the connection closed.
func (b *broker) close(h *Hub) {
	b.queue(outMsg{b.prefix + "presence/" + h.proc, nil, true})
	close(b.quit)
	select {
	case <-b.sent:
	case <-time.After(5 * time.Second):
	}
	<-b.ran
	if cl := b.client(); cl != nil {
		cl.Disconnect(250)
	}
}

// topicLevel makes s one MQTT topic level: '/', '+', '#', '%', NUL and
// control characters are percent-encoded.
func topicLevel(s string) string {
	if s == "" {
		return "%"
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '/' || c == '+' || c == '#' || c == '%' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unTopicLevel undoes topicLevel.
func unTopicLevel(s string) (string, bool) {
	if s == "%" {
		return "", true
	}
	v, err := url.PathUnescape(s)
	return v, err == nil
}
