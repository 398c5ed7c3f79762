package client

import (
	"sort"
	"sync"
	"testing"
	"time"
)

// manualClock is a streamClock that moves only when the test moves it.
type manualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []manualWaiter
	added   chan struct{} // signalled when a timer is set
}

type manualWaiter struct {
	at time.Time
	c  chan time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), added: make(chan struct{}, 1)}
}

func (m *manualClock) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

func (m *manualClock) After(d time.Duration) <-chan time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := make(chan time.Time, 1)
	m.waiters = append(m.waiters, manualWaiter{m.now.Add(d), c})
	sort.Slice(m.waiters, func(i, j int) bool { return m.waiters[i].at.Before(m.waiters[j].at) })
	select {
	case m.added <- struct{}{}:
	default:
	}
	return c
}

// advance moves the clock by d and fires the timers it reaches.
func (m *manualClock) advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advanceTo(m.now.Add(d))
}

func (m *manualClock) advanceTo(t time.Time) {
	m.now = t
	for len(m.waiters) > 0 && !m.waiters[0].at.After(m.now) {
		m.waiters[0].c <- m.now
		m.waiters = m.waiters[1:]
	}
}

// fireWithin moves the clock to the earliest timer set to fire at most d
// from now, and reports whether there was one.
func (m *manualClock) fireWithin(d time.Duration) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.waiters) == 0 || m.waiters[0].at.After(m.now.Add(d)) {
		return false
	}
	m.advanceTo(m.waiters[0].at)
	return true
}

// fireNext waits until a timer is set to fire at most d from now, and
// moves the clock to it.
func (m *manualClock) fireNext(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !m.fireWithin(d) {
		select {
		case <-m.added:
		case <-deadline:
			t.Fatalf("no timer set within %s of %s", d, m.Now())
		}
	}
}

// runTimersWithin keeps firing, until the test ends, every timer set to
// fire at most d after it is set: time moves on only when something waits
// for it, never on its own.
func (m *manualClock) runTimersWithin(t *testing.T, d time.Duration) {
	stop := make(chan struct{})
	done := make(chan struct{})
	t.Cleanup(func() { close(stop); <-done })
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-m.added:
				for m.fireWithin(d) {
				}
			}
		}
	}()
}
