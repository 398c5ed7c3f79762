package client

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeTime is a clock the test moves; the limiter's timers still run on
// the wall clock, so the test only reads the slots it hands out.
type fakeTime struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeTime) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }

// TestLimiterSpacesRequests: requests asked at once go one per 1/rate, the
// first at once; a pause holds every request back.
func TestLimiterSpacesRequests(t *testing.T) {
	ft := &fakeTime{t: time.Unix(1000, 0)}
	l := newLimiter(10)
	l.now = ft.now
	slot := l.reserve
	var late int
	for i := range 30 {
		if at := slot(); at.After(ft.now()) {
			late++
			if want := ft.now().Add(time.Duration(i) * 100 * time.Millisecond); !at.Equal(want) {
				t.Fatalf("request %d at %v, want %v", i, at, want)
			}
		}
	}
	if late != 29 {
		t.Fatalf("%d of 30 requests waited, want 29 (no burst)", late)
	}
	l.pause(5 * time.Second)
	if at := slot(); at.Before(ft.now().Add(5 * time.Second)) {
		t.Fatalf("after a pause of 5s the next slot is %v", at.Sub(ft.now()))
	}
}

// TestRateLimitedClientWaitsOutRetryAfter: a 429 with Retry-After holds back
// every request of the client, and the call that got it succeeds after.
func TestRateLimitedClientWaitsOutRetryAfter(t *testing.T) {
	var calls atomic.Int32
	var first, second atomic.Int64
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			first.Store(time.Now().UnixNano())
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		case 2:
			second.Store(time.Now().UnixNano())
		}
		ctWriteJSON(w, 200, []Snapshot{})
	}))
	if _, err := c.ListSnapshots(context.Background(), "in-1"); err != nil {
		t.Fatal(err)
	}
	if gap := time.Duration(second.Load() - first.Load()); gap < 900*time.Millisecond {
		t.Fatalf("retried %v after a 429 with Retry-After: 1", gap)
	}
}
