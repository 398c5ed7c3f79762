package tui

import (
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// countProbe wraps the dashboard in a real Bubble Tea program and notes
// when the first full count of pictures to review is complete.
type countProbe struct {
	*Model
	n    int
	done chan struct{}
	once bool
}

func (p *countProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	if !p.once && len(p.store.list) == p.n && p.store.unlisted() == 0 {
		p.once = true
		close(p.done)
	}
	return p, cmd
}

// BenchmarkFullCount runs the dashboard (a real program, the real client at
// snapdash's 20 requests/s, the simulator on loopback) on organizations of
// 100, 1,000 and 5,000 interactions of 2 pictures each, and reports the
// time to the first full count, the request rate meanwhile, and the
// snapshot listings a minute afterwards while the stream polls (a re-list
// every 5 s, the costliest transport). bench/scale.sh runs it.
// SNAPDASH_BENCH_SIZES (e.g. "100,1000") and SNAPDASH_BENCH_STEADY (e.g.
// "30s") shorten it.
func BenchmarkFullCount(b *testing.B) {
	sizes := []int{100, 1000, 5000}
	if v := os.Getenv("SNAPDASH_BENCH_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	steady := time.Minute
	if v := os.Getenv("SNAPDASH_BENCH_STEADY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		steady = d
	}
	for _, n := range sizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for range b.N {
				benchCount(b, n, steady)
			}
		})
	}
}

func benchCount(b *testing.B, n int, steady time.Duration) {
	srv := startSim(b, sim.Options{Seed: 1}, "127.0.0.1:0")
	defer srv.Close()
	srv.AddOrganization(n, 2)
	var listings, all atomic.Int64
	api, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleSupervisor, time.Hour),
		RequestsPerSecond: client.DefaultRequestsPerSecond,
		HTTPClient:        &http.Client{Transport: countListings{&listings, &all}}})
	if err != nil {
		b.Fatal(err)
	}
	m := New(Options{API: api, NoStream: true, Location: time.UTC, ImageMode: ImageModeNone, StateDir: b.TempDir()})
	defer m.Close()
	probe := &countProbe{Model: m, n: n, done: make(chan struct{})}
	p := tea.NewProgram(probe, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(),
		tea.WithoutSignalHandler())
	start := time.Now()
	go func() { _, _ = p.Run() }()
	defer p.Kill()
	p.Send(tea.WindowSizeMsg{Width: 140, Height: 40})
	select {
	case <-probe.done:
	case <-time.After(30 * time.Minute):
		b.Fatalf("%d interactions: not counted within 30 minutes", n)
	}
	took := time.Since(start)
	countReqs := all.Load()
	// Steady state: the stream polls, asking for a re-list every 5 s.
	before, beforeAll := listings.Load(), all.Load()
	sStart := time.Now()
	for time.Since(sStart) < steady {
		p.Send(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StatePolling, Transport: client.TransportPoll, Resync: true}})
		time.Sleep(5 * time.Second)
	}
	mins := time.Since(sStart).Minutes()
	b.ReportMetric(took.Seconds(), "s-to-full-count")
	b.ReportMetric(float64(countReqs)/took.Minutes(), "req/min-counting")
	b.ReportMetric(float64(listings.Load()-before)/mins, "listings/min-steady")
	b.ReportMetric(float64(all.Load()-beforeAll)/mins, "req/min-steady")
}
