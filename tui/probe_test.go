package tui

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/header"
)

// probe wraps the root model in a real program and evaluates what tests wait
// for on the program's own goroutine, after every Update, so tests never
// read the model while it runs.
type probe struct {
	m *Model

	mu     sync.Mutex
	checks []*probeCheck

	streamMsgs atomic.Int64  // StreamUpdateMsg handled
	updates    atomic.Int64  // messages handled
	views      atomic.Int64  // View calls
	lastSeq    atomic.Uint64 // newest event sequence in the events pane
	conns      atomic.Uint32 // bit per header.Conn state seen
	onView     func(v string)
}

type probeCheck struct {
	f    func(*Model) bool
	done chan struct{}
}

// saw reports whether the header ever showed state c.
func (p *probe) saw(c header.Conn) bool { return p.conns.Load()&(1<<uint(c)) != 0 }

// nudgeMsg makes the program run Update (and so the checks) once more.
type nudgeMsg struct{}

func (p *probe) Init() tea.Cmd { return p.m.Init() }

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.m.Update(msg)
	p.updates.Add(1)
	if _, ok := msg.(StreamUpdateMsg); ok {
		p.streamMsgs.Add(1)
	}
	p.conns.Or(1 << uint(p.m.live.cs.State))
	if e, ok := lastEvent(p.m); ok {
		p.lastSeq.Store(e.Seq)
	}
	p.mu.Lock()
	kept := p.checks[:0]
	for _, c := range p.checks {
		if c.f(p.m) {
			close(c.done)
		} else {
			kept = append(kept, c)
		}
	}
	p.checks = kept
	p.mu.Unlock()
	return p, cmd
}

func (p *probe) View() string {
	v := p.m.View()
	p.views.Add(1)
	if p.onView != nil {
		p.onView(v)
	}
	return v
}

// lastEvent returns the newest server event in the events pane.
func lastEvent(m *Model) (events.Entry, bool) {
	for i := m.events.Len() - 1; i >= 0 && i >= m.events.Len()-64; i-- {
		if e := m.events.At(i); e.Seq != 0 {
			return e, true
		}
	}
	return events.Entry{}, false
}

// until waits until f holds for the model after an Update, failing the
// test after timeout.
func (p *probe) until(t testing.TB, tm *teatest.TestModel, timeout time.Duration, what string, f func(*Model) bool) {
	t.Helper()
	c := &probeCheck{f: f, done: make(chan struct{})}
	p.mu.Lock()
	p.checks = append(p.checks, c)
	p.mu.Unlock()
	tm.Send(nudgeMsg{})
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-tick.C:
			tm.Send(nudgeMsg{}) // a condition that became true between messages
		case <-deadline.C:
			t.Fatalf("timeout after %s waiting for %s (last seq %d, %d updates)", timeout, what, p.lastSeq.Load(), p.updates.Load())
		}
	}
}

// startProbe runs the dashboard wrapped in a probe at w x h.
func startProbe(t testing.TB, opts Options, w, h int) (*teatest.TestModel, *probe) {
	t.Helper()
	m := New(opts)
	t.Cleanup(m.Close)
	p := &probe{m: m}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() { _ = tm.Quit() })
	return tm, p
}

// finalModel quits and returns the model, safe to inspect.
func finalModel(t testing.TB, tm *teatest.TestModel) *Model {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*probe).m
}

// paneSeqs returns the sequence numbers of the server events in the events
// pane, in pane order.
func paneSeqs(m *Model) []uint64 {
	var out []uint64
	for i := 0; i < m.events.Len(); i++ {
		if s := m.events.At(i).Seq; s != 0 {
			out = append(out, s)
		}
	}
	return out
}
