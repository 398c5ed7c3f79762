package tui

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// countListings counts the snapshot listings and every API request.
type countListings struct{ listings, all *atomic.Int64 }

func (c countListings) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/rtc-api/") {
		c.all.Add(1)
		if r.URL.Path == "/rtc-api/snapshots" {
			c.listings.Add(1)
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// fakeWall is the scheduler's clock, moved by the test.
type fakeWall struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeWall) Now() time.Time  { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeWall) set(t time.Time) { f.mu.Lock(); f.t = t; f.mu.Unlock() }

// listDriver runs a model's commands inline, in order, and keeps the
// scheduler's wake-ups (ListTickMsg) for the test to deliver when its clock
// reaches them; other timers are dropped.
type listDriver struct {
	t     *testing.T
	m     *Model
	wall  *fakeWall
	queue []tea.Cmd
	ticks []pendingTick
	saw   func(*Model)
}

type pendingTick struct {
	at time.Time
	fn func(time.Time) tea.Msg
}

func (d *listDriver) tick(dur time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	d.ticks = append(d.ticks, pendingTick{at: d.wall.Now().Add(dur), fn: fn})
	return nil
}

// run delivers msg and everything it leads to, until nothing is left but
// wake-ups later than until.
func (d *listDriver) run(msg tea.Msg, until time.Time) {
	d.deliver(msg)
	for {
		for len(d.queue) > 0 {
			c := d.queue[0]
			d.queue = d.queue[1:]
			if c == nil {
				continue
			}
			switch msg := c().(type) {
			case nil:
			case tea.BatchMsg:
				d.queue = append(d.queue, msg...)
			default:
				d.deliver(msg)
			}
		}
		i := d.earliest()
		if i < 0 || d.ticks[i].at.After(until) {
			return
		}
		tk := d.ticks[i]
		d.ticks = append(d.ticks[:i], d.ticks[i+1:]...)
		if tk.at.After(d.wall.Now()) {
			d.wall.set(tk.at)
		}
		if msg, ok := tk.fn(tk.at).(ListTickMsg); ok {
			d.deliver(msg)
		}
	}
}

func (d *listDriver) earliest() int {
	best := -1
	for i, tk := range d.ticks {
		if best < 0 || tk.at.Before(d.ticks[best].at) {
			best = i
		}
	}
	return best
}

func (d *listDriver) deliver(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	if d.saw != nil {
		d.saw(d.m)
	}
	d.queue = append(d.queue, cmd)
}

// TestThousandInteractionsCountedThenATrickle: with 1,000 interactions and a
// server answering every 100th request with a 429 (Retry-After: 1), the
// first count of pictures to review completes (every 429 waited out and the
// listing retried, none given up), the header says "counting" until then,
// and afterwards the steady state costs at most 100 listings a minute
// whether the stream polls (a re-list every 5 s) or is MQTT (every 30 s).
func TestThousandInteractionsCountedThenATrickle(t *testing.T) {
	t.Parallel()
	const n, per = 1000, 2
	for _, mode := range []struct {
		name  string
		every time.Duration
		upd   client.StreamUpdate
	}{
		{"polling", 5 * time.Second, client.StreamUpdate{State: client.StatePolling, Transport: client.TransportPoll, Resync: true}},
		{"mqtt", 30 * time.Second, client.StreamUpdate{State: client.StateLive, Transport: client.TransportMQTT, Relist: true}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := startSim(t, sim.Options{Seed: 1, Faults: sim.Faults{RateLimitEvery: 100}}, "127.0.0.1:0")
			t.Cleanup(func() { _ = srv.Close() })
			srv.AddOrganization(n, per)
			var listings, all atomic.Int64
			// No retries in the client: every 429 reaches the scheduler.
			api, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleSupervisor, time.Hour),
				Retry:      client.RetryPolicy{MaxAttempts: 1},
				HTTPClient: &http.Client{Transport: countListings{&listings, &all}}})
			if err != nil {
				t.Fatal(err)
			}
			wall := &fakeWall{t: time.Now()}
			d := &listDriver{t: t, wall: wall}
			m := New(Options{API: api, NoStream: true, Now: time.Now, Location: time.UTC, ImageMode: ImageModeNone,
				StateDir: t.TempDir(), Tick: d.tick})
			t.Cleanup(m.Close)
			m.wall = wall.Now
			d.m = m
			m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
			counting := false
			d.saw = func(m *Model) { counting = counting || strings.Contains(m.View(), "counting ") }
			d.queue = append(d.queue, m.Init())
			d.run(nil, wall.Now().Add(time.Hour))
			if m.lists.listErr != nil {
				t.Fatalf("listing the interactions: %v", m.lists.listErr)
			}
			if k := m.store.unlisted(); k != 0 || len(m.store.list) != n {
				t.Fatalf("%d of %d interactions not counted", k, len(m.store.list))
			}
			if m.review.toReview != n*per {
				t.Fatalf("%d to review, want %d", m.review.toReview, n*per)
			}
			if !counting || strings.Contains(m.View(), "counting ") {
				t.Fatalf("the header did not say counting while it was (%v), or still says it:\n%s", counting, m.View())
			}
			if got := listings.Load(); got < n {
				t.Fatalf("%d listings for %d interactions", got, n)
			}

			// Steady state: three minutes of re-lists on the fake clock.
			start := wall.Now()
			for minute := range 3 {
				before := listings.Load()
				for step := time.Duration(0); step < time.Minute; step += mode.every {
					at := start.Add(time.Duration(minute)*time.Minute + step)
					wall.set(at)
					d.run(StreamUpdateMsg{Update: mode.upd}, at.Add(mode.every-time.Millisecond))
				}
				got := listings.Load() - before
				t.Logf("%s minute %d: %d listings", mode.name, minute+1, got)
				if got > 100 {
					t.Fatalf("%s minute %d: %d listings, want at most 100", mode.name, minute+1, got)
				}
				if got == 0 {
					t.Fatalf("%s minute %d: nothing re-listed", mode.name, minute+1)
				}
			}
			if m.review.toReview != n*per {
				t.Fatalf("after the steady state: %d to review, want %d", m.review.toReview, n*per)
			}
		})
	}
}

// TestStartWarningShownInTheStatusLine: a warning given at start (the
// token names no user) is in the status line until something else is.
func TestStartWarningShownInTheStatusLine(t *testing.T) {
	m := New(Options{NoStream: true, Now: fixedNow, Location: time.UTC, ImageMode: ImageModeNone,
		StartWarning: "your user id is unknown (the token names no user): pass --user-id ID"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 30})
	if !strings.Contains(m.View(), "your user id is unknown") {
		t.Fatalf("no warning on screen:\n%s", m.View())
	}
}

// TestVendorEventsTiedAndFlagged: an event without interactionId (the
// vendor's shape) lands in its interaction through its snapshot; one whose
// time could not be read is shown, and says so.
func TestVendorEventsTiedAndFlagged(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	approved := evAt(client.EventSnapshotApproved, "s1", 1, 0)
	approved.InteractionID = ""
	approved.TimeUnread = true
	m.Update(live(approved))
	if st, _, _ := row(t, m, "s1"); st != client.StateApproved {
		t.Fatalf("the vendor's approval of s1 was not applied: %s", st)
	}
	found := false
	for i := 0; i < m.events.Len(); i++ {
		if e := m.events.At(i); e.Seq == 1 {
			found = strings.Contains(m.events.Line(e), "shown as it arrived") && e.Interaction == "int-1"
		}
	}
	if !found {
		t.Fatal("the event line is not tied to int-1 or does not say its time was unreadable")
	}
	// A request to int-1's customer endpoint (its data names it) for a
	// snapshot nothing listed yet: tied through the endpoint.
	req := evAt(client.EventSnapshotRequested, "s9", 2, 0)
	req.InteractionID, req.TargetUserEndpointID = "", "cep-1"
	m.Update(live(req))
	if st, _, _ := row(t, m, "s9"); st != client.StateRequested {
		t.Fatalf("the vendor's request s9 is not pending in int-1: %s", st)
	}
}
