package sim

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkListSnapshots measures GET /rtc-api/snapshots?interactionId= under
// concurrent load on loopback (auth, routing, JSON encoding included).
func BenchmarkListSnapshots(b *testing.B) {
	s, err := New(Options{Demo: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	url := s.URL() + "/rtc-api/snapshots?interactionId=" + s.Interactions()[0].ID
	tok := "Bearer " + s.IssueToken(RoleAgent, 0)
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", tok)
			res, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkPicture measures drawing and encoding one full-size picture.
func BenchmarkPicture(b *testing.B) {
	for _, kind := range []string{KindMeter, KindDocument, KindCar} {
		b.Run(kind, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Picture(kind, int64(i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStream measures events delivered to one stream client (publish,
// fan-out, JSON encoding, SSE framing, loopback and parsing lines).
func BenchmarkStream(b *testing.B) {
	s, err := New(Options{EventBuffer: b.N + 16})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", s.URL()+"/rtc-api/events", nil)
	req.Header.Set("Authorization", "Bearer "+s.IssueToken(RoleAgent, 0))
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	b.ResetTimer()
	done := make(chan int)
	go func() {
		seen := 0
		sc := bufio.NewScanner(res.Body)
		for seen < b.N && sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data: ") {
				seen++
			}
		}
		done <- seen
	}()
	for i := 0; i < b.N; i++ {
		publishN(s, 1, "")
	}
	if got := <-done; got != b.N {
		b.Fatalf("read %d events, want %d", got, b.N)
	}
}
