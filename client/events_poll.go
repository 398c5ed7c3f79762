package client

import (
	"context"
	"errors"
	"time"
)

// pollProbes is how many poll intervals pass between two probes of the events
// endpoint while polling (a gateway may gain the endpoint after an upgrade).
const pollProbes = 12

// errProbeDue ends a polling run: it is time to try the events endpoint again.
var errProbeDue = errors.New("events: time to probe the events endpoint")

// runPoll polls through the shared reconnect state machine, as one more
// transport: one attempt is one polling period, from the first re-list to the
// next probe of the events endpoint. A polling period cannot fail (there is no
// connection to lose; a failed listing is the consumer's to retry), so the
// machine never backs off here; it ends the run when a probe is due. It
// returns true then, false when ctx is done. With TransportPoll nothing is
// probed: the one attempt lasts until ctx is done.
func (s *Stream) runPoll(ctx context.Context) bool {
	err := s.reconnect(ctx, reconnector{
		transport: TransportPoll,
		attempt: func(ctx context.Context) connOutcome {
			if !s.poll(ctx) {
				return connOutcome{Err: ctx.Err()}
			}
			return connOutcome{Live: true, Progress: true, Err: errProbeDue}
		},
		stop: func(o connOutcome) (error, bool) {
			return o.Err, errors.Is(o.Err, errProbeDue)
		},
	})
	return errors.Is(err, errProbeDue)
}

// poll is one polling period, for servers without an events endpoint: every
// PollInterval it queues an update with Resync, so the consumer re-lists.
// It returns true when it is time to probe the events endpoint again, false
// when ctx is done. With TransportPoll nothing is probed: it polls until ctx
// is done.
func (s *Stream) poll(ctx context.Context) bool {
	now := s.tune.clock.Now()
	probe := max(s.opts.MaxBackoff, pollProbes*s.opts.PollInterval)
	probeAt := now.Add(probe)
	if s.deps.mode == TransportPoll {
		probe, probeAt = 100*365*24*time.Hour, time.Time{}
	}
	s.mu.Lock()
	since := now
	if s.st.state == StatePolling {
		since = s.st.since // back from a probe that found no endpoint either
	}
	s.mu.Unlock()
	s.setStatus(status{state: StatePolling, transport: TransportPoll, retryAt: probeAt, since: since})
	s.markResync()

	tick := s.tune.clock.After(s.opts.PollInterval)
	done := s.tune.clock.After(probe)
	for {
		select {
		case <-ctx.Done():
			return false
		case <-done:
			return true
		case <-tick:
			s.markResync()
			tick = s.tune.clock.After(s.opts.PollInterval)
		}
	}
}
