package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// MQTT settings of the platform's feed (platform.md, part A).
const (
	mqttQoS            = 1
	mqttConnectTimeout = 10 * time.Second
	mqttKeepAlive      = 30 * time.Second
	mqttQuiesce        = 250 // ms a DISCONNECT waits for work in flight
	// mqttMinRenewal keeps a token that is already due from causing a
	// reconnect loop: the new connection lives at least this long.
	mqttMinRenewal = time.Second
)

// errNoBroker: in auto mode, the first MQTT attempt reached no broker (no
// WebSocket at the URL, nothing listening, no CONNACK), so the stream polls.
var errNoBroker = errors.New("events: no MQTT broker answered")

// BrokerError is a connection the MQTT broker refused in its CONNACK.
type BrokerError struct {
	// Code is the CONNACK return code (4: bad user name or password, 5: not
	// authorized).
	Code byte
	// Reason is the broker's refusal in words.
	Reason string
}

// Error names the broker's reason.
func (e *BrokerError) Error() string {
	return "events: the MQTT broker refused the connection: " + e.Reason
}

// BadCredentials reports whether the broker refused the user name or the
// token.
func (e *BrokerError) BadCredentials() bool { return e.Code == 4 || e.Code == 5 }

// mqttDeps is what the MQTT transport needs from the Client.
type mqttDeps struct {
	// token returns the access token and when it is due for renewal (zero:
	// never).
	token func(context.Context) (string, time.Time, error)
	// userID returns the token's user, the MQTT user name.
	userID func(context.Context) (string, error)
	// now is the token source's clock, against which renewal times are set.
	now       func() time.Time
	userAgent string
}

// mqttDeps gives the MQTT transport the client's token source.
func (c *Client) mqttDeps() mqttDeps {
	return mqttDeps{
		token: c.tokens.tokenUntil,
		userID: func(ctx context.Context) (string, error) {
			id, err := c.Identity(ctx)
			return id.UserID, err
		},
		now:       func() time.Time { return c.tokens.now() },
		userAgent: c.cfg.UserAgent,
	}
}

// mqttResult is how one MQTT connection went.
type mqttResult struct {
	reached bool // a broker answered (accepted or refused)
	live    bool // accepted and subscribed
	liveAt  time.Time
	events  int64
	renewal bool // ended on purpose, to connect with a renewed token
	err     error
}

// runMQTT connects to the broker and reconnects until ctx is done. It keeps
// its own reconnect loop, one paho client per connection, rather than paho's
// AutoReconnect: paho's reconnect drops the CONNACK's session-present flag
// (needed to resync after a lost session), hides when it will try next (the
// header's countdown) and cannot be asked to reconnect with a renewed token.
// The broker keeps the session (clean session off) across these connections,
// since the client id stays the same. In auto mode it returns errNoBroker
// when the first attempt reaches no broker.
func (s *Stream) runMQTT(ctx context.Context, auto bool) error {
	reached := !auto
	sessions := 0 // connections accepted so far
	return s.reconnect(ctx, reconnector{
		transport:    TransportMQTT,
		renewTimeout: mqttConnectTimeout,
		attempt: func(ctx context.Context) connOutcome {
			r := s.mqttAttempt(ctx, sessions > 0)
			reached = reached || r.reached
			if r.live {
				sessions++
			}
			var be *BrokerError
			return connOutcome{Live: r.live, LiveAt: r.liveAt, Events: r.events, Err: r.err,
				Again: r.renewal, Refused: errors.As(r.err, &be) && be.BadCredentials()}
		},
		stop: func(o connOutcome) (error, bool) {
			if reached {
				return nil, false
			}
			if s.deps.log != nil {
				s.deps.log.Debug("events: no MQTT broker, polling", "url", redactURL(s.deps.mqttURL), "err", o.Err)
			}
			return errNoBroker, true
		},
	})
}

// mqttAttempt runs one connection: CONNECT with the user id and a current
// token, SUBSCRIBE to this endpoint's topic at QoS 1, then deliver messages
// until the connection is lost, the token is due for renewal or ctx is done.
// resumed says an earlier connection was accepted, so a session the broker
// did not keep means events may have been missed.
func (s *Stream) mqttAttempt(ctx context.Context, resumed bool) (r mqttResult) {
	d := s.deps.mqtt
	tctx, cancel := context.WithTimeout(ctx, mqttConnectTimeout)
	userID, err := d.userID(tctx)
	var (
		tok     string
		renewAt time.Time
	)
	if err == nil {
		tok, renewAt, err = d.token(tctx)
	}
	cancel()
	if err != nil {
		r.err = fmt.Errorf("events: MQTT credentials: %w", err)
		return r
	}
	topic, err := MQTTTopic(userID, s.opts.UserEndpointID)
	if err != nil {
		r.err = err
		return r
	}

	lost := make(chan error, 1)
	var events atomic.Int64
	o := mqtt.NewClientOptions().
		AddBroker(s.deps.mqttURL).
		SetClientID(s.opts.UserEndpointID). // stable, so the broker keeps the session
		SetProtocolVersion(4).              // 3.1.1 only: no silent fallback to 3.1 after a refusal
		SetCleanSession(false).
		SetAutoReconnect(false). // runMQTT reconnects (see there)
		SetConnectRetry(false).
		SetConnectTimeout(mqttConnectTimeout).
		SetKeepAlive(mqttKeepAlive).
		SetPingTimeout(mqttConnectTimeout).
		SetOrderMatters(true). // events reach the handler in the broker's order
		SetCredentialsProvider(func() (string, string) { return userID, tok }).
		SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) {
			events.Add(1)
			s.handleMQTT(m.Payload())
		}).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case lost <- err:
			default:
			}
		}).
		SetCustomOpenConnectionFn(s.openWebsocket(ctx))
	if !resumed {
		// New events only, decided by the session: a session the broker
		// kept from an earlier run (same endpoint id) would deliver what
		// it queued before this stream started. A clean connection ends
		// it; the kept session of this stream starts empty.
		s.wipeSession(ctx, o)
	}
	cl := mqtt.NewClient(o)
	defer func() { r.events = events.Load() }()

	ct, _ := cl.Connect().(*mqtt.ConnectToken)
	if !waitToken(ctx, ct) {
		// ctx is done, which closes the connection being opened; should
		// the CONNACK have won the race, disconnect what it opened.
		if waitToken(context.Background(), ct) && ct.Error() == nil {
			cl.Disconnect(0)
		}
		return r
	}
	if err := ct.Error(); err != nil {
		if rc := ct.ReturnCode(); rc >= 1 && rc <= 5 {
			r.reached = true
			r.err = &BrokerError{Code: rc, Reason: err.Error()}
		} else {
			r.err = fmt.Errorf("events: MQTT %s: %w", redactURL(s.deps.mqttURL), err)
		}
		return r
	}
	r.reached = true
	defer cl.Disconnect(mqttQuiesce)
	if err := subscribe(ctx, cl, topic); err != nil {
		r.err = err
		return r
	}
	if resumed && !ct.SessionPresent() {
		// The broker lost our session (restart, expiry): whatever was
		// published meanwhile is gone, so the consumer re-lists.
		s.markResync()
	}
	r.live, r.liveAt = true, time.Now()
	s.setStatus(status{state: StateLive, transport: TransportMQTT, since: r.liveAt})

	var renew <-chan time.Time
	if !renewAt.IsZero() {
		t := time.NewTimer(max(renewAt.Sub(d.now()), mqttMinRenewal))
		defer t.Stop()
		renew = t.C
	}
	relist := time.NewTicker(s.opts.RelistInterval)
	defer relist.Stop()
	for {
		select {
		case <-ctx.Done():
			return r
		case err := <-lost:
			r.err = fmt.Errorf("events: MQTT connection lost: %w", err)
			return r
		case <-renew:
			r.renewal = true
			return r
		case <-relist.C:
			s.markRelist()
		}
	}
}

// wipeSession connects once with a clean session and disconnects, so the
// broker forgets whatever session this client id had. Failures are left to
// the real connection, which reports them.
func (s *Stream) wipeSession(ctx context.Context, o *mqtt.ClientOptions) {
	wo := *o
	wo.SetCleanSession(true).SetDefaultPublishHandler(func(mqtt.Client, mqtt.Message) {}).
		SetConnectionLostHandler(nil)
	cl := mqtt.NewClient(&wo)
	ct := cl.Connect()
	if waitToken(ctx, ct) && ct.Error() == nil {
		cl.Disconnect(0)
	}
}

// subscribe asks for the endpoint's topic at QoS 1 and checks the grant.
func subscribe(ctx context.Context, cl mqtt.Client, topic string) error {
	st, _ := cl.Subscribe(topic, mqttQoS, nil).(*mqtt.SubscribeToken)
	if !waitToken(ctx, st) {
		return ctx.Err()
	}
	if err := st.Error(); err != nil {
		return fmt.Errorf("events: MQTT subscribe: %w", err)
	}
	if st.Result()[topic] > 2 { // 0x80: refused (no permission on the topic)
		return fmt.Errorf("events: the MQTT broker refused the subscription to %s", topic)
	}
	return nil
}

// waitToken waits for a paho token, bounded by the connect timeout (paho
// bounds its own steps, this is a second guard) and ctx. It reports whether
// the token completed.
func waitToken(ctx context.Context, t mqtt.Token) bool {
	if t == nil {
		return false
	}
	timer := time.NewTimer(2 * mqttConnectTimeout)
	defer timer.Stop()
	select {
	case <-t.Done():
		return true
	case <-ctx.Done():
	case <-timer.C:
	}
	return false
}

// handleMQTT decodes one message and queues it unless its id was delivered
// already (QoS 1 redelivers after a reconnect).
func (s *Stream) handleMQTT(payload []byte) {
	ev, err := DecodeEvent("", payload)
	if err != nil {
		s.undecodable(0, payload, err)
		return
	}
	s.arrived(&ev)
	if ev.Type == EventResyncRequired {
		s.markResync()
		return
	}
	if len(s.opts.InteractionIDs) > 0 && ev.InteractionID != "" && !slices.Contains(s.opts.InteractionIDs, ev.InteractionID) {
		// The topic carries all of the endpoint's events: one that names
		// another interaction provably belongs elsewhere. The vendor's
		// events name none: they pass, for the consumer to tie.
		return
	}
	if ev.ID != "" && !s.seen.add(ev.ID) {
		return
	}
	s.push(ev)
}

// idSet remembers the most recent event ids, up to a fixed number, for
// de-duplication.
type idSet struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string
	next int
}

func newIDSet(n int) *idSet {
	return &idSet{ids: make(map[string]struct{}, n), ring: make([]string, n)}
}

// add records id and reports whether it was new.
func (s *idSet) add(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % len(s.ring)
	s.ids[id] = struct{}{}
	return true
}
