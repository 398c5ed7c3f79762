// Package reconnect is the one reconnect state machine of snapdash: the
// event stream's SSE, MQTT and polling transports (client) and the team
// claims broker (team) all connect, back off, report and reconnect through
// it. A user supplies how to make one attempt; the machine counts the
// attempts in a row that made no progress, renews refused credentials once,
// reports Offline after too many failures or a second refusal, waits a
// backoff (never less than the server's Retry-After) and says when it will
// try next.
package reconnect

import (
	"context"
	"fmt"
	"time"
)

// Clock is the machine's time; tests pass one they move themselves.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// Wall is the real time.
type Wall struct{}

// Now is time.Now.
func (Wall) Now() time.Time { return time.Now() }

// After is time.After.
func (Wall) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Outcome is how one attempt ended.
type Outcome struct {
	// Live says the server accepted the connection, at LiveAt.
	Live   bool
	LiveAt time.Time
	// Events counts the messages received on it.
	Events int64
	// Err is why it ended.
	Err error
	// RetryAfter is the least wait the server asked for.
	RetryAfter time.Duration
	// Refused says the credentials were refused (401, CONNACK 4 or 5):
	// they are renewed once and the attempt made again at once; a second
	// refusal is Offline.
	Refused bool
	// Again asks for another attempt at once, not counted as a failure
	// (a connection ended on purpose, to renew its token).
	Again bool
	// Progress counts the attempt as progress although it delivered no
	// message.
	Progress bool
}

// State is what a Report says of the connection.
type State int

const (
	// Reconnecting: the connection ended; the next attempt is scheduled.
	Reconnecting State = iota
	// Offline: attempts keep failing (or the credentials were refused
	// twice); the machine still tries, at the backoff's pace.
	Offline
)

// Report is what the machine says after an attempt that did not end the
// run: the state, why, when the outage began and when it tries next.
type Report struct {
	State   State
	Err     error
	Since   time.Time // the end of the last live connection (or the start)
	RetryAt time.Time
	Delay   time.Duration
}

// Machine is one reconnect loop. Attempt is required; every other field is
// optional.
type Machine struct {
	// Attempt makes one connection and reports how it ended.
	Attempt func(ctx context.Context) Outcome
	// Stop, when it returns true, ends Run with err.
	Stop func(o Outcome) (err error, stop bool)
	// Renew renews refused credentials (nil: a refusal is Offline at once),
	// within RenewTimeout (default 10 s).
	Renew        func(ctx context.Context) error
	RenewTimeout time.Duration
	// Backoff is the wait before the next attempt after failures fruitless
	// attempts in a row (0 after a connection that made progress). The
	// machine waits at least the Outcome's RetryAfter, capped at 10 minutes.
	// Default: 500 ms doubling to 30 s.
	Backoff func(failures int) time.Duration
	// OfflineAfter is how many fruitless attempts in a row make the state
	// Offline (0: never).
	OfflineAfter int
	// ProgressAfter is how long a live connection must last to count as
	// progress without delivering anything (0: a live connection always
	// counts).
	ProgressAfter time.Duration
	// Report is told every state (nil: nobody is).
	Report func(Report)
	// Clock is the time (nil: Wall).
	Clock Clock
}

// maxRetryAfter caps a server's Retry-After.
const maxRetryAfter = 10 * time.Minute

// Run drives m until ctx is done (returning ctx.Err()) or m.Stop says so
// (returning Stop's error).
func (m Machine) Run(ctx context.Context) error {
	clock := m.Clock
	if clock == nil {
		clock = Wall{}
	}
	var (
		failures int  // attempts in a row that made no progress
		renewed  bool // a renewal was tried since the last live connection
		outage   = clock.Now()
	)
	for {
		o := m.Attempt(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		now := clock.Now()
		if o.Live {
			outage, renewed = now, false
		}
		if m.Stop != nil {
			if err, stop := m.Stop(o); stop {
				return err
			}
		}
		if o.Again {
			failures = 0
			continue
		}
		if o.Events > 0 || o.Progress || (o.Live && now.Sub(o.LiveAt) >= m.ProgressAfter) {
			failures = 0
		} else {
			failures++
		}
		err, state := o.Err, Reconnecting
		if o.Refused {
			if m.Renew != nil && !renewed {
				renewed = true
				if rerr := m.renew(ctx); rerr == nil {
					continue
				} else {
					err = fmt.Errorf("%w (token renewal failed: %v)", err, rerr)
				}
			}
			state = Offline
		}
		if m.OfflineAfter > 0 && failures >= m.OfflineAfter {
			state = Offline
		}
		delay := max(m.backoff(failures), min(o.RetryAfter, maxRetryAfter))
		if m.Report != nil {
			m.Report(Report{State: state, Err: err, Since: outage, RetryAt: now.Add(delay), Delay: delay})
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clock.After(delay):
		}
	}
}

// renew runs m.Renew within its timeout.
func (m Machine) renew(ctx context.Context) error {
	d := m.RenewTimeout
	if d <= 0 {
		d = 10 * time.Second
	}
	rctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return m.Renew(rctx)
}

// backoff is m.Backoff or the default.
func (m Machine) backoff(failures int) time.Duration {
	if m.Backoff != nil {
		return m.Backoff(failures)
	}
	return min(500*time.Millisecond<<min(failures, 10), 30*time.Second)
}
