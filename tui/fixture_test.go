package tui

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

func TestMain(m *testing.M) {
	// Goldens are plain text: no colour, whatever the terminal running the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// fixture is a real simulator reached through the real client over loopback.
type fixture struct {
	sim *sim.Server
	api *client.Client
	ep  string
	id  client.Identity
}

type fixtureOpts struct {
	empty   bool     // no demo data
	role    sim.Role // default agent
	dataDir string   // the simulator's DataDir (state.json), if any
}

func newFixture(t *testing.T, fo fixtureOpts) *fixture {
	t.Helper()
	if fo.role == "" {
		fo.role = sim.RoleAgent
	}
	s, err := sim.New(sim.Options{Seed: 1, Demo: !fo.empty, Customers: true, Now: fixedNow,
		AcquireDelay: 30 * time.Millisecond, DataDir: fo.dataDir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	c, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(fo.role, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := c.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{sim: s, api: c, ep: ep, id: id}
}

// options are the dashboard options of most tests: deterministic and with
// no event stream, so screens do not depend on event timing.
func (f *fixture) options() Options {
	return Options{
		API: f.api, ServerURL: "https://sim.snapdash.test", Identity: f.id, UserEndpointID: f.ep,
		ApplicationID: "snapdash-test", Now: fixedNow, Location: time.UTC, ImageMode: ImageModeASCII,
		NoStream: true, PreviewDelay: time.Millisecond,
		Clipboard: func(string) error { return nil }, Opener: func(string) error { return nil },
	}
}

// interaction returns the id of the demo interaction of customer name.
func (f *fixture) interaction(t *testing.T, name string) string {
	t.Helper()
	for _, it := range f.sim.Interactions() {
		if bytes.Contains(it.Data, []byte(`"customerName":"`+name+`"`)) {
			return it.ID
		}
	}
	t.Fatalf("no demo interaction of %q", name)
	return ""
}

// snapshotIn returns a snapshot of interaction iid in state st.
func (f *fixture) snapshotIn(t *testing.T, iid string, st client.SnapshotState) client.Snapshot {
	t.Helper()
	snaps, err := f.api.ListSnapshots(context.Background(), iid)
	if err != nil {
		t.Fatal(err)
	}
	// The newest one, as the table sorts: it is the row selected first.
	var best client.Snapshot
	for _, s := range snaps {
		if s.State != st {
			continue
		}
		if best.ID == "" || s.When().After(best.When()) || (s.When().Equal(best.When()) && s.ID > best.ID) {
			best = s
		}
	}
	if best.ID == "" {
		t.Fatalf("no %s snapshot in %s", st, iid)
	}
	return best
}

// start runs the dashboard in teatest at w x h.
func start(t *testing.T, opts Options, w, h int) (*teatest.TestModel, *Model) {
	t.Helper()
	m := New(opts)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() { _ = tm.Quit() })
	return tm, m
}

// screenLog accumulates a program's output so that successive waits look
// only at what was drawn after the previous match.
type screenLog struct {
	tm  *teatest.TestModel
	buf []byte
	pos int
}

var logs sync.Map // *teatest.TestModel -> *screenLog

// waitFor waits until the program draws something matching re after what
// the previous waitFor matched.
func waitFor(t *testing.T, tm *teatest.TestModel, re string) {
	t.Helper()
	v, _ := logs.LoadOrStore(tm, &screenLog{tm: tm})
	sl := v.(*screenLog)
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(30 * time.Second) // a hang guard; -race on a busy 2-CPU machine is slow
	chunk := make([]byte, 64<<10)
	for {
		for {
			n, _ := tm.Output().Read(chunk)
			if n == 0 {
				break
			}
			sl.buf = append(sl.buf, chunk[:n]...)
		}
		if loc := rx.FindIndex(sl.buf[sl.pos:]); loc != nil {
			sl.pos += loc[1]
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q; last output:\n%s", re, tail(sl.buf, 3000))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// keys types keys one message at a time, as a person would.
func keys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	case "ctrl+a":
		return tea.KeyMsg{Type: tea.KeyCtrlA}
	case " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// typeText types a string rune by rune.
func typeText(tm *teatest.TestModel, s string) {
	for _, r := range s {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// spinnerFrames are normalised in goldens: which frame shows is timing.
var spinnerFrames = strings.NewReplacer("⠋", "⠿", "⠙", "⠿", "⠹", "⠿", "⠸", "⠿", "⠼", "⠿", "⠴", "⠿", "⠦", "⠿", "⠧", "⠿", "⠇", "⠿", "⠏", "⠿")

// finalView quits and returns the last screen the model drew.
func finalView(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	return []byte(spinnerFrames.Replace(fm.View()))
}
