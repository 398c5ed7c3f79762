package tui

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// BenchmarkPublishToScreen measures, at 1,000 events per second, the time
// from sim.Publish to the event's line being in the View output of the
// real dashboard (real simulator, real client over loopback, real program).
// The terminal is tall so that a batch never scrolls a line out of the
// events pane before it is drawn; "missed" counts lines that did.
func BenchmarkPublishToScreen(b *testing.B) {
	fe := newFaultEnv(b, sim.Options{EventBuffer: max(10000, b.N+100)}, false)
	publishToScreen(b, fe)
}

// BenchmarkPublishToScreenMQTT is BenchmarkPublishToScreen over the
// platform's own feed: the simulator publishes to a real mosquitto and the
// dashboard reads it over MQTT on WebSocket. Run it for 10 s at 1,000
// events/s with -benchtime 10000x; keys are answered meanwhile (the fault
// tests check that).
func BenchmarkPublishToScreenMQTT(b *testing.B) {
	br := brokertest.Start(b, brokertest.Options{})
	so := sim.Options{EventBuffer: max(10000, b.N+100), MQTTBroker: br.TCPURL()}
	fe := newFaultEnvWith(b, so, false, func(c *client.Config) {
		c.Events, c.MQTTURL = client.TransportMQTT, br.WSURL()
	})
	publishToScreen(b, fe)
}

// publishToScreen publishes b.N events at 1,000 per second and reports
// the publish-to-screen latency quantiles.
func publishToScreen(b *testing.B, fe *faultEnv) {
	tm, p := fe.startDashboard(b, 120, 200)
	var (
		mu          sync.Mutex
		outstanding []string
		sentAt      = map[string]time.Time{}
		lat         []time.Duration
	)
	p.onView = func(v string) { // on the program's goroutine
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		kept := outstanding[:0]
		for _, id := range outstanding {
			if strings.Contains(v, id) {
				lat = append(lat, now.Sub(sentAt[id]))
			} else {
				kept = append(kept, id)
			}
		}
		outstanding = kept
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		<-tick.C
		id := fmt.Sprintf("lat-%06d", i)
		mu.Lock()
		outstanding = append(outstanding, id)
		sentAt[id] = time.Now()
		mu.Unlock()
		fe.sim.Publish(client.Event{Type: client.EventSnapshotRequested, InteractionID: fe.iid, SnapshotID: id,
			SnapshotType: "meter", TargetUserID: "cust-f", UserID: sim.AgentUserID, UserEndpointID: fe.ep})
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(outstanding)
		mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	_ = tm.Quit()
	mu.Lock()
	defer mu.Unlock()
	if len(lat) == 0 {
		b.Fatal("no event reached the screen")
	}
	slices.Sort(lat)
	q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
	b.ReportMetric(float64(len(outstanding)), "missed")
}

// BenchmarkEventsEndToEnd measures how many events per second go from
// sim.Publish through SSE, the client (parse, dedup, batching) and the
// dashboard's Update into the events pane, published as fast as possible.
func BenchmarkEventsEndToEnd(b *testing.B) {
	fe := newFaultEnv(b, sim.Options{EventBuffer: max(10000, b.N+100)}, false)
	o := fe.options()
	o.EventScrollback = max(events10k, b.N+100)
	tm, p := startProbe(b, o, 120, 40)
	p.until(b, tm, 10*time.Second, "a live stream", func(m *Model) bool { return m.live.cs.State == 1 && !m.lists.listing })
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		fe.sim.Publish(client.Event{Type: "BenchEvent", InteractionID: fe.iid, SnapshotID: "bench"})
	}
	for p.lastSeq.Load() < uint64(b.N) {
		if time.Since(start) > 60*time.Second {
			b.Fatalf("only %d of %d events arrived", p.lastSeq.Load(), b.N)
		}
		time.Sleep(200 * time.Microsecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	m := finalModel(b, tm)
	seqs := paneSeqs(m)
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			b.Fatalf("pane out of order or duplicated at %d: %d after %d", i, seqs[i], seqs[i-1])
		}
	}
	// Published flat out, far beyond the 5,000/s of the fault tests, the
	// client may fall more than its buffer behind; it then drops the oldest
	// and asks for a resync, which the pane must say: never a silent loss.
	if got := len(seqs); got != b.N && !paneHasResync(m) {
		b.Fatalf("%d events in the pane, want %d (and no resync line)", got, b.N)
	}
	b.ReportMetric(float64(b.N-len(seqs)), "resynced")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(p.streamMsgs.Load()), "updates")
}

const events10k = 10000

// paneHasResync reports whether the events pane shows a resync line.
func paneHasResync(m *Model) bool {
	for i := 0; i < m.events.Len(); i++ {
		if strings.Contains(m.events.At(i).Text, "resync") {
			return true
		}
	}
	return false
}
