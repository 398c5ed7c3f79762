package client_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// BenchmarkMQTTPublishToDelivery publishes one event per iteration at 1,000
// events/s through mosquitto to a Stream over WebSocket and reports the
// p50 and p99 time from publish to the consumer's update. The target load,
// 1,000 events/s for 10 s, is:
//
//	go test -run '^$' -bench MQTTPublishToDelivery -benchtime 10000x ./client/
func BenchmarkMQTTPublishToDelivery(b *testing.B) {
	broker := brokertest.Start(b, brokertest.Options{})
	srv, err := sim.New(sim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	c, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleAgent, time.Hour),
		Events: client.TransportMQTT, MQTTURL: broker.WSURL()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ep, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		b.Fatal(err)
	}
	topic, _ := client.MQTTTopic(sim.AgentUserID, ep)
	st := c.Stream(ctx, client.StreamOptions{UserEndpointID: ep, BufferSize: 1 << 20})
	defer st.Close()
	for u := range st.Updates() {
		if u.State == client.StateLive {
			break
		}
	}
	pub := broker.Publisher(b, "", "")

	var (
		mu   sync.Mutex
		sent = make([]time.Time, 0, b.N)
	)
	lat := make([]time.Duration, 0, b.N)
	got := make(chan struct{})
	go func() {
		defer close(got)
		for u := range st.Updates() {
			now := time.Now()
			for _, ev := range u.Events {
				i, err := strconv.Atoi(strings.TrimPrefix(ev.ID, "b"))
				if err != nil {
					continue
				}
				mu.Lock()
				lat = append(lat, now.Sub(sent[i]))
				mu.Unlock()
			}
			mu.Lock()
			n := len(lat)
			mu.Unlock()
			if n >= b.N {
				return
			}
		}
	}()

	const every = time.Millisecond // 1,000 events/s
	b.ResetTimer()
	start := time.Now()
	i := 0
	for b.Loop() {
		if d := time.Until(start.Add(time.Duration(i) * every)); d > 0 {
			time.Sleep(d)
		}
		payload := fmt.Appendf(nil, `{"type":"SnapshotAcquiredEvent","id":"b%d","snapshotId":"s%d","userId":%q,"timestamp":%q}`,
			i, i, sim.AgentUserID, time.Now().UTC().Format(time.RFC3339Nano))
		mu.Lock()
		sent = append(sent, time.Now())
		mu.Unlock()
		pub.PublishAsync(topic, payload)
		i++
	}
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		mu.Lock()
		n := len(lat)
		mu.Unlock()
		b.Fatalf("%d of %d events delivered", n, i)
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(i)/time.Since(start).Seconds(), "events/s")
}
