package tui

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// The property test drives the real root model, on the real simulator over
// loopback, with random key sequences delivered as a slow link delivers
// them: several keys handled one after another before any command they
// started has run. Commands run afterwards, inline, and every call that
// changes something on the server is traced back to the key whose command
// made it. Timers never fire (Options.Tick), so nothing but keys and the
// server's answers moves the model.

// keyAlphabet are the keys the property test types, weighted by repetition
// towards the ones that open and answer dialogs.
var keyAlphabet = []string{
	"j", "j", "k", "g", "G", "d", "d", "a", "a", "r", "r", "c", "c", "y", "y", "n", "N", "q",
	"enter", "enter", "enter", "esc", "esc", "tab", "1", "2", "3", "x", "/", "?", "e", "w", "u", "s", "ctrl+c",
	"shift+tab", "backspace", "up", "down", "n", "N", " ", " ", "ctrl+a", ":",
}

// actionCall is one call to the server that changes something.
type actionCall struct {
	kind string // "approve", "discard", "request", "camera"
	id   string // the snapshot (approve, discard) or the target user
	typ  string // the type an approval sets ("" keeps the snapshot's)
	key  int    // index of the key whose command made it; -1 for none
}

// tracingAPI is the real client with the action calls written down, each
// with the key being traced when it was made.
type tracingAPI struct {
	*client.Client
	mu    sync.Mutex
	key   int
	calls []actionCall
}

func (a *tracingAPI) note(kind, id string) {
	a.mu.Lock()
	a.calls = append(a.calls, actionCall{kind: kind, id: id, key: a.key})
	a.mu.Unlock()
}

func (a *tracingAPI) Approve(ctx context.Context, cmd client.SnapshotApproveCommand) error {
	a.mu.Lock()
	a.calls = append(a.calls, actionCall{kind: "approve", id: cmd.SnapshotID, typ: cmd.SnapshotType, key: a.key})
	a.mu.Unlock()
	return a.Client.Approve(ctx, cmd)
}

func (a *tracingAPI) Discard(ctx context.Context, cmd client.SnapshotDiscardCommand) error {
	a.note("discard", cmd.SnapshotID)
	return a.Client.Discard(ctx, cmd)
}

func (a *tracingAPI) Request(ctx context.Context, cmd client.SnapshotRequestCommand) (client.SnapshotRequestResult, error) {
	a.note("request", cmd.TargetUserID)
	return a.Client.Request(ctx, cmd)
}

func (a *tracingAPI) CameraRequest(ctx context.Context, cmd client.CameraRequestCommand) (string, error) {
	a.note("camera", cmd.TargetUserID)
	return a.Client.CameraRequest(ctx, cmd)
}

func (a *tracingAPI) Upload(ctx context.Context, cmd client.UploadCommand, r io.Reader) (client.SnapshotUploadResult, error) {
	a.note("upload", cmd.InteractionID)
	return a.Client.Upload(ctx, cmd, r)
}

// pressed is one key the driver delivered, with the focus around it.
type pressed struct {
	key           string
	before, after Focus
	quit          bool
}

// keyDriver delivers keys to a model and runs its commands inline.
type keyDriver struct {
	t       testing.TB
	m       *Model
	api     *tracingAPI
	keys    []pressed
	queue   []queued
	checked int // calls already checked
}

type queued struct {
	cmd tea.Cmd
	key int
}

// newKeyDriver builds a dashboard on world's simulator, loaded and with
// its first interaction listed.
func newKeyDriver(t testing.TB, w *world) *keyDriver {
	t.Helper()
	api := &tracingAPI{Client: w.api, key: -1}
	m := New(Options{
		API: api, ServerURL: "https://sim.snapdash.test", Identity: w.id, UserEndpointID: w.ep,
		ApplicationID: "snapdash-test", Location: time.UTC, ImageMode: ImageModeNone,
		NoStream: true, NoLocalFiles: true, Since: 30 * 24 * time.Hour,
		Tick:      func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Clipboard: func(string) error { return nil }, Opener: func(string) error { return nil },
	})
	d := &keyDriver{t: t, m: m, api: api}
	d.deliver(tea.WindowSizeMsg{Width: 120, Height: 40}, -1)
	d.queue = append(d.queue, queued{cmd: m.Init(), key: -1})
	d.drain()
	return d
}

// deliver gives msg to the model and queues its command under key.
func (d *keyDriver) deliver(msg tea.Msg, key int) {
	_, cmd := d.m.Update(msg)
	if cmd != nil {
		d.queue = append(d.queue, queued{cmd: cmd, key: key})
	}
}

// burst delivers keys as one read delivers them: each is handled before
// any command runs. It stops at a quit.
func (d *keyDriver) burst(keys []string) (quit bool) {
	for _, k := range keys {
		before := d.m.Focus()
		idx := len(d.keys)
		d.deliver(keyMsg(k), idx)
		d.keys = append(d.keys, pressed{key: k, before: before, after: d.m.Focus(), quit: d.m.quitting})
		if d.m.quitting {
			return true
		}
	}
	return false
}

// drain runs every queued command, and the commands their answers start,
// until none is left. Calls are traced to the key that queued them.
func (d *keyDriver) drain() {
	for len(d.queue) > 0 {
		q := d.queue[0]
		d.queue = d.queue[1:]
		if q.cmd == nil {
			continue
		}
		d.api.mu.Lock()
		d.api.key = q.key
		d.api.mu.Unlock()
		msg := q.cmd()
		switch msg := msg.(type) {
		case nil, tea.QuitMsg:
		case tea.BatchMsg:
			for _, c := range msg {
				d.queue = append(d.queue, queued{cmd: c, key: q.key})
			}
		default:
			d.deliver(msg, -1) // an answer: what it starts is no key's doing
		}
	}
}

// check verifies the invariants over the calls made since the last check.
func (d *keyDriver) check(seq string) {
	d.t.Helper()
	d.api.mu.Lock()
	calls := d.api.calls[d.checked:]
	d.checked = len(d.api.calls)
	d.api.mu.Unlock()
	perKey := map[int]int{}
	for _, c := range calls {
		if c.key < 0 {
			d.t.Fatalf("%s: %s %s was sent by no key (an answer's command)", seq, c.kind, c.id)
		}
		p := d.keys[c.key]
		perKey[c.key]++
		bulk := strings.HasSuffix(p.before.Dialog, " marked")
		if perKey[c.key] > 1 && !bulk {
			d.t.Fatalf("%s: key %q sent %d actions", seq, p.key, perKey[c.key])
		}
		rule, ok := callRules[c.kind]
		if !ok {
			d.t.Fatalf("%s: unexpected %s", seq, c.kind)
		}
		if !rule.ok(p, c, bulk) {
			d.t.Fatalf("%s: %s %s sent by %q from %+v to %+v", seq, rule.what, c.id, p.key, p.before, p.after)
		}
	}
}

// callRule says which key press may send an action of one kind.
type callRule struct {
	what string
	ok   func(p pressed, c actionCall, bulk bool) bool
}

// reviewRule: only y in the question about c's snapshot (or in the bulk
// question) sends an approval or a discard.
func reviewRule(dialog string) func(pressed, actionCall, bool) bool {
	return func(p pressed, c actionCall, bulk bool) bool {
		if bulk && p.key == "y" && p.before.Dialog == dialog+" marked" {
			return true
		}
		return p.key == "y" && p.before.Dialog == dialog && p.before.Subject == c.id
	}
}

// callRules are the property's rules, one per kind of action sent.
var callRules = map[string]callRule{
	"discard": {"discard of", reviewRule("discard")},
	"approve": {"approval of", reviewRule("approve")},
	"request": {"request for", func(p pressed, _ actionCall, _ bool) bool {
		return p.key == "enter" && p.before.Dialog == "request" && p.after.Dialog != "request"
	}},
	"camera": {"camera command for", func(p pressed, _ actionCall, _ bool) bool {
		return p.before.Dialog == "camera" && p.after.Dialog != "camera" && strings.Contains("enter 1 2 3", p.key)
	}},
}

// checkKeys verifies what each key of the burst did to the focus.
func (d *keyDriver) checkKeys(seq string, from int) {
	d.t.Helper()
	for _, p := range d.keys[from:] {
		b, a := p.before, p.after
		switch {
		case p.quit:
			okQuit := (b.Dialog == "" && b.InFlight == 0 && (p.key == "q" || p.key == "ctrl+c")) ||
				(b.Dialog == "quit" && (p.key == "y" || p.key == "ctrl+c")) ||
				(b.Dialog == "cmdline" && p.key == "enter" && b.InFlight == 0) // :q
			if !okQuit {
				d.t.Fatalf("%s: %q quit from %+v", seq, p.key, b)
			}
		case b.Dialog != "" && b.Dialog != "filter" && a.Dialog == b.Dialog && a.Snapshot != b.Snapshot:
			// While a dialog is open the keys are its own.
			d.t.Fatalf("%s: %q moved the table under the %s dialog: %+v -> %+v", seq, p.key, b.Dialog, b, a)
		case b.Dialog == "" && b.Screen == "main" && b.Pane == "snapshots" && p.key == "j" && b.Row < b.Rows-1:
			// The key after an answer goes to what has the focus then.
			if a.Row != b.Row+1 {
				d.t.Fatalf("%s: j on the table moved %d -> %d of %d", seq, b.Row, a.Row, b.Rows)
			}
		}
	}
}

// settled checks that, with every command run, nothing shows in flight:
// no action counted, and (when draw is set) no row drawn so.
func (d *keyDriver) settled(seq string, draw bool) {
	d.t.Helper()
	if f := d.m.Focus(); f.InFlight != 0 {
		d.t.Fatalf("%s: %d actions in flight after every answer came", seq, f.InFlight)
	}
	if !draw {
		return
	}
	if v := d.m.View(); strings.Contains(v, "⋯ approving") || strings.Contains(v, "⋯ discarding") {
		d.t.Fatalf("%s: a row still shows an operation in flight:\n%s", seq, v)
	}
}

// world is one simulator and a client on it.
type world struct {
	sim *sim.Server
	api *client.Client
	id  client.Identity
	ep  string
}

func newWorld(t testing.TB, seed uint64) *world {
	t.Helper()
	// No simulated customers: drawing the pictures they send would cost
	// most of the test's time, and requests need not be answered here.
	s, err := sim.New(sim.Options{Seed: int64(seed), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		_ = s.Close()
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := c.Identity(ctx)
	if err != nil {
		_ = s.Close()
		t.Fatal(err)
	}
	ep, err := c.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		_ = s.Close()
		t.Fatal(err)
	}
	return &world{sim: s, api: c, id: id, ep: ep}
}

// randomBurst returns 1 to 5 keys.
func randomBurst(r *rand.Rand) []string {
	n := 1 + r.IntN(5)
	out := make([]string, n)
	for i := range out {
		out[i] = keyAlphabet[r.IntN(len(keyAlphabet))]
	}
	return out
}

// runSequences types n random sequences of bursts into fresh dashboards on
// one simulator, checking the invariants after each burst.
func runSequences(t testing.TB, w *world, r *rand.Rand, n int) {
	d := newKeyDriver(t, w)
	for seq := range n {
		var typed []string
		for range 1 + r.IntN(4) {
			b := randomBurst(r)
			typed = append(typed, "["+strings.Join(b, " ")+"]")
			from := len(d.keys)
			quit := d.burst(b)
			name := fmt.Sprintf("sequence %d %s", seq, strings.Join(typed, " "))
			d.checkKeys(name, from)
			d.drain()
			d.check(name)
			if quit {
				d.m.Close()
				d = newKeyDriver(t, w)
				break
			}
		}
		d.settled(fmt.Sprintf("sequence %d %s", seq, strings.Join(typed, " ")), seq%10 == 0)
		// Back to a known place: no dialog, the main screen.
		for i := 0; i < 3 && d.m.Focus().Dialog != ""; i++ {
			d.burst([]string{"esc"})
			d.drain()
		}
		if d.m.Focus().Screen == "watch" {
			d.burst([]string{"w"})
			d.drain()
		}
		d.check(fmt.Sprintf("sequence %d (reset)", seq))
	}
	d.m.Close()
}

// TestRandomKeySequencesNeverActOnAnAnsweredDialog is the property test:
// 10,000 random key sequences, several keys per read.
func TestRandomKeySequencesNeverActOnAnAnsweredDialog(t *testing.T) {
	const worlds, perWorld = 40, 250
	r := rand.New(rand.NewPCG(20261203, 9))
	for i := range worlds {
		w := newWorld(t, uint64(i+1))
		runSequences(t, w, r, perWorld)
		_ = w.sim.Close()
	}
}

// FuzzKeySequences drives the same invariants from the fuzzer's bytes:
// each byte is a key, and a byte with the high bit set ends a burst.
func FuzzKeySequences(f *testing.F) {
	f.Add([]byte{5, 18, 0x80 | 13}) // d enter y
	f.Add([]byte{9, 18, 0x80 | 18}) // r enter enter
	f.Add([]byte{11, 24, 0x80 | 25})
	w := newWorld(f, 1)
	f.Cleanup(func() { _ = w.sim.Close() })
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64 {
			data = data[:64]
		}
		d := newKeyDriver(t, w)
		defer d.m.Close()
		var b []string
		flush := func() bool {
			from := len(d.keys)
			quit := d.burst(b)
			d.checkKeys(fmt.Sprint(data), from)
			d.drain()
			d.check(fmt.Sprint(data))
			b = b[:0]
			return quit
		}
		for _, x := range data {
			b = append(b, keyAlphabet[int(x&0x7f)%len(keyAlphabet)])
			if x&0x80 != 0 && flush() {
				return
			}
		}
		if !flush() {
			d.settled(fmt.Sprint(data), true)
		}
	})
}
