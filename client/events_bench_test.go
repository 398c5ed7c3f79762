package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/r3labs/sse/v2"
	"gopkg.in/cenkalti/backoff.v1"
)

// benchEventJSON is the size and shape of a real SnapshotAcquiredEvent.
func benchEventJSON(seq int) string {
	return `{"type":"SnapshotAcquiredEvent","id":"3f1c9a52-7d0e-4b8e-9f61-` + strings.Repeat("0", 12) +
		`","userId":"agent-1","userEndpointId":"9b2d7c1e-agent","timestamp":"2025-01-02T03:04:05.678Z",` +
		`"interactionId":"int-42","snapshotId":"snap-` + strconv.Itoa(seq) + `","snapshotType":"car-damage",` +
		`"snapshotLocation":"snapshots/org-1/snap-` + strconv.Itoa(seq) + `.jpeg"}`
}

// benchPayload renders n events and serves them on one connection.
func benchPayload(b *testing.B, n int) (*httptest.Server, int) {
	var msgs strings.Builder
	for i := 1; i <= n; i++ {
		msgs.WriteString(renderEvent(i, EventSnapshotAcquired, benchEventJSON(i)))
	}
	payload := []byte(msgs.String())
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write(payload)
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}))
	b.Cleanup(ts.Close)
	return ts, len(payload)
}

// BenchmarkStreamLibraryOnly is the baseline: r3labs/sse alone parsing the
// same stream, without decoding, de-duplication or batching.
func BenchmarkStreamLibraryOnly(b *testing.B) {
	ts, size := benchPayload(b, b.N)
	b.SetBytes(int64(size / b.N))
	b.ResetTimer()
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	c := sse.NewClient(ts.URL)
	c.Connection = ts.Client()
	c.ReconnectStrategy = backoff.WithContext(&backoff.StopBackOff{}, ctx)
	got := 0
	_ = c.SubscribeRawWithContext(ctx, func(*sse.Event) {
		if got++; got == b.N {
			cancel()
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

// BenchmarkStreamThroughput measures events parsed, decoded, de-duplicated
// and delivered per second through Stream over loopback HTTP; the server
// writes b.N events as fast as the connection takes them.
func BenchmarkStreamThroughput(b *testing.B) {
	ts, size := benchPayload(b, b.N)
	deps := streamDeps{eventsURL: ts.URL, transport: ts.Client().Transport}
	b.SetBytes(int64(size / b.N))
	b.ResetTimer()
	start := time.Now()
	st := newStream(context.Background(), deps, StreamOptions{BufferSize: b.N + 1}, defaultTuning())
	got, updates := 0, 0
	for u := range st.Updates() {
		if u.Resync {
			b.Fatal("resync during the benchmark")
		}
		got += len(u.Events)
		updates++
		if got >= b.N {
			break
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	st.Close()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/float64(updates), "events/update")
}

// BenchmarkStreamLatency1000 publishes 1,000 events per second, each flushed
// on its own, and reports publish-to-delivery latency (p50, p99, max) as the
// consumer sees it, batching window included.
func BenchmarkStreamLatency1000(b *testing.B) {
	var (
		mu        sync.Mutex
		published = map[uint64]time.Time{}
	)
	srv := &sseServer{notify: make(chan struct{}), policy: func(int) connPolicy { return connPolicy{} }, received: make(chan int, 100)}
	srv.ts = httptest.NewServer(http.HandlerFunc(srv.serve))
	defer srv.ts.Close()
	st := newStream(context.Background(), srv.deps(), StreamOptions{}, defaultTuning())
	defer st.Close()
	for u := range st.Updates() {
		if u.State == StateLive {
			break
		}
	}
	b.ResetTimer()
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 1; i <= b.N; i++ {
			<-tick.C
			mu.Lock()
			published[uint64(i)] = time.Now()
			mu.Unlock()
			srv.publishData(EventSnapshotAcquired, benchEventJSON(i))
		}
	}()
	lat := make([]time.Duration, 0, b.N)
	for u := range st.Updates() {
		now := time.Now()
		mu.Lock()
		for _, ev := range u.Events {
			lat = append(lat, now.Sub(published[ev.Seq]))
		}
		mu.Unlock()
		if len(lat) >= b.N {
			break
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.ReportMetric(0, "ns/op")
}
