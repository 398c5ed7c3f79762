package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestBackoffBounds(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 30: time.Second} {
		for range 50 {
			d := p.backoff(n)
			if d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %s, want in [%s, %s]", n, d, want/2, want)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"99999999999":                   24 * time.Hour,
		"Thu, 02 Jan 2025 03:04:15 GMT": 10 * time.Second,
		"Thu, 02 Jan 2025 03:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}

// TestRetry429HonoursRetryAfter checks that a GET answered 429 with
// Retry-After: 1 is retried after about a second and then succeeds.
func TestRetry429HonoursRetryAfter(t *testing.T) {
	var hits atomic.Int32
	var first, second time.Time
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			ctWriteJSON(w, http.StatusTooManyRequests, map[string]string{"error": "slow down"})
			return
		}
		second = time.Now()
		ctWriteJSON(w, 200, []Snapshot{{ID: "s1"}})
	}))
	list, err := c.ListSnapshots(context.Background(), "i1")
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %v, %v", list, err)
	}
	if hits.Load() != 2 {
		t.Fatalf("%d requests, want 2", hits.Load())
	}
	if gap := second.Sub(first); gap < 950*time.Millisecond {
		t.Errorf("retried after %s, before Retry-After", gap)
	}
}

// TestRetryAfterTooLong checks that a Retry-After beyond MaxRetryAfter ends
// the call at once with the delay in the error.
func TestRetryAfterTooLong(t *testing.T) {
	var hits atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "120")
		ctWriteJSON(w, http.StatusTooManyRequests, map[string]string{"error": "rate limited"})
	}))
	start := time.Now()
	_, err := c.ListSnapshots(context.Background(), "i1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 || ae.RetryAfter != 2*time.Minute {
		t.Fatalf("err = %#v", err)
	}
	if hits.Load() != 1 || time.Since(start) > 5*time.Second { // far below the 120 s asked
		t.Errorf("%d requests in %s, want 1 at once", hits.Load(), time.Since(start))
	}
	if want := "list snapshots i1: 429 rate limited (retry after 2m0s)"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestRetryGET5xxThenGiveUp(t *testing.T) {
	var hits atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	_, err := c.GetSnapshot(context.Background(), "s1")
	if hits.Load() != 4 {
		t.Errorf("%d attempts, want MaxAttempts=4", hits.Load())
	}
	if err == nil || err.Error() != "get snapshot s1: 502 Bad Gateway" {
		t.Errorf("err = %v", err)
	}

	hits.Store(0)
	c2, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		ctWriteJSON(w, 200, Snapshot{ID: "s1", State: StateApproved})
	}))
	s, err := c2.GetSnapshot(context.Background(), "s1")
	if err != nil || s.State != StateApproved || hits.Load() != 3 {
		t.Errorf("got %+v, %v after %d attempts", s, err, hits.Load())
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	var hits atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		ctWriteJSON(w, 400, map[string]string{"snapshotId": "unknown snapshot"})
	}))
	_, err := c.GetSnapshot(context.Background(), "s1")
	if hits.Load() != 1 || err == nil {
		t.Errorf("%d attempts, err %v", hits.Load(), err)
	}
}

// TestPOSTNotRetriedBlindly: a 500 or a dropped connection on a POST may
// have been processed, so it is not retried; a 429 was refused and is.
func TestPOSTNotRetriedBlindly(t *testing.T) {
	var hits atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	err := c.Approve(context.Background(), SnapshotApproveCommand{SnapshotID: "s1", UserEndpointID: "e"})
	if hits.Load() != 1 || err == nil {
		t.Errorf("500: %d attempts, err %v", hits.Load(), err)
	}

	hits.Store(0)
	c2, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	err = c2.Approve(context.Background(), SnapshotApproveCommand{SnapshotID: "s1", UserEndpointID: "e"})
	if hits.Load() != 1 || err == nil {
		t.Errorf("dropped connection: %d attempts, err %v", hits.Load(), err)
	}

	hits.Store(0)
	var bodies []string
	c3, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 200)
		n, _ := r.Body.Read(b)
		bodies = append(bodies, string(b[:n]))
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	err = c3.Approve(context.Background(), SnapshotApproveCommand{SnapshotID: "s1", UserEndpointID: "e"})
	if err != nil || hits.Load() != 2 || bodies[0] != bodies[1] || !strings.Contains(bodies[1], `"snapshotId":"s1"`) {
		t.Errorf("429: %d attempts, err %v, bodies %q", hits.Load(), err, bodies)
	}
}

// TestPOSTRetriedWhenNotSent: a refused connection reached no server, so
// even a POST is retried (here until the attempts run out).
func TestPOSTRetriedWhenNotSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var dials atomic.Int32
	tr := http.DefaultTransport.(*http.Transport).Clone()
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, a string) (net.Conn, error) {
		dials.Add(1)
		return dial(ctx, network, a)
	}
	c, err := New(Config{Server: "http://" + addr, Token: "t", HTTPClient: &http.Client{Transport: tr},
		Retry: RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Discard(context.Background(), SnapshotDiscardCommand{SnapshotID: "s", UserEndpointID: "e"})
	if err == nil || dials.Load() != 3 {
		t.Errorf("%d dials, err %v", dials.Load(), err)
	}
	if !strings.HasPrefix(err.Error(), "discard s: ") {
		t.Errorf("message %q", err)
	}
}

func TestRetryGETNetworkError(t *testing.T) {
	var hits atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		ctWriteJSON(w, 200, []Snapshot{})
	}))
	if _, err := c.ListSnapshots(context.Background(), "i"); err != nil || hits.Load() != 2 {
		t.Errorf("err %v after %d attempts", err, hits.Load())
	}
}

// TestRetryStopsAtCallTimeout checks that retries stop within Timeout.
func TestRetryStopsAtCallTimeout(t *testing.T) {
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}), func(cfg *Config) {
		cfg.Timeout = 300 * time.Millisecond
		cfg.Retry = RetryPolicy{MaxAttempts: 100, BaseDelay: 50 * time.Millisecond, MaxDelay: 100 * time.Millisecond}
	})
	start := time.Now()
	_, err := c.GetSnapshot(context.Background(), "s")
	if err == nil || time.Since(start) > 3*time.Second { // 100 attempts would take about 7 s
		t.Errorf("err %v after %s", err, time.Since(start))
	}
}

func TestCallerCancel(t *testing.T) {
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.GetSnapshot(ctx, "s")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
