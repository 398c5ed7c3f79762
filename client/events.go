package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of StreamOptions.
const (
	DefaultStreamIdleTimeout  = 45 * time.Second
	DefaultStreamMaxBackoff   = 30 * time.Second
	DefaultStreamPollInterval = 5 * time.Second
	DefaultStreamBufferSize   = 10000
	DefaultRelistInterval     = 30 * time.Second
)

// StreamOptions selects what the event stream carries and how it behaves
// when the connection is lost. Zero durations and sizes mean the defaults.
type StreamOptions struct {
	// UserEndpointID is the caller's registered user endpoint (required by
	// the server).
	UserEndpointID string
	// InteractionIDs narrows the stream to these interactions; empty means
	// everything the token may see. Over MQTT, whose events (as the vendor
	// sends them) carry no interactionId, only events that name another
	// interaction are left out: the others come through for the consumer
	// to tie to their interaction (see Linker).
	InteractionIDs []string
	// LastEventID resumes after this sequence number (sent as
	// Last-Event-ID); 0 starts with new events only, unless Replay is set.
	// SSE only: MQTT events have no sequence number; the broker's session
	// brings what was missed during a reconnect instead.
	LastEventID uint64
	// Replay (SSE only), when LastEventID is 0, asks for every event the server still
	// holds (Last-Event-ID: 0) until the first event arrives, so history
	// from before the start (requests still pending, recent activity)
	// comes first, then live events. A server that no longer holds its
	// oldest events answers with a resync (Resync in the update) before
	// replaying what it has. Once an event has arrived, reconnects resume
	// from the last one as usual.
	Replay bool
	// IdleTimeout is how long the connection may stay silent (no event and
	// no ping) before it is considered dead and replaced (default 45s).
	IdleTimeout time.Duration
	// MaxBackoff caps the delay between reconnection attempts (default 30s).
	MaxBackoff time.Duration
	// PollInterval is how often a Resync is signalled when the server has no
	// events endpoint and the stream falls back to polling (default 5s).
	PollInterval time.Duration
	// BufferSize bounds the events held for a slow consumer (default
	// 10,000). Beyond it the oldest are dropped and the next update carries
	// Resync so the consumer re-lists instead of silently missing them.
	BufferSize int
	// RelistInterval is how often an update with Relist is sent while the
	// transport is MQTT, which carries only this endpoint's own events
	// (default 30s).
	RelistInterval time.Duration
}

func (o StreamOptions) withDefaults() StreamOptions {
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultStreamIdleTimeout
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultStreamMaxBackoff
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultStreamPollInterval
	}
	if o.BufferSize <= 0 {
		o.BufferSize = DefaultStreamBufferSize
	}
	if o.RelistInterval <= 0 {
		o.RelistInterval = DefaultRelistInterval
	}
	return o
}

// StreamState is the condition of the event stream.
type StreamState int

// The states a Stream reports.
const (
	// StateConnecting: the first connection attempt is under way.
	StateConnecting StreamState = iota
	// StateLive: connected; events arrive as they happen.
	StateLive
	// StateReconnecting: the connection ended; the next attempt is at
	// RetryAt. Events missed meanwhile are replayed on reconnect.
	StateReconnecting
	// StatePolling: the server has no events endpoint (404); every
	// PollInterval an update with Resync asks the consumer to re-list.
	StatePolling
	// StateOffline: several attempts in a row failed (or the token was
	// refused); Since is when the stream was last live, RetryAt the next try.
	StateOffline
)

// String returns the state's lower-case name.
func (s StreamState) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateLive:
		return "live"
	case StateReconnecting:
		return "reconnecting"
	case StatePolling:
		return "polling"
	case StateOffline:
		return "offline"
	}
	return "unknown"
}

// StreamUpdate is one batch handed to the consumer: the events that arrived
// since the previous update, in order and each exactly once, and the state of
// the stream at the time.
type StreamUpdate struct {
	// Events are new events in sequence order (ResyncRequiredEvent is not
	// among them: it sets Resync).
	Events []Event
	// State is the stream's current state.
	State StreamState
	// Transport is the transport State is about: TransportSSE,
	// TransportMQTT or TransportPoll (empty until one was tried).
	Transport Transport
	// RetryAt is when the next connection attempt is due (Reconnecting,
	// Offline) or when the events endpoint is probed again (Polling).
	RetryAt time.Time
	// Since is when the current condition began: the connection time when
	// Live, the end of the last live connection when Reconnecting or
	// Offline, the start of polling when Polling.
	Since time.Time
	// Resync asks the consumer to re-list what it shows: the server could
	// not replay everything, events were dropped for a slow consumer, or the
	// stream is polling.
	Resync bool
	// Relist asks a consumer that shows more than this endpoint's own
	// events (a supervisor's organization-wide view) to re-list: the MQTT
	// transport sets it every RelistInterval, as it carries only this
	// endpoint's events. Nothing was lost; a consumer showing only its own
	// events may ignore it.
	Relist bool
	// Err is why the stream is not live, or an event that could not be
	// decoded; nil otherwise.
	Err error
}

// EventError reports an event the stream received but could not deliver:
// its data was not valid JSON, or it was too large to read. The update
// carrying it has Resync set when the event was lost.
type EventError struct {
	// Seq is the event's sequence number, 0 when it had none.
	Seq uint64
	// Err is what went wrong.
	Err error
}

// Error describes the event and the problem.
func (e *EventError) Error() string { return fmt.Sprintf("events: event %d: %v", e.Seq, e.Err) }

// Unwrap returns the underlying error.
func (e *EventError) Unwrap() error { return e.Err }

// streamTuning holds the knobs tests turn; production uses defaultTuning.
type streamTuning struct {
	batchWindow   time.Duration // at most one update per window
	baseBackoff   time.Duration // first reconnection delay (before jitter)
	progressAfter time.Duration // a connection this long counts as healthy
	offlineAfter  int           // failed attempts in a row before Offline
	maxEventBytes int           // initial ClientMaxBufferSize
	hardMaxEvent  int           // ClientMaxBufferSize never grows beyond this
	clock         streamClock   // times batching and the idle watchdog
	queued        func(Event)   // nil, or called after each event is queued
}

// streamClock is the time of batching and of the idle watchdog; tests use
// one they move themselves, so that neither depends on how busy the
// machine is.
type streamClock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// wallClock is the real time.
type wallClock struct{}

func (wallClock) Now() time.Time                         { return time.Now() }
func (wallClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func defaultTuning() streamTuning {
	return streamTuning{
		batchWindow:   16 * time.Millisecond,
		baseBackoff:   500 * time.Millisecond,
		progressAfter: 5 * time.Second,
		offlineAfter:  3,
		maxEventBytes: 1 << 20,
		hardMaxEvent:  16 << 20,
		clock:         wallClock{},
	}
}

// streamDeps is what a Stream needs from the Client.
type streamDeps struct {
	mode      Transport                   // "" is auto
	mqttURL   string                      // "": no MQTT in auto mode
	mqtt      mqttDeps                    // used when mqttURL is set
	eventsURL string                      // {server}/rtc-api/events
	transport http.RoundTripper           // adds the bearer token; nil = http.DefaultTransport
	renew     func(context.Context) error // forces a new token; nil: cannot
	userAgent string                      // set when transport does not
	log       *slog.Logger                // nil: no logs
}

// status is the stream's state as last reported.
type status struct {
	state     StreamState
	transport Transport
	retryAt   time.Time
	since     time.Time
	err       error
}

// Stream is a live feed of platform events that survives disconnects,
// server restarts, token expiry and servers without an events endpoint. Read
// Updates until it is closed; call Close (or cancel the context given to
// Client.Stream) to stop.
type Stream struct {
	opts    StreamOptions
	deps    streamDeps
	tune    streamTuning
	hc      *http.Client
	cancel  context.CancelFunc
	done    chan struct{} // closed after Updates, when every goroutine ended
	updates chan StreamUpdate
	wake    chan struct{}

	delivered atomic.Uint64 // highest seq handed to the consumer

	mu     sync.Mutex // guards the fields below (producer -> deliverer)
	pend   []Event
	resync bool
	relist bool
	dirty  bool // status changed or an event error is waiting
	st     status
	evErr  error

	// Owned by the connection goroutine.
	last   uint64 // highest seq received (dedup and Last-Event-ID)
	prevID string // the id of the previous message (see handle)
	maxBuf int
	conn   connStats

	seen *idSet // event ids already delivered (MQTT redelivers with QoS 1)

	// History (see Event.History). Owned by the connection goroutine.
	// early: no live event has arrived yet, so what arrives may be
	// history; serverStart is the server's own time (its Date header) when
	// it first accepted the stream; replayAsked says the connection asked
	// for a replay (Last-Event-ID).
	early       bool
	started     time.Time // this machine's clock: only for servers without Date
	serverStart time.Time
	replayAsked bool
}

// Updates returns the channel of updates. It is closed once the stream has
// stopped (context cancelled or Close called) and every goroutine has ended.
func (s *Stream) Updates() <-chan StreamUpdate { return s.updates }

// Close stops the stream and waits for its goroutines to end. Updates not
// yet received are discarded; LastEventID tells where to resume.
func (s *Stream) Close() {
	s.cancel()
	<-s.done
}

// LastEventID returns the sequence number of the last event handed to the
// consumer (or StreamOptions.LastEventID when none was). Pass it as
// StreamOptions.LastEventID to resume without loss. While the stream runs it
// may lag one update behind the one just received (never ahead of it); once
// Updates is closed it is exact.
func (s *Stream) LastEventID() uint64 { return s.delivered.Load() }

// Stream opens the live event stream over the Config's transport (see
// Transport; auto by default) and keeps it open until ctx is cancelled or
// Close is called. Over MQTT it subscribes to the endpoint's topic with QoS 1
// in a kept session, reconnects with backoff and with a renewed token before
// the old one expires, drops events whose id was delivered already, and sets
// Resync when the broker lost the session. Over SSE (GET /rtc-api/events) it
// reconnects after any end of
// the connection with capped exponential backoff and jitter, resumes with
// Last-Event-ID, drops replayed duplicates, renews the token after a 401,
// replaces a connection that stayed silent for IdleTimeout, and falls back to
// polling (updates with Resync every PollInterval) when the server has no
// events endpoint. Events arrive on Updates in batches, in order, each once.
func (c *Client) Stream(ctx context.Context, opts StreamOptions) *Stream {
	deps := streamDeps{
		mode:      c.cfg.Events,
		mqttURL:   c.cfg.MQTTURL,
		mqtt:      c.mqttDeps(),
		eventsURL: c.endpointURL("/rtc-api/events", nil),
		transport: c.authTransport(),
		renew:     c.renewToken, // fails for a static token: then 401 means Offline
		log:       c.logger(),
	}
	return newStream(ctx, deps, opts, defaultTuning())
}

// newStream starts a stream; Client.Stream supplies deps from the client.
func newStream(ctx context.Context, deps streamDeps, opts StreamOptions, tune streamTuning) *Stream {
	ctx, cancel := context.WithCancel(ctx)
	s := &Stream{
		opts:    opts.withDefaults(),
		deps:    deps,
		tune:    tune,
		cancel:  cancel,
		done:    make(chan struct{}),
		updates: make(chan StreamUpdate),
		wake:    make(chan struct{}, 1),
		last:    opts.LastEventID,
		maxBuf:  tune.maxEventBytes,
		early:   true,
		started: time.Now(),
	}
	s.seen = newIDSet(s.opts.BufferSize)
	s.delivered.Store(opts.LastEventID)
	s.hc = s.httpClient()
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		s.run(ctx)
	}()
	go func() {
		defer close(s.done)
		s.deliver(ctx)
		<-runDone
		close(s.updates)
	}()
	return s
}

// signal wakes the deliverer without blocking.
func (s *Stream) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// setStatus records a new state and queues an update for it.
func (s *Stream) setStatus(st status) {
	s.mu.Lock()
	s.st = st
	s.dirty = true
	s.mu.Unlock()
	s.signal()
}

// markRelist queues an update asking the consumer to re-list what this
// transport does not carry.
func (s *Stream) markRelist() {
	s.mu.Lock()
	s.relist = true
	s.mu.Unlock()
	s.signal()
}

// markResync queues an update asking the consumer to re-list.
func (s *Stream) markResync() {
	s.mu.Lock()
	s.resync = true
	s.mu.Unlock()
	s.signal()
}

// eventError queues an update reporting an event that could not be used.
func (s *Stream) eventError(err error) {
	s.mu.Lock()
	s.evErr = err
	s.dirty = true
	s.mu.Unlock()
	s.signal()
}

// arrived completes a decoded event: an unreadable timestamp becomes the
// time of arrival (the event stays flagged TimeUnread, and its payload goes
// to the log).
func (s *Stream) arrived(ev *Event) {
	if ev.TimeUnread {
		ev.Timestamp = s.tune.clock.Now().UTC()
		if s.deps.log != nil {
			s.deps.log.Warn("events: unreadable timestamp, using the time of arrival",
				"type", ev.Type, "seq", ev.Seq, "err", ev.TimeError, "raw", string(ev.Raw))
		}
	}
}

// undecodable reports an event that could not be decoded: one EventError
// for the consumer (a line on stderr, a line in the events pane) and the raw
// payload in the log.
func (s *Stream) undecodable(seq uint64, raw []byte, err error) {
	if s.deps.log != nil {
		s.deps.log.Warn("events: undecodable event", "seq", seq, "err", err, "raw", string(raw))
	}
	s.eventError(&EventError{Seq: seq, Err: err})
}

// push queues one event. The queue is trimmed lazily (at a quarter over the
// limit) so that dropping stays O(1) per event; take trims it exactly.
func (s *Stream) push(ev Event) {
	s.mu.Lock()
	s.pend = append(s.pend, ev)
	if limit := s.opts.BufferSize; len(s.pend) > limit+limit/4 {
		s.pend = dropOldest(s.pend, limit)
		s.resync = true
	}
	s.mu.Unlock()
	if s.tune.queued != nil {
		s.tune.queued(ev)
	}
	s.signal()
}

// dropOldest keeps the newest limit events of evs.
func dropOldest(evs []Event, limit int) []Event {
	if len(evs) <= limit {
		return evs
	}
	n := len(evs) - limit
	clear(evs[:n]) // release the dropped events' Raw bytes early
	return evs[n:]
}

// take removes everything queued and returns it as one update.
func (s *Stream) take() (StreamUpdate, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pend) == 0 && !s.resync && !s.relist && !s.dirty {
		return StreamUpdate{}, false
	}
	u := StreamUpdate{
		Events:    s.pend,
		State:     s.st.state,
		Transport: s.st.transport,
		RetryAt:   s.st.retryAt,
		Since:     s.st.since,
		Resync:    s.resync,
		Relist:    s.relist,
		Err:       s.st.err,
	}
	if s.evErr != nil {
		u.Err = s.evErr
	}
	if len(u.Events) > s.opts.BufferSize {
		u.Events = dropOldest(u.Events, s.opts.BufferSize)
		u.Resync = true
	}
	s.pend, s.resync, s.relist, s.dirty, s.evErr = nil, false, false, false, nil
	return u, true
}

// merge folds a newer update into one the consumer has not taken yet. A
// newer error wins; a change of state clears an older connection error but
// not an *EventError, which is about events the consumer has yet to see.
func (s *Stream) merge(cur, next StreamUpdate) StreamUpdate {
	var evErr *EventError
	switch {
	case next.Err != nil:
		cur.Err = next.Err
	case next.State != cur.State && !errors.As(cur.Err, &evErr):
		cur.Err = nil
	}
	cur.State, cur.Transport, cur.RetryAt, cur.Since = next.State, next.Transport, next.RetryAt, next.Since
	cur.Resync = cur.Resync || next.Resync
	cur.Relist = cur.Relist || next.Relist
	cur.Events = append(cur.Events, next.Events...)
	if len(cur.Events) > s.opts.BufferSize {
		cur.Events = dropOldest(cur.Events, s.opts.BufferSize)
		cur.Resync = true
	}
	return cur
}

// deliver hands queued updates to the consumer, at most one per batch
// window. While the consumer is slow it keeps merging newer updates into the
// one waiting, so nothing is lost and memory stays bounded by BufferSize.
func (s *Stream) deliver(ctx context.Context) {
	var (
		cur      StreamUpdate
		have     bool
		lastSent time.Time
	)
	for {
		if !have {
			select {
			case <-ctx.Done():
				return
			case <-s.wake:
			}
			if wait := s.tune.batchWindow - s.tune.clock.Now().Sub(lastSent); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-s.tune.clock.After(wait):
				}
			}
			if cur, have = s.take(); !have {
				continue
			}
		}
		select {
		case <-ctx.Done():
			return
		case s.updates <- cur:
			if seq := lastSeq(cur.Events); seq != 0 {
				s.delivered.Store(seq)
			}
			cur, have, lastSent = StreamUpdate{}, false, s.tune.clock.Now()
		case <-s.wake:
			if next, ok := s.take(); ok {
				cur = s.merge(cur, next)
			}
		}
	}
}

// lastSeq returns the sequence number of the last event that has one.
func lastSeq(evs []Event) uint64 {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Seq != 0 {
			return evs[i].Seq
		}
	}
	return 0
}
