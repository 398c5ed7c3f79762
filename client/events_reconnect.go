package client

import (
	"context"
	"time"

	"github.com/snapdash/snapdash/internal/reconnect"
)

// connOutcome is how one connection attempt of a transport ended, as the
// reconnect state machine needs to know it.
type connOutcome = reconnect.Outcome

// reconnector is one transport's part in the reconnect state machine
// (internal/reconnect), shared by the SSE, MQTT and polling transports (for
// polling one attempt is one polling period, which ends when the events
// endpoint is due to be probed; see runPoll). Each transport supplies how
// to make one attempt and when to stop; the machine counts failures in a
// row, renews a refused token once, goes Offline after offlineAfter
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

// reconnect drives r until ctx is done (returning ctx.Err()) or r.stop says
// so. The machine keeps the wall clock: the stream's injectable clock
// (tune.clock) times batching and the idle watchdog, which tests move by
// hand without expecting backoff waits on it.
func (s *Stream) reconnect(ctx context.Context, r reconnector) error {
	m := reconnect.Machine{
		Attempt:       r.attempt,
		Stop:          r.stop,
		Renew:         s.deps.renew,
		RenewTimeout:  r.renewTimeout,
		Backoff:       func(failures int) time.Duration { return s.backoff(failures, 0) },
		OfflineAfter:  s.tune.offlineAfter,
		ProgressAfter: s.tune.progressAfter,
		Report: func(rep reconnect.Report) {
			state := StateReconnecting
			if rep.State == reconnect.Offline {
				state = StateOffline
			}
			if s.deps.log != nil {
				s.deps.log.Debug("events: connection ended", "transport", string(r.transport), "err", rep.Err,
					"state", state.String(), "retry_in", rep.Delay, "last_event_id", s.last)
			}
			s.setStatus(status{state: state, transport: r.transport, retryAt: rep.RetryAt, since: rep.Since, err: rep.Err})
		},
	}
	return m.Run(ctx)
}
