package listing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

func TestBudget(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := Budget{N: 3, Window: time.Minute}
	for i := range 3 {
		now := t0.Add(time.Duration(i) * 10 * time.Second)
		if ok, _ := b.Room(now); !ok {
			t.Fatalf("listing %d: no room", i+1)
		}
		b.Note(now)
	}
	ok, at := b.Room(t0.Add(30 * time.Second))
	if ok || !at.Equal(t0.Add(time.Minute)) {
		t.Fatalf("fourth in the window: room %v at %v; want none until %v", ok, at, t0.Add(time.Minute))
	}
	// The first leaves the window exactly a Window after it started.
	if ok, _ := b.Room(t0.Add(time.Minute)); !ok {
		t.Fatal("a minute after the first: no room")
	}
	b.Note(t0.Add(time.Minute))
	ok, at = b.Room(t0.Add(time.Minute))
	if ok || !at.Equal(t0.Add(70*time.Second)) {
		t.Fatalf("full again: room %v at %v; want none until %v", ok, at, t0.Add(70*time.Second))
	}
	if ok, _ := b.Room(t0.Add(10 * time.Minute)); !ok || len(b.started) != 0 {
		t.Fatalf("long after: room %v, %d still counted", ok, len(b.started))
	}
}

func TestZeroBudgetAllowsNone(t *testing.T) {
	var b Budget
	if ok, _ := b.Room(time.Now()); ok {
		t.Fatal("the zero Budget allowed a listing")
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		fails int
		after time.Duration
		want  time.Duration
	}{
		{1, 0, time.Second},
		{2, 0, 2 * time.Second},
		{3, 0, 4 * time.Second},
		{6, 0, 32 * time.Second},
		{7, 0, MaxBackoff},
		{50, 0, MaxBackoff},
		{0, 0, time.Second},
		{1, 5 * time.Second, 5 * time.Second},    // Retry-After wins over the backoff
		{3, time.Second, 4 * time.Second},        // the backoff wins over a short Retry-After
		{1, 3 * time.Minute, 3 * time.Minute},    // Retry-After beyond the cap is obeyed
		{20, 90 * time.Second, 90 * time.Second}, // likewise when the backoff is capped
		{20, 30 * time.Second, MaxBackoff},       // capped backoff above Retry-After
	} {
		if got := Backoff(c.fails, c.after); got != c.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", c.fails, c.after, got, c.want)
		}
	}
}

func TestUnknownInteraction(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"404", &client.APIError{Op: "get interaction", Status: http.StatusNotFound}, true},
		{"wrapped 404", fmt.Errorf("listing: %w", &client.APIError{Status: http.StatusNotFound}), true},
		{"400 unknown id", &client.APIError{Status: http.StatusBadRequest, Fields: map[string]string{"interactionId": "unknown interaction"}}, true},
		{"400 other field", &client.APIError{Status: http.StatusBadRequest, Fields: map[string]string{"start": "unknown format"}}, false},
		{"400 bad id", &client.APIError{Status: http.StatusBadRequest, Fields: map[string]string{"interactionId": "must be a UUID"}}, false},
		{"500", &client.APIError{Status: http.StatusInternalServerError}, false},
		{"429", &client.APIError{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, false},
		{"canceled", context.Canceled, false},
		{"network", errors.New("dial tcp: connection refused"), false},
		{"nil", nil, false},
	} {
		if got := UnknownInteraction(c.err); got != c.want {
			t.Errorf("%s: UnknownInteraction = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAlarm(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var a Alarm
	if _, ok := a.Set(time.Time{}); ok {
		t.Fatal("Set(zero) scheduled a wake-up")
	}
	g1, ok := a.Set(t0.Add(10 * time.Second))
	if !ok {
		t.Fatal("first Set: nothing to schedule")
	}
	if _, ok := a.Set(t0.Add(20 * time.Second)); ok {
		t.Fatal("a later wake-up was scheduled while a sooner one is set")
	}
	if _, ok := a.Set(t0.Add(10 * time.Second)); ok {
		t.Fatal("the same wake-up was scheduled twice")
	}
	g2, ok := a.Set(t0.Add(5 * time.Second))
	if !ok || g2 == g1 {
		t.Fatalf("a sooner wake-up: schedule %v, gen %d (the replaced one was %d)", ok, g2, g1)
	}
	// The replaced one rings first: still set for the sooner.
	a.Rang(g1)
	if _, ok := a.Set(t0.Add(7 * time.Second)); ok {
		t.Fatal("after a stale ring, a later wake-up was scheduled")
	}
	// The one set rings: unset, so a later one is scheduled again.
	a.Rang(g2)
	g3, ok := a.Set(t0.Add(20 * time.Second))
	if !ok || g3 == g2 {
		t.Fatalf("after the ring: schedule %v, gen %d", ok, g3)
	}
}
