package reconnect

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// manualClock moves only when the test moves it; After's channels fire on
// advance.
type manualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	set     chan time.Duration // each timer set, as it is set
}

type waiter struct {
	at time.Time
	c  chan time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), set: make(chan time.Duration, 16)}
}

func (m *manualClock) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

func (m *manualClock) After(d time.Duration) <-chan time.Time {
	m.mu.Lock()
	c := make(chan time.Time, 1)
	m.waiters = append(m.waiters, waiter{m.now.Add(d), c})
	m.mu.Unlock()
	m.set <- d
	return c
}

func (m *manualClock) advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
	kept := m.waiters[:0]
	for _, w := range m.waiters {
		if w.at.After(m.now) {
			kept = append(kept, w)
			continue
		}
		w.c <- m.now
	}
	m.waiters = kept
}

// TestMachineBacksOffReportsAndRenews drives the machine through failures,
// a refusal renewed once, a second refusal (Offline), a Retry-After and a
// connection that made progress, on a clock the test moves.
func TestMachineBacksOffReportsAndRenews(t *testing.T) {
	clock := newManualClock()
	errDown := errors.New("down")
	errRefused := errors.New("refused")
	outcomes := []Outcome{
		{Err: errDown},                              // failure 1
		{Err: errDown},                              // failure 2: Offline (OfflineAfter 2)
		{Err: errRefused, Refused: true},            // renewed, tried again at once
		{Err: errRefused, Refused: true},            // second refusal: Offline
		{Err: errDown, RetryAfter: 7 * time.Second}, // the server's wait wins
		{Live: true, Events: 3, Err: errDown},       // progress: failures back to 0
		{Again: true},                               // at once, not a failure
	}
	var (
		mu       sync.Mutex
		reports  []Report
		renewals int
		n        int
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := Machine{
		Attempt: func(context.Context) Outcome {
			mu.Lock()
			defer mu.Unlock()
			if n == len(outcomes) {
				cancel()
				return Outcome{}
			}
			n++
			return outcomes[n-1]
		},
		Renew:        func(context.Context) error { renewals++; return nil },
		Backoff:      func(f int) time.Duration { return time.Duration(f+1) * time.Second },
		OfflineAfter: 2,
		Report:       func(r Report) { mu.Lock(); reports = append(reports, r); mu.Unlock() },
		Clock:        clock,
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	// Failures in a row 1, 2, (3: renewed), 4, 5 (Retry-After 7 s beats
	// 6 s), then 0 after the live connection that delivered events.
	wantDelays := []time.Duration{2 * time.Second, 3 * time.Second, 5 * time.Second, 7 * time.Second, time.Second}
	for i, want := range wantDelays {
		select {
		case d := <-clock.set:
			if d != want {
				t.Fatalf("wait %d: %v, want %v", i, d, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("wait %d: the machine set no timer", i)
		}
		clock.advance(want)
	}
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not end with its context")
	}
	mu.Lock()
	defer mu.Unlock()
	if renewals != 1 {
		t.Errorf("renewals = %d, want 1 (a second refusal is not renewed)", renewals)
	}
	wantStates := []State{Reconnecting, Offline, Offline, Offline, Reconnecting}
	if len(reports) != len(wantStates) {
		t.Fatalf("%d reports, want %d: %+v", len(reports), len(wantStates), reports)
	}
	for i, r := range reports {
		if r.State != wantStates[i] {
			t.Errorf("report %d: state %v, want %v (%v)", i, r.State, wantStates[i], r.Err)
		}
		if r.RetryAt.IsZero() || r.Delay != wantDelays[i] {
			t.Errorf("report %d: retry at %v in %v, want in %v", i, r.RetryAt, r.Delay, wantDelays[i])
		}
	}
	if r := reports[2]; r.Err == nil || !errors.Is(r.Err, errRefused) {
		t.Errorf("second refusal reported %v, want the refusal", r.Err)
	}
}

// TestMachineStops ends Run with Stop's error.
func TestMachineStops(t *testing.T) {
	errGone := errors.New("no endpoint")
	err := Machine{
		Attempt: func(context.Context) Outcome { return Outcome{Err: errGone} },
		Stop:    func(o Outcome) (error, bool) { return o.Err, errors.Is(o.Err, errGone) },
		Clock:   newManualClock(),
	}.Run(context.Background())
	if !errors.Is(err, errGone) {
		t.Fatalf("Run: %v, want %v", err, errGone)
	}
}
