package client

import (
	"context"
	"sync"
	"time"
)

// DefaultRequestsPerSecond is the request rate snapdash's commands and
// dashboard keep to (Config.RequestsPerSecond): a dashboard counting the
// pictures of a thousand interactions must not hammer the server.
const DefaultRequestsPerSecond = 20

// limiter spaces requests evenly at a fixed rate (a token bucket of one
// token: no burst, so no second ever sees more than the rate, give or take
// one) and holds every request back while the server asked to wait (a
// 429's Retry-After). A nil *limiter lets everything through.
type limiter struct {
	every time.Duration // one token per every
	burst int

	mu     sync.Mutex
	next   time.Time // when the bucket is full again, less what is owed
	paused time.Time // no request before this (Retry-After)
	now    func() time.Time
}

// newLimiter returns a limiter of perSecond requests a second; with
// perSecond zero or less it only waits out pauses (429s).
func newLimiter(perSecond float64) *limiter {
	if perSecond <= 0 {
		return &limiter{now: time.Now}
	}
	return &limiter{every: time.Duration(float64(time.Second) / perSecond), burst: 1, now: time.Now}
}

// wait blocks until a request may go, or ctx is done. A request that does
// not keep to the rate (paced false) only waits out a pause.
func (l *limiter) wait(ctx context.Context, paced bool) error {
	if l == nil {
		return nil
	}
	var at time.Time
	if paced {
		at = l.reserve()
	} else {
		l.mu.Lock()
		at = maxTime(l.now(), l.paused)
		l.mu.Unlock()
	}
	d := at.Sub(l.now())
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserve takes the next slot and returns when it is (now or later).
func (l *limiter) reserve() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.every == 0 { // no rate: only a pause holds a request back
		return maxTime(now, l.paused)
	}
	// The bucket's level is expressed as the time it will be full: a full
	// bucket lies burst tokens in the past.
	if floor := now.Add(-time.Duration(l.burst) * l.every); l.next.Before(floor) {
		l.next = floor
	}
	at := l.next.Add(l.every)
	l.next = at
	if at.Before(l.paused) {
		at = l.paused
		l.next = l.paused // what follows comes after the pause, spaced
	}
	if at.Before(now) {
		at = now
	}
	return at
}

// pause holds every request back for d (a 429's Retry-After).
func (l *limiter) pause(d time.Duration) {
	if l == nil || d <= 0 {
		return
	}
	l.mu.Lock()
	if until := l.now().Add(d); until.After(l.paused) {
		l.paused = until
	}
	l.mu.Unlock()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
