package tui

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/tui/upstream"
)

// TestSessionsShareTheFirstCount: two dashboards on one shared upstream,
// as `serve` runs its sessions. The second starts 10 s after the first
// finished counting (past the upstream's 3 s TTL): its own first count
// takes the first one's listings and costs the platform only the listing
// of the interaction it selects, which is always fresh; a minute
// later its sweep of stale interactions asks the platform again.
func TestSessionsShareTheFirstCount(t *testing.T) {
	const n = 200
	srv := startSim(t, sim.Options{Seed: 1}, "127.0.0.1:0")
	t.Cleanup(func() { _ = srv.Close() })
	srv.AddOrganization(n, 1)
	var listings, all atomic.Int64
	api, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleSupervisor, time.Hour),
		HTTPClient: &http.Client{Transport: countListings{&listings, &all}}})
	if err != nil {
		t.Fatal(err)
	}
	wall := &fakeWall{t: time.Now()}
	sh := upstream.New(api, upstream.Options{Now: wall.Now})
	t.Cleanup(sh.Close)
	session := func() (*Model, *listDriver) {
		d := &listDriver{t: t, wall: wall}
		m := New(Options{API: sh, NoStream: true, Now: time.Now, Location: time.UTC, ImageMode: ImageModeNone,
			StateDir: t.TempDir(), Tick: d.tick})
		t.Cleanup(m.Close)
		m.wall = wall.Now
		d.m = m
		m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
		d.queue = append(d.queue, m.Init())
		d.run(nil, wall.Now())
		if k := m.store.unlisted(); k != 0 || len(m.store.list) < n {
			t.Fatalf("%d of %d interactions not counted", k, len(m.store.list))
		}
		return m, d
	}
	session()
	first := listings.Load()
	if first < n {
		t.Fatalf("the first session's count made %d listings for %d interactions", first, n)
	}
	wall.set(wall.Now().Add(10 * time.Second))
	b, d := session()
	// One: the interaction it selects, which the reviewer sees, is listed
	// fresh.
	if got := listings.Load() - first; got > 1 {
		t.Fatalf("the second session's first count made %d listings; want 1 at most (the first session's, 10 s old, will do)", got)
	}
	if b.review.toReview != n {
		t.Fatalf("the second session counts %d to review, want %d", b.review.toReview, n)
	}
	// A minute on, a re-list marks the interactions stale: the sweep asks
	// the platform, within the budget.
	at := wall.Now().Add(61 * time.Second)
	wall.set(at)
	before := listings.Load()
	d.run(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Transport: client.TransportMQTT, Relist: true}}, at.Add(59*time.Second))
	if got := listings.Load() - before; got == 0 || got > steadyListings+5 {
		t.Fatalf("the sweep a minute on made %d listings; want some, at most the budget", got)
	}
}
