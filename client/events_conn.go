package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/r3labs/sse/v2"
	"gopkg.in/cenkalti/backoff.v1"
)

// Why a connection attempt ended, besides transport errors.
var (
	// errNoEventsEndpoint: 404, or a 200 that is not an event stream (a
	// gateway's catch-all page): the server has no events endpoint.
	errNoEventsEndpoint = errors.New("events: the server has no events endpoint")
	// errIdle: nothing, not even a ping, arrived within IdleTimeout.
	errIdle = errors.New("events: connection silent for too long")
	// errStreamEnded: the server closed the stream cleanly (r3labs returns
	// nil then and would not reconnect by itself).
	errStreamEnded = errors.New("events: the server closed the stream")
)

// connStats describes the connection attempt under way.
type connStats struct {
	live    bool // the server accepted the stream
	liveAt  time.Time
	events  int // messages received
	retryAf time.Duration
}

// activity records when bytes last arrived on a connection. r3labs/sse does
// not surface comment lines (": ping"), so the idle watchdog looks at reads of
// the response body instead.
type activity struct {
	clock streamClock
	at    atomic.Int64
}

func (a *activity) touch() { a.at.Store(a.clock.Now().UnixNano()) }
func (a *activity) idle() time.Duration {
	return time.Duration(a.clock.Now().UnixNano() - a.at.Load())
}

type activityKey struct{}

// activityTransport wraps the response body of requests whose context
// carries an *activity, so that every read counts as a sign of life.
type activityTransport struct{ base http.RoundTripper }

func (t activityTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if a, ok := req.Context().Value(activityKey{}).(*activity); ok {
		a.touch()
		resp.Body = &activityBody{ReadCloser: resp.Body, a: a}
	}
	return resp, nil
}

type activityBody struct {
	io.ReadCloser
	a *activity
}

func (b *activityBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.a.touch()
	}
	return n, err
}

// httpClient builds the client for the stream: the caller's authenticating
// transport, no overall timeout (the request lives for hours; the idle
// watchdog replaces it), and no redirects (they would carry the token away).
func (s *Stream) httpClient() *http.Client {
	base := s.deps.transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{
		Transport: activityTransport{base: base},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// streamURL is the events URL with the endpoint and interaction filters.
func (s *Stream) streamURL() string {
	q := url.Values{}
	if s.opts.UserEndpointID != "" {
		q.Set("userEndpointId", s.opts.UserEndpointID)
	}
	for _, id := range s.opts.InteractionIDs {
		q.Add("interactionId", id)
	}
	if len(q) == 0 {
		return s.deps.eventsURL
	}
	return s.deps.eventsURL + "?" + q.Encode()
}

// run picks the transport and runs it until ctx is done. SSE and auto fall
// back to polling when the server has no events endpoint (auto tries the MQTT
// broker first), and probe the endpoint again now and then.
func (s *Stream) run(ctx context.Context) {
	first := TransportSSE
	switch s.deps.mode {
	case TransportMQTT, TransportPoll:
		first = s.deps.mode
	}
	s.setStatus(status{state: StateConnecting, transport: first, since: time.Now()})
	switch s.deps.mode {
	case TransportPoll:
		s.runPoll(ctx)
		return
	case TransportMQTT:
		_ = s.runMQTT(ctx, false)
		return
	}
	for {
		if !s.runSSE(ctx) {
			return
		}
		if s.deps.mode != TransportSSE && s.deps.mqttURL != "" {
			if err := s.runMQTT(ctx, true); !errors.Is(err, errNoBroker) {
				return // ctx done: MQTT, once it reached a broker, is kept
			}
		}
		if !s.runPoll(ctx) {
			return
		}
	}
}

// runSSE connects and reconnects to the events endpoint through the shared
// reconnect state machine. It returns false when ctx is done, true when the
// server has no events endpoint.
func (s *Stream) runSSE(ctx context.Context) bool {
	err := s.reconnect(ctx, reconnector{
		transport:    TransportSSE,
		renewTimeout: s.opts.IdleTimeout,
		attempt: func(ctx context.Context) connOutcome {
			err := s.attempt(ctx)
			c := s.conn
			o := connOutcome{Live: c.live, LiveAt: c.liveAt, Events: int64(c.events), Err: err,
				RetryAfter: c.retryAf, Refused: IsUnauthorized(err)}
			if errors.Is(err, bufio.ErrTooLong) {
				o.Err, o.Progress = s.tooLong(err), true
			}
			return o
		},
		stop: func(o connOutcome) (error, bool) {
			return o.Err, errors.Is(o.Err, errNoEventsEndpoint)
		},
	})
	return errors.Is(err, errNoEventsEndpoint)
}

// tooLong handles an event larger than the reader's buffer: reconnecting
// would replay it forever, so the buffer grows, and once at its hard limit
// the event is skipped (Last-Event-ID moves past it) and the consumer told to
// re-list.
func (s *Stream) tooLong(err error) error {
	if s.maxBuf < s.tune.hardMaxEvent {
		s.maxBuf = min(s.maxBuf*4, s.tune.hardMaxEvent)
		return err
	}
	s.last++
	s.markResync()
	ee := &EventError{Seq: s.last, Err: fmt.Errorf("skipped: larger than %d bytes: %w", s.maxBuf, err)}
	s.eventError(ee)
	return ee
}

// attempt runs one connection from request to end and returns why it ended.
func (s *Stream) attempt(ctx context.Context) error {
	s.conn = connStats{}
	s.prevID = ""
	act := &activity{clock: s.tune.clock}
	act.touch()
	ctx, cancel := context.WithCancel(context.WithValue(ctx, activityKey{}, act))
	var idled atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.watch(ctx, act, cancel, &idled)
	}()
	defer func() {
		cancel()
		wg.Wait() // the watchdog has returned
	}()

	c := sse.NewClient(s.streamURL(), sse.ClientMaxBufferSize(s.maxBuf))
	c.Connection = s.hc
	// run reconnects, not the library: its default backoff gives up after
	// 15 minutes, retries a 401 forever and stops after a clean EOF.
	c.ReconnectStrategy = &backoff.StopBackOff{}
	s.replayAsked = s.last > 0 || s.opts.Replay
	if s.replayAsked {
		// With Replay and no event yet, "0" asks for the server's whole
		// history; it also covers events published while a first
		// connection that delivered nothing was being replaced.
		c.Headers["Last-Event-ID"] = strconv.FormatUint(s.last, 10)
	}
	if s.deps.userAgent != "" {
		c.Headers["User-Agent"] = s.deps.userAgent
	}
	c.ResponseValidator = func(_ *sse.Client, resp *http.Response) error {
		return s.validate(resp)
	}
	err := c.SubscribeWithContext(ctx, "", s.handle)
	switch {
	case idled.Load():
		return errIdle
	case ctx.Err() != nil && err == nil:
		return ctx.Err()
	case err == nil:
		return errStreamEnded
	}
	return err
}

// watch cancels the connection when no byte arrived for IdleTimeout.
func (s *Stream) watch(ctx context.Context, act *activity, cancel context.CancelFunc, idled *atomic.Bool) {
	limit := s.opts.IdleTimeout
	tick := s.tune.clock.After(limit)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		if quiet := act.idle(); quiet < limit {
			tick = s.tune.clock.After(limit - quiet)
			continue
		}
		idled.Store(true)
		cancel()
		return
	}
}

// validate checks the events endpoint's answer before the library reads it.
// On refusal the body is closed here (the library does not).
func (s *Stream) validate(resp *http.Response) error {
	if resp.StatusCode == http.StatusOK && isEventStream(resp.Header.Get("Content-Type")) {
		s.conn.live, s.conn.liveAt = true, time.Now()
		if s.early && s.serverStart.IsZero() {
			// The server's own clock when it first took the stream:
			// events it stamped before are history, whatever our clock
			// says.
			if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
				s.serverStart = d
			}
		}
		s.setStatus(status{state: StateLive, transport: TransportSSE, since: s.conn.liveAt})
		return nil
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNotFound:
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10) // lets the connection be reused
		return errNoEventsEndpoint
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	ae := newAPIError("events", "", resp.StatusCode, resp.Header, body)
	s.conn.retryAf = ae.RetryAfter
	return ae
}

func isEventStream(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/event-stream"
}

// handle receives each message of the current connection, on the goroutine
// that runs attempt.
func (s *Stream) handle(msg *sse.Event) {
	s.conn.events++
	// r3labs gives a message without an id: line the previous message's
	// id (the SSE last event ID), so an id equal to the previous message's
	// means "no id of its own". A server repeats an id only when it replays
	// after Last-Event-ID, as the first message of a connection, where
	// there is no previous message.
	inherited := len(msg.ID) > 0 && s.prevID != "" && string(msg.ID) == s.prevID
	if len(msg.ID) > 0 {
		s.prevID = string(msg.ID)
	}
	var seq uint64
	if !inherited && len(msg.ID) > 0 {
		seq, _ = strconv.ParseUint(strings.TrimSpace(string(msg.ID)), 10, 64)
	}
	name := string(msg.Event)
	if name == EventResyncRequired {
		s.resyncRequired(seq)
		return
	}
	dup := seq != 0 && seq <= s.last
	if dup && name != "" {
		return // replayed: already delivered (an unnamed one may be a resync)
	}
	if len(msg.Data) == 0 {
		if !dup && seq != 0 {
			s.last = seq
		}
		return
	}
	ev, err := DecodeEvent(name, msg.Data)
	if err == nil && ev.Type == EventResyncRequired {
		s.resyncRequired(seq)
		return
	}
	if dup {
		return
	}
	if seq != 0 {
		s.last = seq
	}
	if err != nil {
		s.undecodable(seq, msg.Data, err)
		return
	}
	ev.Seq = seq
	s.arrived(&ev)
	ev.History = s.sseHistory(ev)
	s.push(ev)
}

// sseHistory decides whether an SSE event happened before the stream
// started, from the connection itself: until the first live event, an
// event the server stamped before it accepted the first connection (its
// Date header, the server's clock, like the stamp) was replayed. The first
// event stamped later is live, and so is everything after it (the server
// replays in sequence order). An event whose stamp is unreadable counts as
// history while a replay was asked for and no live event came yet. Only a
// server that sends no Date header leaves this machine's clock to decide
// (with 5 s of slack).
func (s *Stream) sseHistory(ev Event) bool {
	if !s.early {
		return false
	}
	switch {
	case ev.TimeUnread:
		return s.replayAsked
	case !s.serverStart.IsZero():
		if ev.Timestamp.Before(s.serverStart) {
			return true
		}
	case ev.Timestamp.Before(s.started.Add(-5 * time.Second)):
		return true
	}
	s.early = false
	return false
}

// resyncRequired: the server could not replay everything after our
// Last-Event-ID. The consumer must re-list; what follows is new, so the
// dedup baseline restarts from the resync's own id (or from nothing, as the
// server may have restarted its sequence).
func (s *Stream) resyncRequired(seq uint64) {
	s.last = seq
	s.markResync()
}

// backoff returns the delay before the next attempt: exponential from
// baseBackoff, capped at MaxBackoff, with jitter in [d/2, d], and never less
// than the server's Retry-After (itself capped at 10 minutes).
func (s *Stream) backoff(failures int, retryAfter time.Duration) time.Duration {
	d := jitteredBackoff(s.tune.baseBackoff, s.opts.MaxBackoff, failures)
	return max(d, min(retryAfter, 10*time.Minute))
}
