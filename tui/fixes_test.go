package tui

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/client"
)

// Tests of the findings of notes/audit3.md addressed to the tui owner.

// sgrOf returns the escape sequences a style puts before its text.
func sgrOf(s lipgloss.Style) string {
	r := s.Render("x")
	return r[:strings.Index(r, "x")]
}

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// lineWith returns the first line of v containing s.
func lineWith(v, s string) string {
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// T1: the snapshots table has the focus at start, so its cursor row is
// drawn in the focused selection style (it was drawn blurred until the
// first tab), and again after the events pane that had the focus closes.
func TestFocusedTableDrawnFocused(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	m := unitModel(t, Options{Renderer: r}, snap("s1", client.StateUploaded, time.Minute))
	sel, blur := sgrOf(m.st.Selected), sgrOf(m.st.SelectedBlur)
	if sel == blur || sel == "" {
		t.Fatalf("styles do not differ: %q %q", sel, blur)
	}
	check := func(when string) {
		t.Helper()
		l := lineWith(m.View(), "› ● uploaded")
		if !strings.Contains(l, sel) || strings.Contains(l, blur) {
			t.Fatalf("%s: the focused table's cursor row is not drawn focused: %q", when, l)
		}
	}
	check("at start")
	press(m, "e")
	for m.focus != focusEvents {
		press(m, "tab")
	}
	press(m, "e") // hides the events pane: the focus goes back to the table
	if m.focus != focusSnapshots {
		t.Fatalf("focus %v after hiding the events pane", m.focus)
	}
	check("after hiding the focused events pane")
}

// T2: a remembered interaction is forgotten only when the server says it
// does not exist, not when asking for it failed for another reason.
func TestRecentForgottenOnlyWhenUnknown(t *testing.T) {
	api := &recordAPI{}
	m := unitModel(t, Options{StateDir: t.TempDir(), API: api})
	m.Update(RecentLoadedMsg{IDs: []string{"busy", "offline", "gone", "unknown"}})
	transient := map[string]error{
		"busy":    &client.APIError{Op: "get interaction", ID: "busy", Status: 503},
		"offline": context.DeadlineExceeded,
	}
	for id, err := range transient {
		m.Update(InteractionLoadedMsg{ID: id, Err: err})
		if !shown(m, id) || !slices.Contains(m.lists.recent, id) {
			t.Fatalf("%s forgotten after %v", id, err)
		}
	}
	missing := map[string]error{
		"gone":    &client.APIError{Op: "get interaction", ID: "gone", Status: 404},
		"unknown": &client.APIError{Op: "get interaction", ID: "unknown", Status: 400, Fields: map[string]string{"interactionId": "unknown interaction"}},
	}
	for id, err := range missing {
		m.Update(InteractionLoadedMsg{ID: id, Err: err})
		if shown(m, id) || slices.Contains(m.lists.recent, id) {
			t.Fatalf("%s kept after %v", id, err)
		}
	}
	// The next successful listing asks again for the ones that failed.
	_, cmd := m.Update(InteractionsLoadedMsg{})
	runCmd(cmd)
	for id := range transient {
		if !slices.Contains(api.calls, "interaction "+id) {
			t.Fatalf("%s not asked for again after the next listing: %q", id, api.calls)
		}
	}
}

// T3: the replay at start does not bring in interactions whose events are
// older than --since; the events still show in the events pane, and they
// still apply to interactions that are listed.
func TestReplayOlderThanSinceAddsNoInteraction(t *testing.T) {
	api := &recordAPI{}
	m := unitModel(t, Options{Since: 2 * time.Hour, API: api})
	// Replayed history, as the stream marks it.
	old := client.Event{Type: client.EventSnapshotRequested, Seq: 1, InteractionID: "old-int", SnapshotID: "s-old",
		SnapshotType: "meter", Timestamp: fixedNow().Add(-3 * time.Hour), History: true}
	oldAcq := client.Event{Type: client.EventSnapshotAcquired, Seq: 2, InteractionID: "old-int", SnapshotID: "s-old2",
		SnapshotType: "meter", Timestamp: fixedNow().Add(-3*time.Hour + time.Minute), History: true}
	listed := evAt(client.EventSnapshotRequested, "s-listed", 3, 3*time.Hour) // int-1 is listed
	recent := client.Event{Type: client.EventSnapshotRequested, Seq: 4, InteractionID: "new-int", SnapshotID: "s-new",
		SnapshotType: "meter", Timestamp: fixedNow().Add(-time.Hour), History: true}
	_, cmd := m.Update(live(old, oldAcq, listed, recent))
	if shown(m, "old-int") {
		t.Fatal("an interaction named only by events older than --since was added")
	}
	if !shown(m, "new-int") {
		t.Fatal("an interaction named by an event inside --since was not added")
	}
	if _, ok := m.snaps.Row("s-listed"); !ok {
		t.Fatal("an old pending request of a listed interaction was not applied")
	}
	n := 0
	for i := 0; i < m.events.Len(); i++ {
		if m.events.At(i).Seq != 0 {
			n++
		}
	}
	if n != 4 {
		t.Fatalf("events pane has %d event lines, want 4", n)
	}
	// Nothing fetches the old interaction or its snapshot (the answer would
	// add it after all).
	for _, msg := range runCmd(cmd) {
		m.Update(msg)
	}
	if slices.ContainsFunc(api.calls, func(c string) bool { return strings.Contains(c, "old") }) {
		t.Fatalf("calls for the old interaction: %q", api.calls)
	}
	if shown(m, "old-int") {
		t.Fatal("the old interaction was added by a fetch")
	}
}

// recordAPI records the loading calls and answers them with nothing.
type recordAPI struct {
	API
	calls []string
}

func (a *recordAPI) GetInteraction(_ context.Context, id string) (client.Interaction, error) {
	a.calls = append(a.calls, "interaction "+id)
	return client.Interaction{ID: id}, nil
}

func (a *recordAPI) GetSnapshot(_ context.Context, id string) (client.Snapshot, error) {
	a.calls = append(a.calls, "snapshot "+id)
	return client.Snapshot{ID: id, InteractionID: "old-int", State: client.StateUploaded}, nil
}

func (a *recordAPI) ListSnapshots(_ context.Context, id string) ([]client.Snapshot, error) {
	a.calls = append(a.calls, "snapshots "+id)
	return nil, nil
}

func (a *recordAPI) ListInteractions(context.Context, time.Time, time.Time) ([]client.Interaction, error) {
	a.calls = append(a.calls, "interactions")
	return nil, nil
}

// T4: the read-only reason says why, and never names a flag nobody passed.
func TestReadOnlyReasonSaysWhy(t *testing.T) {
	for _, tc := range []struct {
		reason, want string
	}{
		{"", "read-only: actions are disabled"},
		{"supervisor role", "read-only (supervisor role): actions are disabled"},
		{"--read-only", "read-only (--read-only): actions are disabled"},
	} {
		m := unitModel(t, Options{ReadOnly: true, ReadOnlyReason: tc.reason})
		if l := lineWith(m.View(), "read-only"); !strings.Contains(l, tc.want) {
			t.Errorf("reason %q: status %q, want %q", tc.reason, l, tc.want)
		}
	}
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	m.fail(&client.APIError{Op: "approve", ID: "s1", Status: 403})
	m.status.Text = ""
	if l := lineWith(m.View(), "read-only"); !strings.Contains(l, "403") {
		t.Errorf("after a 403: %q", l)
	}
}

// T5: in a terminal a few lines high the too-small message keeps its first
// line (the renderer keeps the last lines of a view taller than the
// terminal) and never draws wider or taller than the terminal.
func TestTooSmallFitsTinyTerminals(t *testing.T) {
	for _, sz := range [][2]int{{10, 3}, {1, 1}, {30, 2}, {50, 12}, {69, 4}, {40, 1}, {60, 15}} {
		m := unitModel(t, Options{})
		m.Update(teaSize(sz[0], sz[1]))
		lines := strings.Split(m.View(), "\n")
		if len(lines) > sz[1] {
			t.Errorf("%dx%d: %d lines: %q", sz[0], sz[1], len(lines), lines)
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > sz[0] {
				t.Errorf("%dx%d: line %q is %d wide", sz[0], sz[1], l, w)
			}
		}
		if first := strings.TrimSpace(lines[0]); sz[0] >= 10 && !strings.Contains(first, "need") {
			t.Errorf("%dx%d: first line %q does not say what is needed", sz[0], sz[1], first)
		}
	}
}

// T7: when the listing of the selected interaction comes after replayed
// events put some of its rows in the table, the cursor still starts on the
// newest row (it stayed on the row it was on, now second).
func TestFirstSelectionIsTheNewestRow(t *testing.T) {
	m := New(Options{NoStream: true, Now: fixedNow, Location: time.UTC, ImageMode: ImageModeNone})
	t.Cleanup(m.Close)
	m.Update(teaSize(120, 40))
	now := fixedNow()
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-1", CreatedAt: &now}}})
	if m.selected != "int-1" {
		t.Fatalf("selected %q", m.selected)
	}
	acq := evAt(client.EventSnapshotAcquired, "s2", 1, 10*time.Minute)
	m.Update(live(acq))
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-1", Snapshots: []client.Snapshot{
		snap("s1", client.StateUploaded, 5*time.Minute), snap("s2", client.StateUploaded, 20*time.Minute)}})
	if r, ok := m.snaps.Selected(); !ok || r.Snapshot.ID != "s1" || m.snaps.Cursor() != 0 {
		t.Fatalf("cursor on %q (row %d), want the newest row s1", r.Snapshot.ID, m.snaps.Cursor()+1)
	}
	// Once the reviewer moved, a later listing keeps their row.
	press(m, "j")
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-1", Snapshots: []client.Snapshot{
		snap("s0", client.StateUploaded, time.Minute), snap("s1", client.StateUploaded, 5*time.Minute),
		snap("s2", client.StateUploaded, 20*time.Minute)}})
	if r, _ := m.snaps.Selected(); r.Snapshot.ID != "s2" {
		t.Fatalf("after j and a new listing the cursor is on %q, want s2", r.Snapshot.ID)
	}
}

// T7, the other order (seen in the demo): the listing came first and the
// replayed history then adds a newer (pending) row: the cursor goes to it;
// a live event afterwards does not move the cursor.
func TestFirstSelectionAfterHistory(t *testing.T) {
	m := New(Options{NoStream: true, Now: fixedNow, Location: time.UTC, ImageMode: ImageModeNone})
	t.Cleanup(m.Close)
	m.Update(teaSize(120, 40))
	now := fixedNow()
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-1", CreatedAt: &now}}})
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-1", Snapshots: []client.Snapshot{snap("s1", client.StateUploaded, 5*time.Minute)}})
	m.Update(live(evAt(client.EventSnapshotRequested, "s-req", 1, time.Minute)))
	if r, _ := m.snaps.Selected(); r.Snapshot.ID != "s-req" {
		t.Fatalf("cursor on %q (row %d), want the newest row s-req", r.Snapshot.ID, m.snaps.Cursor()+1)
	}
	m.Update(live(evAt(client.EventSnapshotRequested, "s-live", 2, 0)))
	if r, _ := m.snaps.Selected(); r.Snapshot.ID != "s-req" {
		t.Fatalf("a live event moved the cursor to %q", r.Snapshot.ID)
	}
}

// T8: event lines use the right article, and "other" reads as a kind.
func TestEventLinesGrammar(t *testing.T) {
	m := unitModel(t, Options{Identity: client.Identity{UserID: "agent-me"}})
	mk := func(typ, st string, seq uint64) client.Event {
		e := evAt(typ, "s-"+st[:min(2, len(st))], seq, 0)
		e.SnapshotType, e.UserID = st, "cust-1"
		return e
	}
	m.Update(live(mk(client.EventSnapshotAcquired, "other", 1), mk(client.EventSnapshotAcquired, "id-document", 2),
		mk(client.EventSnapshotApproved, "other", 3), mk(client.EventSnapshotAcquired, "", 4)))
	want := []string{
		"Ana sent a picture (other) s-ot",
		"Ana sent an id-document picture s-id",
		"Ana approved the picture (other) s-ot",
		"Ana sent a picture s-",
	}
	var got []string
	for i := 0; i < m.events.Len(); i++ {
		if e := m.events.At(i); e.Seq != 0 {
			got = append(got, m.events.Line(e))
		}
	}
	for i, w := range want {
		if i >= len(got) || !strings.HasSuffix(got[i], w) {
			t.Errorf("line %d = %q, want it to end with %q", i, strings.Join(got, " | "), w)
		}
	}
	if s := pictureOf("a", "other"); s != "a picture (other)" {
		t.Errorf("pictureOf other = %q", s)
	}
}

// T9: request, camera and upload are not offered for an interaction whose
// details never loaded (an unknown --interaction id): they could only fail.
func TestActionsNeedTheInteractionsDetails(t *testing.T) {
	m := New(Options{NoStream: true, Now: fixedNow, Location: time.UTC, ImageMode: ImageModeNone,
		Interactions: []string{"nope-id"}})
	t.Cleanup(m.Close)
	m.Update(teaSize(120, 40))
	m.Update(InteractionLoadedMsg{ID: "nope-id", Err: &client.APIError{Op: "get interaction", ID: "nope-id",
		Status: 400, Fields: map[string]string{"interactionId": "unknown interaction"}}})
	m.Update(InteractionsLoadedMsg{})
	if m.selected != "nope-id" {
		t.Fatalf("selected %q", m.selected)
	}
	if m.keys.Request.Enabled() || m.keys.Camera.Enabled() || m.keys.Upload.Enabled() {
		t.Fatal("actions offered for an interaction that does not exist")
	}
	if l := lineWith(m.View(), "help"); strings.Contains(l, "request") || strings.Contains(l, "camera") {
		t.Fatalf("footer offers them: %q", l)
	}
	now := fixedNow()
	m.Update(InteractionLoadedMsg{ID: "nope-id", Interaction: client.Interaction{ID: "nope-id", CreatedAt: &now}})
	if !m.keys.Request.Enabled() || !m.keys.Camera.Enabled() || !m.keys.Upload.Enabled() {
		t.Fatal("actions not offered once the details loaded")
	}
}

// T10: the footer's short help fits the width: lower-priority keys are
// dropped, never cut with "…", and "? help" always shows.
func TestFooterFitsTheWidth(t *testing.T) {
	for _, w := range []int{70, 80, 90, 120, 200} {
		m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
		m.Update(teaSize(w, 30))
		m.cmdline.setFilter("meter") // esc back is offered too
		lines := strings.Split(m.View(), "\n")
		foot := lines[len(lines)-1]
		if strings.Contains(foot, "…") || !strings.Contains(foot, "? help") || !strings.Contains(foot, "a approve") {
			t.Errorf("%d columns: footer %q", w, foot)
		}
		if ansi.StringWidth(foot) > w {
			t.Errorf("%d columns: footer is %d wide", w, ansi.StringWidth(foot))
		}
		// Most used first; wide, every key that applies now.
		if w >= 120 && !strings.Contains(foot, "n next") {
			t.Errorf("%d columns: footer %q drops keys it has room for", w, foot)
		}
		if w >= 200 {
			for _, k := range []string{"enter preview", "y copy", "s save", "u upload", "o open", "e events", "tab pane"} {
				if !strings.Contains(foot, k) {
					t.Errorf("%d columns: footer %q lacks %q", w, foot, k)
				}
			}
		}
	}
}
