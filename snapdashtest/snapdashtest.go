// Package snapdashtest runs the snapdash dashboard in a test: the
// simulator (package client/sim, a real HTTP server on loopback) with its
// demo data, the real client, and the dashboard in a teatest program sized
// for the test. Its Screen returns the settled screen as plain text, the
// same bytes on every run, ready for golden.RequireEqual:
//
//	d := snapdashtest.Start(t, snapdashtest.Options{Customer: "Sofía García"})
//	d.Keys("a") // approve: the question opens
//	d.WaitFor("Approve snapshot")
//	golden.RequireEqual(t, d.Screen())
//
// What makes the screen stable: the simulator and the dashboard share one
// fixed clock (Now), so "5m ago" stays "5m ago"; the dashboard's timers
// (spinner, status fades, countdowns, refreshes) are held still, except the
// short rest before a picture is fetched; there is no live event stream;
// pictures are drawn in ASCII without colour; and Screen waits until the
// dashboard has nothing on its way (tui.Model.Settled) after every key sent
// before it was called. The page docs/testing.md walks through it.
package snapdashtest

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/tui"
)

// Now is the instant the simulator and the dashboard agree on: its demo
// data is laid out around it and relative times are measured from it.
func Now() time.Time { return time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC) }

// Options shape one test dashboard. The zero value is an 80×24 dashboard
// over the simulator's demo data, acting as an agent.
type Options struct {
	// Width and Height are the terminal's size (default 80×24; below
	// tui.MinWidth×tui.MinHeight the dashboard asks for a bigger one).
	Width, Height int
	// Customer opens the demo interaction of this customer first, as
	// --interaction does ("Sofía García" has a snapshot in every state).
	// Empty: the first interaction of the list.
	Customer string
	// Empty starts the simulator without its demo data.
	Empty bool
	// Role is the token's role (default sim.RoleAgent; sim.RoleSupervisor
	// makes the dashboard read-only).
	Role sim.Role
	// Timeout bounds every wait (default 30s): a hang fails the test with
	// the last screen rather than running until the test binary's limit.
	Timeout time.Duration
	// Configure, when set, changes the dashboard's options last: a theme,
	// key bindings, ReadOnly. Options it sets win over the defaults above.
	Configure func(o *tui.Options)
}

// Dashboard is one running test dashboard. Its methods are for the test's
// goroutine; the model itself is only read on the program's own goroutine.
type Dashboard struct {
	// Sim is the simulator: act on it as another user would
	// (Sim.Interactions, or API calls with a token of Sim.IssueToken).
	Sim *sim.Server
	// API is the dashboard's client, logged in as Options.Role.
	API *client.Client
	// TM is the teatest program, for what this package does not wrap
	// (TM.Output, TM.FinalModel).
	TM *teatest.TestModel

	t       testing.TB
	timeout time.Duration
	p       *probe
}

// Start starts the simulator and the dashboard; t's cleanup stops both.
func Start(t testing.TB, o Options) *Dashboard {
	t.Helper()
	if o.Width <= 0 || o.Height <= 0 {
		o.Width, o.Height = 80, 24
	}
	if o.Role == "" {
		o.Role = sim.RoleAgent
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	s, err := sim.New(sim.Options{Seed: 1, Demo: !o.Empty, Customers: true, Now: Now,
		AcquireDelay: 30 * time.Millisecond, PictureWidth: 320})
	if err != nil {
		t.Fatalf("snapdashtest: simulator: %v", err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("snapdashtest: simulator: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	api, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(o.Role, time.Hour)})
	if err != nil {
		t.Fatalf("snapdashtest: client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	id, err := api.Identity(ctx)
	if err != nil {
		t.Fatalf("snapdashtest: identity: %v", err)
	}
	ep, err := api.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatalf("snapdashtest: user endpoint: %v", err)
	}
	d := &Dashboard{Sim: s, API: api, t: t, timeout: o.Timeout}
	opts := d.options(id, ep)
	if o.Customer != "" {
		opts.Interactions = []string{d.Interaction(o.Customer)}
	}
	if o.Configure != nil {
		o.Configure(&opts)
	}
	if opts.Tick == nil {
		rest := opts.PreviewDelay
		if rest <= 0 {
			rest = 80 * time.Millisecond // tui's default
		}
		opts.Tick = holdTimers(rest)
	}
	if err := tui.CheckOptions(opts); err != nil {
		t.Fatalf("snapdashtest: %v", err)
	}
	m := tui.New(opts)
	t.Cleanup(m.Close)
	d.p = &probe{m: m}
	d.TM = teatest.NewTestModel(t, d.p, teatest.WithInitialTermSize(o.Width, o.Height))
	t.Cleanup(func() {
		_ = d.TM.Quit()
		d.TM.WaitFinished(t, teatest.WithFinalTimeout(o.Timeout))
	})
	return d
}

// options are the dashboard's deterministic options.
func (d *Dashboard) options(id client.Identity, ep string) tui.Options {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii) // plain text, whatever runs the tests
	return tui.Options{
		API: d.API, ServerURL: "https://sim.snapdash.test", Identity: id, UserEndpointID: ep,
		ApplicationID: "snapdash-test", Renderer: r, Now: Now, Location: time.UTC,
		ImageMode: tui.ImageModeASCII, NoStream: true, NoMouse: true, PreviewDelay: time.Millisecond,
		// A test's keys arrive one message at a time and on purpose: a text
		// field takes them at once (the dashboard drops keys typed before a
		// field visibly opened; its own tests check that).
		ArmDelay: -1,
		// No clipboard or viewer of the machine running the tests.
		Clipboard: func(string) error { return nil }, Opener: func(string) error { return nil },
	}
}

// holdTimers is the dashboard's timer (unless Configure sets one): the
// rest before a picture is fetched runs (else no picture would ever load);
// every longer timer (spinner frames, status fades, countdowns, refreshes)
// never fires, so the screen does not change while nothing happens.
func holdTimers(rest time.Duration) func(time.Duration, func(time.Time) tea.Msg) tea.Cmd {
	return func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		if d > rest {
			return nil
		}
		return tea.Tick(d, fn)
	}
}

// Interaction returns the id of the demo interaction of customer name.
func (d *Dashboard) Interaction(customer string) string {
	d.t.Helper()
	needle := []byte(`"customerName":"` + customer + `"`)
	for _, it := range d.Sim.Interactions() {
		if bytes.Contains(it.Data, needle) {
			return it.ID
		}
	}
	d.t.Fatalf("snapdashtest: no demo interaction of %q", customer)
	return ""
}

// Keys presses keys one at a time, as a person would. A key is a
// character ("a", "/", "G") or a name as Bubble Tea spells it: enter,
// esc, tab, shift+tab, space, backspace, up, down, left, right, home, end,
// pgup, pgdown, ctrl+a … ctrl+z.
func (d *Dashboard) Keys(keys ...string) {
	for _, k := range keys {
		d.TM.Send(keyMsg(k))
	}
}

// Type types text rune by rune (into the filter, a form, the command line).
func (d *Dashboard) Type(text string) {
	for _, r := range text {
		d.TM.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

var named = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"backspace": tea.KeyBackspace, "up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft,
	"right": tea.KeyRight, "home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp,
	"pgdown": tea.KeyPgDown, "delete": tea.KeyDelete,
}

func keyMsg(k string) tea.KeyMsg {
	if t, ok := named[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	if k == "space" || k == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok && len(c) == 1 && c[0] >= 'a' && c[0] <= 'z' {
		return tea.KeyMsg{Type: tea.KeyCtrlA + tea.KeyType(c[0]-'a')}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// WaitFor waits until the screen shows text, after every key sent before
// the call was handled, and fails the test with the last screen when it
// does not within the timeout.
func (d *Dashboard) WaitFor(text string) {
	d.t.Helper()
	d.wait("the screen to show "+text, func(m *tui.Model, view string) bool {
		return strings.Contains(view, text)
	})
}

// Screen returns the screen once the dashboard has settled: every key sent
// before the call handled and nothing on its way (no action, listing or
// picture). It is plain text, one line per terminal row, the same on every
// run: compare it with golden.RequireEqual.
func (d *Dashboard) Screen() []byte {
	d.t.Helper()
	return []byte(d.wait("the dashboard to settle", func(m *tui.Model, _ string) bool { return m.Settled() }))
}

// wait registers a check, makes the program run it after the keys sent so
// far, and returns the screen it held on.
func (d *Dashboard) wait(what string, f func(m *tui.Model, view string) bool) string {
	d.t.Helper()
	c := d.p.add(f)
	d.TM.Send(armMsg{c})
	timer := time.NewTimer(d.timeout)
	defer timer.Stop()
	select {
	case <-c.done:
		return c.view
	case <-timer.C:
		d.p.drop(c)
		d.t.Fatalf("snapdashtest: timeout after %s waiting for %s; last screen:\n%s", d.timeout, what, d.p.last())
		return ""
	}
}

// probe wraps the dashboard and runs the checks on the program's own
// goroutine, after every message, so the test never reads the model while
// the program changes it.
type probe struct {
	m *tui.Model

	mu     sync.Mutex
	checks []*check
	view   string // the latest screen, for a timeout's message
}

type check struct {
	f     func(m *tui.Model, view string) bool
	armed bool // its armMsg arrived: every key sent before it was handled
	done  chan struct{}
	view  string
}

// armMsg arms a check: messages are handled in the order they are sent,
// so the keys sent before it have been handled.
type armMsg struct{ c *check }

func (p *probe) add(f func(*tui.Model, string) bool) *check {
	c := &check{f: f, done: make(chan struct{})}
	p.mu.Lock()
	p.checks = append(p.checks, c)
	p.mu.Unlock()
	return c
}

func (p *probe) drop(c *check) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.checks {
		if x == c {
			p.checks = append(p.checks[:i], p.checks[i+1:]...)
			return
		}
	}
}

func (p *probe) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.view
}

func (p *probe) Init() tea.Cmd { return p.m.Init() }

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if a, ok := msg.(armMsg); ok {
		p.mu.Lock()
		a.c.armed = true
		p.mu.Unlock()
	} else {
		_, cmd = p.m.Update(msg)
	}
	view := ansi.Strip(p.m.View())
	p.mu.Lock()
	p.view = view
	kept := p.checks[:0]
	for _, c := range p.checks {
		if c.armed && c.f(p.m, view) {
			c.view = view
			close(c.done)
			continue
		}
		kept = append(kept, c)
	}
	p.checks = kept
	p.mu.Unlock()
	return p, cmd
}

func (p *probe) View() string { return p.m.View() }
