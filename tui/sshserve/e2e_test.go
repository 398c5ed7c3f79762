package sshserve

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/vt"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/tui"
)

// platform is a real simulator reached through the real client, as the
// operator of `snapdash serve` would set it up: one client, one token, one
// user endpoint, shared by every session.
type platform struct {
	sim   *sim.Server
	api   *client.Client
	token string
	ep    string
	id    client.Identity
	sofia string // the demo interaction with a snapshot in every state
}

func newPlatform(t testing.TB) *platform {
	t.Helper()
	s, err := sim.New(sim.Options{Seed: 1, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	p := &platform{sim: s, token: s.IssueToken(sim.RoleAgent, time.Hour)}
	p.api, err = client.New(client.Config{Server: s.URL(), Token: p.token})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if p.id, err = p.api.Identity(ctx); err != nil {
		t.Fatal(err)
	}
	if p.ep, err = p.api.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600}); err != nil {
		t.Fatal(err)
	}
	for _, it := range s.Interactions() {
		if bytes.Contains(it.Data, []byte(`"customerName":"Sofía García"`)) {
			p.sofia = it.ID
		}
	}
	if p.sofia == "" {
		t.Fatal("no demo interaction of Sofía García")
	}
	return p
}

// newSession is the NewSession a CLI would write: the shared client, the
// theme from the terminal's background.
func (p *platform) newSession(info SessionInfo) (tui.Options, error) {
	theme := "dark"
	if !info.DarkBackground {
		theme = "light"
	}
	return tui.Options{
		API: p.api, ServerURL: p.sim.URL(), Identity: p.id, UserEndpointID: p.ep,
		ApplicationID: "snapdash-ssh-test", Theme: theme, ImageMode: tui.ImageModeASCII,
		Interactions: []string{p.sofia}, PreviewDelay: time.Millisecond,
	}, nil
}

// snapshots returns the states of Sofía's snapshots by id.
func (p *platform) snapshots(t testing.TB) map[string]client.SnapshotState {
	t.Helper()
	snaps, err := p.api.ListSnapshots(context.Background(), p.sofia)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]client.SnapshotState{}
	for _, s := range snaps {
		out[s.ID] = s.State
	}
	return out
}

// realTUI makes startServer use the real dashboard.
func realTUI(info SessionInfo, o tui.Options) (tea.Model, error) { return tui.New(o), nil }

// loadedRE matches once the selected snapshot's picture is drawn (the list
// is loaded by then); the pane title alone shows earlier.
const loadedRE = `Preview · ascii · \d+×\d+`

func TestApproveOverSSHWithRealDashboard(t *testing.T) {
	p := newPlatform(t)
	alice := newTestKey(t, "alice@review-desk")
	ts := startServer(t, Options{NewSession: p.newSession, NewModel: realTUI}, alice)
	before := p.snapshots(t)

	c := dial(t, ts.Addr().String(), alice, clientOpts{w: 100, h: 30})
	c.WaitFor("Sofía García")
	c.WaitMatch(loadedRE)
	c.WaitFor("● uploaded")
	c.Send("a")
	c.WaitFor("Approve snapshot?", "y approve")
	c.Send("y")
	c.WaitFor("approved")

	var approved string
	deadline := time.Now().Add(5 * time.Second)
	for approved == "" && time.Now().Before(deadline) {
		for id, st := range before {
			if st != client.StateUploaded {
				continue
			}
			if snap, ok := p.sim.Snapshot(id); ok && snap.State == client.StateApproved {
				approved = id
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if approved == "" {
		t.Fatalf("no snapshot approved in the simulator; screen:\n%s", c.Screen())
	}
	log := ts.log.String()
	for _, want := range []string{`msg="audit: approve done"`, "snapshot=" + approved,
		"audit.fingerprint=" + alice.fingerprint(), "audit.comment=alice@review-desk"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	// The session's attributes appear once per audit line, in the audit
	// group only, not also from the session's logger.
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, `msg="audit: `) {
			continue
		}
		for _, k := range []string{"session", "remote", "user", "fingerprint", "comment", "role"} {
			if strings.Contains(line, " "+k+"=") || strings.Count(line, " audit."+k+"=") != 1 {
				t.Errorf("audit line with %s not once, in the audit group: %s", k, line)
			}
		}
	}
	c.Send("q")
	c.waitExit()
	if strings.Contains(c.output(), p.token) || strings.Contains(log, p.token) {
		t.Fatal("the API token reached the session or the log")
	}
}

func TestSupervisorCannotApprove(t *testing.T) {
	p := newPlatform(t)
	boss := newTestKey(t, "boss@hq")
	ts := startServer(t, Options{NewSession: p.newSession, NewModel: realTUI,
		Roles: map[string]string{"boss@hq": RoleSupervisor}}, boss)
	before := p.snapshots(t)
	c := dial(t, ts.Addr().String(), boss, clientOpts{w: 120, h: 30})
	c.WaitFor("READ-ONLY")
	c.WaitMatch(loadedRE)
	// The status line says why: the key's role, not a flag nobody passed.
	c.WaitFor("read-only (supervisor role)")
	if strings.Contains(c.Screen(), "--read-only") {
		t.Fatalf("the supervisor is told about --read-only:\n%s", c.Screen())
	}
	// a is refused; enter then opens the full preview, the sign that a
	// opened no prompt (a prompt would have taken the enter as yes).
	approving := regexp.MustCompile(`Approve snapshot|(approving|✓ approved) [0-9a-f]{8}`)
	c.Send("a")
	c.Send("\r")
	scr := c.Until("the full preview or an approval", func(s string) bool {
		return strings.Contains(s, "esc back") || approving.MatchString(s)
	})
	if approving.MatchString(scr) {
		t.Fatalf("a supervisor could approve:\n%s", scr)
	}
	for id, st := range p.snapshots(t) {
		if before[id] != st {
			t.Fatalf("a supervisor changed %s from %s to %s", id, before[id], st)
		}
	}
}

// panicOnBang wraps the real dashboard and panics on "!".
type panicOnBang struct{ tea.Model }

func (m panicOnBang) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "!" {
		panic("injected panic")
	}

	next, cmd := m.Model.Update(msg)
	return panicOnBang{next}, cmd
}

func TestTwoRealSessionsIndependentAndPanicIsolated(t *testing.T) {
	p := newPlatform(t)
	alice, bob := newTestKey(t, "alice"), newTestKey(t, "bob")
	var mu sync.Mutex
	themes := map[string]string{}
	ts := startServer(t, Options{
		// Both test terminals answer the probe, which ends the wait at once;
		// the budget only bounds a loaded machine's answer (seen: 397 ms).
		QueryBudget: 10 * time.Second,
		NewSession: func(info SessionInfo) (tui.Options, error) {
			o, err := p.newSession(info)
			mu.Lock()
			themes[info.Comment] = o.Theme
			mu.Unlock()
			return o, err
		},
		NewModel: func(info SessionInfo, o tui.Options) (tea.Model, error) {
			return panicOnBang{tui.New(o)}, nil
		},
	}, alice, bob)
	a := dial(t, ts.Addr().String(), alice, clientOpts{w: 100, h: 30})
	b := dial(t, ts.Addr().String(), bob, clientOpts{w: 80, h: 24, lightBg: true})
	a.WaitMatch(loadedRE)
	b.WaitMatch(loadedRE)

	mu.Lock()
	if themes["alice"] != "dark" || themes["bob"] != "light" {
		t.Errorf("themes %v, want alice dark and bob light", themes)
	}
	mu.Unlock()
	if w := a.widest(); w != 100 {
		t.Errorf("alice's screen is %d wide, want 100", w)
	}
	if w := b.widest(); w != 80 {
		t.Errorf("bob's screen is %d wide, want 80", w)
	}
	if ba, bb := a.headerBg(), b.headerBg(); ba == bb {
		t.Errorf("both sessions draw the header with background %v", ba)
	}

	// Bob moves down; alice's selection does not move.
	aBefore := a.Screen()
	b.Send("j")
	b.WaitFor("› ✗ discarded")
	// Alice's help, opened and closed after bob's key was handled, is the
	// sign that her dashboard has handled any key it was given before.
	a.Send("?")
	a.WaitFor("full preview")
	a.Send("?")
	if scr := a.WaitGone("full preview"); strings.Contains(scr, "› ✗ discarded") {
		t.Fatalf("bob's key moved alice's selection:\n%s\nbefore:\n%s", scr, aBefore)
	}

	// Alice's dashboard panics; bob keeps working, the server keeps serving.
	a.Send("!")
	if code := a.waitExit(); code != 1 {
		t.Fatalf("panicking session exit %d", code)
	}
	if !strings.Contains(a.output(), "internal error") {
		t.Errorf("alice was not told: %q", a.output())
	}
	b.Send("k")
	b.WaitFor("› ● uploaded")
	c := dial(t, ts.Addr().String(), alice, clientOpts{w: 90, h: 26})
	c.WaitMatch(loadedRE)
	if !strings.Contains(ts.log.String(), "injected panic") {
		t.Error("panic not logged")
	}
}

// Close releases the wrapped dashboard (the server calls it at the end).
func (m panicOnBang) Close() {
	if c, ok := m.Model.(interface{ Close() }); ok {
		c.Close()
	}
}

// widest returns the width in cells of the widest line on screen.
func (c *sshClient) widest() int {
	w := 0
	c.Emulator(func(e *vt.Emulator) {
		for y := 0; y < e.Height(); y++ {
			for x := e.Width() - 1; x >= 0; x-- {
				if cell := e.CellAt(x, y); cell != nil && cell.Content != "" && cell.Content != " " {
					w = max(w, x+1)
					break
				}
			}
		}
	})
	return w
}

// headerBg returns the background colour of the header's first cell.
func (c *sshClient) headerBg() any {
	var bg any
	c.Emulator(func(e *vt.Emulator) {
		if cell := e.CellAt(0, 0); cell != nil {
			bg = cell.Style.Bg
		}
	})
	return bg
}
