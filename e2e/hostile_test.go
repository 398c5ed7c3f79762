//go:build !windows

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/termtest"
	"github.com/snapdash/snapdash/tui"
)

// Payloads a hostile server could put in any string: a window title, a
// clipboard write, a cursor position query (its answer would arrive as
// typed keys), a terminfo query in a DCS string, a C1 CSI and a bell.
const (
	osTitle   = "\x1b]0;pwned\x07"
	osc52     = "\x1b]52;c;cHduZWQ=\x07"
	dsr       = "\x1b[6n"
	dcs       = "\x1bP+q544e\x1b\\"
	c1CSI     = "\u009b31m"
	bidi      = "\u202e"
	forbidden = "pwned|\x1b]|\x1b[6n|\x1bP|\u009b|\x07|\u202e"
)

// TestHostileServerStringsNeverReachTheTerminal feeds escape sequences
// through every server string the dashboard draws (snapshot ids and types,
// user ids, interaction ids, customer names, camera answers, unknown event
// types, the server's error messages) and opens every view that shows
// them: none of the sequences may reach the terminal.
func TestHostileServerStringsNeverReachTheTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulator and a program for a few seconds")
	}
	s, api, id, ep := demoSim(t)
	kenji := interactionOf(t, s, "Kenji Watanabe")

	outR, out := io.Pipe()
	r := lipgloss.NewRenderer(out)
	r.SetColorProfile(termenv.ANSI256)
	m := tui.New(tui.Options{API: api, ServerURL: s.URL() + "/" + osTitle, Identity: id, UserEndpointID: ep, Renderer: r,
		ImageMode: tui.ImageModeASCII, Interactions: []string{kenji}, PreviewDelay: time.Millisecond,
		Clipboard: func(string) error { return nil }})
	t.Cleanup(m.Close)
	in, keys := io.Pipe()
	// The terminal answers queries like a real one: a query that leaked
	// would come back as typed keys.
	tm := termtest.New(t, keys, outR, termtest.Options{Width: 160, Height: 50})
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(out), tea.WithoutSignalHandler())
	done := make(chan struct{})
	go func() { _, _ = p.Run(); close(done) }()
	t.Cleanup(func() { p.Quit(); <-done; _ = keys.Close(); _ = out.Close() })
	p.Send(tea.WindowSizeMsg{Width: 160, Height: 50})

	press := func(ks ...string) {
		for _, k := range ks {
			tm.Send(k)
			time.Sleep(60 * time.Millisecond) // keys written together arrive as one key message
		}
	}
	tm.WaitFor("Kenji Watanabe", "● live")

	now := time.Now().UTC()
	evilSnap := "evil" + osTitle + "-1" + dsr
	for _, ev := range []client.Event{
		{Type: client.EventSnapshotAcquired, InteractionID: kenji, SnapshotID: evilSnap,
			SnapshotType: "car" + dcs + "-damage" + c1CSI, UserID: "agent" + osc52, Timestamp: now},
		{Type: client.EventSnapshotRequested, InteractionID: kenji, SnapshotID: "req" + c1CSI + "-2",
			SnapshotType: "meter" + bidi, TargetUserID: "cust" + osTitle, UserID: "agent" + dsr, Timestamp: now},
		{Type: client.EventSnapshotCameraRequestProcessed, SnapshotCameraRequestID: "cam" + dcs,
			Succeeded: client.BoolPtr(false), AdditionalInformation: "no flash" + osc52, Timestamp: now},
		{Type: "Weird" + dsr + "Event", InteractionID: kenji, SnapshotID: "w" + osTitle, Timestamp: now},
		{Type: client.EventSnapshotRequested, InteractionID: "int" + osTitle + bidi, SnapshotID: "r3" + dsr,
			SnapshotType: "other", Timestamp: now},
	} {
		s.Publish(ev)
	}
	tm.WaitFor("evil-1", "req-2")

	// The events pane, every row of the table with its preview, the
	// approve prompt and the discard question of the hostile snapshot, the
	// server's answer to approving it, the help and the filter; each step
	// waits for what it draws.
	press("e")
	tm.WaitFor("╭─ Events")
	press("g")
	rowsRE := regexp.MustCompile(`Snapshots · Kenji Watanabe 1/(\d+)`)
	n, _ := strconv.Atoi(rowsRE.FindStringSubmatch(tm.WaitMatch(rowsRE.String()))[1])
	for i := 2; i <= n; i++ {
		press("j")
		tm.WaitFor(fmt.Sprintf("Snapshots · Kenji Watanabe %d/%d", i, n))
	}
	press("/", "e", "v", "i", "l", "\r") // the filter leaves the hostile snapshot alone
	tm.WaitFor("evil-1", "1/1 of")
	press("a")
	tm.WaitFor("Approve snapshot evil-1")
	press("y")
	tm.WaitFor("✗ approve evil-1") // the server's refusal, with the id it echoes
	press("d")
	tm.WaitFor("Discard snapshot?", "evil-1")
	press("n")
	tm.WaitGone("Discard snapshot?")
	press("?")
	tm.WaitFor("Keys", "full preview")
	press("?")
	tm.WaitGone("full preview")
	press("\x1b", "\x1b[Z") // the interactions list, with the unknown one
	tm.WaitFor("┏━ Interactions")
	press("G")
	tm.WaitFor("Snapshots · Eleni Papadopoulou")
	press("g", "j")
	tm.WaitFor("› int ") // its id, sanitized

	got := tm.Output()
	for _, bad := range strings.Split(forbidden, "|") {
		if i := bytes.Index(got, []byte(bad)); i >= 0 {
			lo, hi := max(0, i-60), min(len(got), i+60)
			t.Errorf("%q reached the terminal: …%q…", bad, got[lo:hi])
		}
	}
	if !bytes.Contains(got, []byte("evil-1")) {
		t.Error("the hostile snapshot was never drawn: the test did not exercise it")
	}
}
