//go:build !windows

package tui

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/creack/pty"
	"github.com/snapdash/snapdash/views/requestform"
)

// The raw-bytes property test: the real dashboard, run by a real Bubble Tea
// program on a real pseudo-terminal (through the same input wrapper as
// Run and SSH sessions), against the simulator over loopback, is typed
// random byte streams (letters, digits, \r, \t, lone and doubled ESC, CSI
// arrows, SGR clicks, bracketed pastes, resizes) split across writes at
// random points. A wrapper around the model writes down every input
// message it is given, with the focus before and after, and the test
// checks:
//
//   - the input is what the terminal sent: each ESC that begins no known
//     sequence is an Escape and the bytes after it keys of their own,
//     whatever the split (no alt+key, no letters from a cut sequence);
//   - every approval, discard, request and camera command the server got
//     is traced to a confirm key (y, enter in a form, or a click) that was
//     the first input its open question received, and closed it;
//   - an approval's type is one the reviewer was shown (the snapshot's
//     own, or one of the known types).

// ptySentinel ends each stream: a CSI no key produces, which reaches the
// model as Bubble Tea's unknown-sequence message. When the wrapper has
// seen it, every byte before it has been handled.
const ptySentinel = "\x1b[9z"

// ptyEvent is one input message the model was given.
type ptyEvent struct {
	in            string // "d", "esc", "enter", "click X,Y", "release", "paste:text"
	before, after Focus
	first         bool // the first input since the dialog in before opened
}

// recModel is the dashboard with its input written down.
type recModel struct {
	m *Model

	mu        sync.Mutex
	events    []ptyEvent
	sentinels int
	last      Focus
	quit      bool
	fresh     bool // the next input is the first its dialog gets
	changed   chan struct{}
	view      string // the last view drawn, and when
	drawn     time.Time
}

func (r *recModel) Init() tea.Cmd { return r.m.Init() }

// View draws the dashboard at most every 50 ms (the renderer writes only
// the latest view of each of its frames anyway), so the test's time goes
// to input rather than to frames no one looks at.
func (r *recModel) View() string {
	if now := time.Now(); now.Sub(r.drawn) >= 50*time.Millisecond || r.view == "" {
		r.view, r.drawn = r.m.View(), now
	}
	return r.view
}

func (r *recModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(fmt.Stringer); ok && s.String() == "?CSI[57 122]?" {
		r.mu.Lock()
		r.sentinels++
		r.last = r.m.Focus()
		r.mu.Unlock()
		r.signal()
		return r, nil
	}
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste && !k.Alt {
		// One read's characters: one key each, as the model takes them.
		var cmds []tea.Cmd
		for _, c := range k.Runes {
			cmds = append(cmds, r.one(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{c}}))
		}
		return r, tea.Batch(cmds...)
	}
	return r, r.one(msg)
}

// one gives msg to the model, writing it down if it is input.
func (r *recModel) one(msg tea.Msg) tea.Cmd {
	name, input := ptyInputName(msg)
	before := r.m.Focus()
	_, cmd := r.m.Update(msg)
	after := r.m.Focus()
	r.mu.Lock()
	if input {
		r.events = append(r.events, ptyEvent{in: name, before: before, after: after, first: r.fresh})
		r.fresh = false
	}
	if after.Dialog != before.Dialog || after.Subject != before.Subject {
		r.fresh = after.Dialog != ""
	}
	r.last = after
	r.quit = r.quit || r.m.quitting
	r.mu.Unlock()
	r.signal()
	return cmd
}

func (r *recModel) signal() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// ptyInputName names an input message as the generator names what it
// typed; the second result is false for other messages.
func ptyInputName(msg tea.Msg) (string, bool) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if msg.Paste {
			return "paste:" + string(msg.Runes), true
		}
		return msg.String(), true
	case tea.MouseMsg:
		switch {
		case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
			return fmt.Sprintf("click %d,%d", msg.X, msg.Y), true
		case msg.Action == tea.MouseActionRelease:
			return "release", true
		}
		return "mouse " + msg.String(), true
	}
	return "", false
}

// ptyDash is the dashboard running in a pseudo-terminal.
type ptyDash struct {
	t             *testing.T
	w             *world
	api           *tracingAPI
	master, slave *os.File
	p             *tea.Program
	rec           *recModel
	stop          func()
	done          chan struct{}
	width, height int
	checked       int // API calls already checked
	sent          int // sentinels sent
}

// startPty starts a dashboard on w in a new pseudo-terminal.
func startPty(t *testing.T, w *world, api *tracingAPI) *ptyDash {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	d := &ptyDash{t: t, w: w, api: api, master: master, slave: slave, done: make(chan struct{}), width: 100, height: 30}
	if err := pty.Setsize(master, &pty.Winsize{Cols: uint16(d.width), Rows: uint16(d.height)}); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, master) }() // the screen is not read here
	api.mu.Lock()
	d.checked = len(api.calls)
	api.mu.Unlock()
	m := New(Options{
		API: api, ServerURL: "https://sim.snapdash.test", Identity: w.id, UserEndpointID: w.ep,
		ApplicationID: "snapdash-test", Location: time.UTC, ImageMode: ImageModeNone,
		NoStream: true, NoLocalFiles: true, Since: 30 * 24 * time.Hour,
		// Timers never fire but a text field's arming, which comes at
		// once (so forms are filled and sent too).
		Tick: func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
			if d != armDelay {
				return nil
			}
			return func() tea.Msg { return fn(time.Now()) }
		},
		ArmDelay:  armDelay,
		Clipboard: func(string) error { return nil }, Opener: func(string) error { return nil },
		// A sequence cut between two writes waits for its rest however
		// loaded the machine (the wait itself is keyinput's tests').
		EscapeWait: time.Hour,
	})
	d.rec = &recModel{m: m, changed: make(chan struct{}, 1)}
	d.p, d.stop = m.program(context.Background(), d.rec, slave, slave)
	go func() {
		_, _ = d.p.Run()
		close(d.done)
	}()
	// Loaded: the interactions listed and the first one's snapshots shown.
	d.sync()
	d.waitFor("the first snapshots listed", func(f Focus) bool { return f.Rows > 0 })
	return d
}

// close ends the program and the terminal.
func (d *ptyDash) close() {
	d.p.Quit()
	<-d.done
	d.stop()
	d.rec.m.Close()
	_ = d.slave.Close()
	_ = d.master.Close()
}

// write types b into the terminal.
func (d *ptyDash) write(b string) {
	if _, err := io.WriteString(d.master, b); err != nil {
		d.t.Fatal(err)
	}
}

// sync sends the sentinel and waits until the model has handled it, or
// the program has quit; it reports whether the program still runs.
func (d *ptyDash) sync() bool {
	d.sent++
	d.write(ptySentinel)
	deadline := time.After(30 * time.Second)
	for {
		d.rec.mu.Lock()
		seen, quit := d.rec.sentinels, d.rec.quit
		d.rec.mu.Unlock()
		if seen >= d.sent {
			return true
		}
		if quit {
			select {
			case <-d.done:
				return false
			default:
			}
		}
		select {
		case <-d.rec.changed:
		case <-d.done:
		case <-deadline:
			d.t.Fatalf("the dashboard did not handle the input within 30 s (focus %+v)", d.last())
		}
	}
}

func (d *ptyDash) quit() bool {
	d.rec.mu.Lock()
	defer d.rec.mu.Unlock()
	return d.rec.quit
}

func (d *ptyDash) last() Focus {
	d.rec.mu.Lock()
	defer d.rec.mu.Unlock()
	return d.rec.last
}

// waitFor waits until the focus satisfies ok.
func (d *ptyDash) waitFor(what string, ok func(Focus) bool) {
	d.t.Helper()
	deadline := time.After(30 * time.Second)
	for !ok(d.last()) {
		select {
		case <-d.rec.changed:
		case <-deadline:
			d.t.Fatalf("waiting for %s: focus %+v", what, d.last())
		}
	}
}

// ptyToken is one thing typed: its bytes and the input it must give.
type ptyToken struct {
	b    string
	want []string
}

// ptyLetters leaves out O and P: after an ESC they begin SS3 and DCS.
// q is typed rarely (see randomStream): it mostly quits at once.
const ptyLetters = "aaaddddyyyyyrrcctnnNjjkkgGeiwxzbhlmfvRsuo"

// randomStream returns 1 to 10 tokens for a w×h terminal.
func randomStream(r *rand.Rand, w, h int) []ptyToken {
	n := 1 + r.IntN(10)
	toks := make([]ptyToken, 0, n)
	for range n {
		var t ptyToken
		switch x := r.IntN(100); {
		case x == 0 && r.IntN(4) == 0:
			t = ptyToken{"q", []string{"q"}}
		case x < 45:
			c := string(ptyLetters[r.IntN(len(ptyLetters))])
			t = ptyToken{c, []string{c}}
		case x < 52:
			c := string(rune('0' + r.IntN(10)))
			t = ptyToken{c, []string{c}}
		case x < 60:
			t = ptyToken{"\r", []string{"enter"}}
		case x < 64:
			t = ptyToken{"\t", []string{"tab"}}
		case x < 76:
			t = ptyToken{"\x1b", []string{"esc"}}
		case x < 82:
			t = ptyToken{"\x1b\x1b", []string{"esc", "esc"}}
		case x < 89:
			a := []struct{ b, n string }{{"A", "up"}, {"B", "down"}, {"C", "right"}, {"D", "left"}}[r.IntN(4)]
			t = ptyToken{"\x1b[" + a.b, []string{a.n}}
		case x < 96:
			// A click in the body (the footer's hints are other tests').
			cx, cy := r.IntN(w), 1+r.IntN(h-2)
			t = ptyToken{fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", cx+1, cy+1, cx+1, cy+1),
				[]string{fmt.Sprintf("click %d,%d", cx, cy), "release"}}
		default:
			var text strings.Builder
			for range 1 + r.IntN(8) {
				text.WriteByte("yyd\rqa2 "[r.IntN(8)])
			}
			t = ptyToken{"\x1b[200~" + text.String() + "\x1b[201~", []string{"paste:" + text.String()}}
		}
		toks = append(toks, t)
	}
	return toks
}

// typeStream writes the tokens, cut at random points into separate
// writes, with now and then a resize between two of them.
func (d *ptyDash) typeStream(r *rand.Rand, toks []ptyToken) {
	var all strings.Builder
	for _, t := range toks {
		all.WriteString(t.b)
	}
	b := all.String()
	cuts := []int{0}
	for range r.IntN(4) {
		cuts = append(cuts, r.IntN(len(b)+1))
	}
	cuts = append(cuts, len(b))
	slices.Sort(cuts)
	for i := 1; i < len(cuts); i++ {
		if cuts[i] > cuts[i-1] {
			d.write(b[cuts[i-1]:cuts[i]])
		}
		if r.IntN(10) == 0 {
			d.width, d.height = 80+r.IntN(41), 24+r.IntN(17)
			_ = pty.Setsize(d.master, &pty.Winsize{Cols: uint16(d.width), Rows: uint16(d.height)})
			d.p.Send(tea.WindowSizeMsg{Width: d.width, Height: d.height})
		}
	}
}

// check verifies the stream's input and every server call since the last
// check; toks are what was typed since.
func (d *ptyDash) check(name string, toks []ptyToken) {
	d.t.Helper()
	var want []string
	for _, t := range toks {
		want = append(want, t.want...)
	}
	// The stream's events, and the log emptied for the next: every call
	// is answered before the stream ends (waited for below), so its
	// confirm key is in this stream.
	d.waitFor("every action answered", func(f Focus) bool { return f.InFlight == 0 || d.quit() })
	d.rec.mu.Lock()
	events := d.rec.events
	d.rec.events = nil
	d.rec.mu.Unlock()
	var got []string
	for _, e := range events {
		got = append(got, e.in)
	}
	d.api.mu.Lock()
	calls := append([]actionCall(nil), d.api.calls[d.checked:]...)
	d.checked = len(d.api.calls)
	d.api.mu.Unlock()
	used := map[int]int{}
	for _, c := range calls {
		i := -1
		for j, e := range events {
			if confirms(e, c) && (used[j] == 0 || bulk(e)) {
				i = j
				break
			}
		}
		if i < 0 {
			d.t.Fatalf("%s: %s %s (type %q) was sent by no confirm key: the dashboard got %q", name, c.kind, c.id, c.typ, got)
		}
		used[i]++
		if c.kind == "approve" && c.typ != "" && !slices.Contains(requestform.Types(), c.typ) {
			d.t.Fatalf("%s: approved %s as %q, a type never shown: the dashboard got %q", name, c.id, c.typ, got)
		}
	}
	if len(got) > len(want) || !slices.Equal(got, want[:len(got)]) {
		d.t.Fatalf("%s: the dashboard got %q, the terminal sent %q", name, got, want)
	}
	if len(got) < len(want) && !d.quit() {
		d.t.Fatalf("%s: the dashboard got %q, the terminal sent %q", name, got, want)
	}
}

func bulk(e ptyEvent) bool { return strings.HasSuffix(e.before.Dialog, " marked") }

// confirms reports whether input e may have sent call c: the confirm key
// of c's open question (its first input), or a form's submit key.
func confirms(e ptyEvent, c actionCall) bool {
	click := strings.HasPrefix(e.in, "click")
	closed := e.after.Dialog == "" || e.after.Dialog != e.before.Dialog
	switch c.kind {
	case "discard", "approve":
		if bulk(e) {
			return e.before.Dialog == c.kind+" marked" && e.first && (e.in == "y" || click)
		}
		return e.before.Dialog == c.kind && e.before.Subject == c.id && e.first && (e.in == "y" || click) && closed
	case "request":
		return e.before.Dialog == "request" && (e.in == "enter" || click) && closed
	case "camera":
		return e.before.Dialog == "camera" && closed && (click || strings.Contains("enter 1 2 3 4 5 6 7 8 9", e.in))
	}
	return false
}

// reset closes whatever is open, so the next stream starts on the main
// screen; it reports whether the program still runs, and what it typed.
func (d *ptyDash) reset() (bool, []ptyToken) {
	var typed []ptyToken
	for range 6 {
		f := d.last()
		if f.Dialog == "" && f.Screen == "main" {
			return true, typed
		}
		k := ptyToken{"\x1b", []string{"esc"}}
		if f.Dialog == "" && f.Screen == "watch" {
			k = ptyToken{"w", []string{"w"}}
		}
		d.write(k.b)
		typed = append(typed, k)
		if !d.sync() {
			return false, typed
		}
	}
	d.t.Fatalf("could not get back to the main screen: %+v", d.last())
	return false, typed
}

// ptyStreams types n random streams; a stream that quits the dashboard
// starts a new one on the same simulator, and every 100 streams a new
// simulator starts (the pictures to act on run out).
func ptyStreams(t *testing.T, r *rand.Rand, n int) {
	var w *world
	var api *tracingAPI
	var d *ptyDash
	starts, startT := 0, time.Duration(0)
	kinds := map[string]int{}
	count := func() {
		api.mu.Lock()
		for _, c := range api.calls {
			kinds[c.kind]++
		}
		api.mu.Unlock()
	}
	for i := range n {
		if i%100 == 0 {
			if d != nil {
				d.close()
				d = nil
				_ = w.sim.Close()
				count()
			}
			w = newWorld(t, uint64(i+1))
			api = &tracingAPI{Client: w.api, key: -1}
		}
		if d == nil {
			t0 := time.Now()
			d = startPty(t, w, api)
			starts++
			startT += time.Since(t0)
		}
		toks := randomStream(r, d.width, d.height)
		d.typeStream(r, toks)
		running := d.sync()
		name := fmt.Sprintf("stream %d %q", i, joinTokens(toks))
		d.check(name, toks)
		if running && i%20 == 19 {
			// Streams go on from where the last one left the dashboard;
			// now and then from the main screen with nothing open.
			var typed []ptyToken
			running, typed = d.reset()
			d.check(name+" (reset)", typed)
		}
		if !running {
			t0 := time.Now()
			d.close()
			startT += time.Since(t0)
			d = nil
		}
	}
	if d != nil {
		d.close()
		_ = w.sim.Close()
	}
	count()
	t.Logf("%d streams, %d program starts (%s starting and closing); the server got %v", n, starts, startT, kinds)
}

func joinTokens(toks []ptyToken) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.b)
	}
	return b.String()
}

// TestRawBytesThroughAPtyActOnlyOnAConfirmKey is the property test: 10,000
// random byte streams (see the top of this file). Four dashboards, each on its own simulator and terminal, type a quarter
// each at once: most of a stream's time is the hand-over between the test,
// the terminal and the program, which the others' work fills.
func TestRawBytesThroughAPtyActOnlyOnAConfirmKey(t *testing.T) {
	const workers = 4
	for i := range workers {
		t.Run(fmt.Sprint("dashboard ", i+1), func(t *testing.T) {
			t.Parallel()
			n := ptyStreamCount
			if testing.Short() {
				n /= 10 // -short: a quick look; the default run types all 10,000
			}
			ptyStreams(t, rand.New(rand.NewPCG(20261207, uint64(18+i))), n/workers)
		})
	}
}

// TestRawBytesRegressions are streams that once acted without a confirm:
// Bubble Tea v1 read ESC ESC as alt+esc, which the discard question
// ignored, so the y after it discarded the picture.
func TestRawBytesRegressions(t *testing.T) {
	for _, c := range []struct{ name, bytes string }{
		{"d esc esc y", "d\x1b\x1by"},
		{"d esc y", "d\x1by"},
		{"d r esc n r tab tab y", "dr\x1bnr\t\ty"},
		{"a y enter", "ay\r"},
		{"a 2 enter", "a2\r"},
		{"a esc esc y", "a\x1b\x1by"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, 1)
			defer func() { _ = w.sim.Close() }()
			api := &tracingAPI{Client: w.api, key: -1}
			d := startPty(t, w, api)
			defer d.close()
			d.waitFor("a picture to act on", func(f Focus) bool { return f.Snapshot != "" })
			d.write(c.bytes)
			d.sync()
			d.check(c.name, tokensOf(c.bytes))
		})
	}
}

// tokensOf names the input in b (letters, \r, \t and lone ESCs only).
func tokensOf(b string) []ptyToken {
	var toks []ptyToken
	for _, c := range b {
		switch c {
		case '\x1b':
			toks = append(toks, ptyToken{"\x1b", []string{"esc"}})
		case '\r':
			toks = append(toks, ptyToken{"\r", []string{"enter"}})
		case '\t':
			toks = append(toks, ptyToken{"\t", []string{"tab"}})
		default:
			toks = append(toks, ptyToken{string(c), []string{string(c)}})
		}
	}
	return toks
}

// armDelay is the test's text field arming delay (a value no other timer
// uses).
const armDelay = 7 * time.Millisecond

// ptyStreamCount is how many streams the property test types.
var ptyStreamCount = 10_000
