package client

import (
	"context"
	"time"
)

// pollProbes is how many poll intervals pass between two probes of the events
// endpoint while polling (a gateway may gain the endpoint after an upgrade).
const pollProbes = 12

// poll is the fallback for servers without an events endpoint: every
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
