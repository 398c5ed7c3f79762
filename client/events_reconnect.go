package client

import (
	"context"
	"fmt"
	"time"
)

// connOutcome is how one connection attempt of a transport ended, as the
// reconnect state machine needs to know it.
type connOutcome struct {
	live       bool      // the server accepted the connection
	liveAt     time.Time // when it did
	events     int64     // messages received on it
	err        error     // why it ended
	retryAfter time.Duration
	// refused: the credentials were refused (401, CONNACK 4 or 5). The
	// token is renewed once and the attempt made again at once; a second
	// refusal is Offline.
	refused bool
	// again: reconnect at once without counting a failure (a connection
	// ended on purpose to renew its token).
	again bool
	// progress: count the attempt as progress although it delivered no
	// event (an oversized event was dealt with).
	progress bool
}

// reconnector is the one reconnect state machine of the event stream,
// shared by the SSE, MQTT and polling transports (for polling one attempt
// is one polling period, which ends when the events endpoint is due to be
// probed; see runPoll). Each transport supplies
// how to make one attempt and when to stop; the machine counts failures in
// a row, renews a refused token once, goes Offline after offlineAfter
// fruitless attempts or a second refusal, waits a jittered exponential
// backoff (never less than the server's Retry-After) and reports every
// state with the time of the next attempt.
type reconnector struct {
	transport Transport
	// attempt makes one connection and reports how it ended.
	attempt func(ctx context.Context) connOutcome
	// stop, when it returns true, ends the machine with err (the transport
	// is unavailable: no events endpoint, no broker in auto mode).
	stop func(o connOutcome) (err error, stop bool)
	// renewTimeout bounds a token renewal.
	renewTimeout time.Duration
}

// run drives r until ctx is done (returning ctx.Err()) or r.stop says so.
func (s *Stream) reconnect(ctx context.Context, r reconnector) error {
	var (
		failures int  // attempts in a row that made no progress
		renewed  bool // a token renewal was tried since the last success
		outage   = time.Now()
	)
	for {
		o := r.attempt(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		now := time.Now()
		if o.live {
			outage, renewed = now, false
		}
		if r.stop != nil {
			if err, stop := r.stop(o); stop {
				return err
			}
		}
		if o.again {
			failures = 0
			continue
		}
		if o.events > 0 || o.progress || (o.live && now.Sub(o.liveAt) >= s.tune.progressAfter) {
			failures = 0
		} else {
			failures++
		}
		err, state := o.err, StateReconnecting
		if o.refused {
			if s.deps.renew != nil && !renewed {
				// The token was revoked or expired early: renew it and
				// try again at once; a second refusal is final for now.
				renewed = true
				rctx, cancel := context.WithTimeout(ctx, r.renewTimeout)
				rerr := s.deps.renew(rctx)
				cancel()
				if rerr == nil {
					continue
				}
				err = fmt.Errorf("%w (token renewal failed: %v)", err, rerr)
			}
			state = StateOffline
		}
		if failures >= s.tune.offlineAfter {
			state = StateOffline
		}
		delay := s.backoff(failures, o.retryAfter)
		if s.deps.log != nil {
			s.deps.log.Debug("events: connection ended", "transport", string(r.transport), "err", err,
				"state", state.String(), "retry_in", delay, "last_event_id", s.last)
		}
		s.setStatus(status{state: state, transport: r.transport, retryAt: now.Add(delay), since: outage, err: err})
		if !sleepCtx(ctx, delay) {
			return ctx.Err()
		}
	}
}
