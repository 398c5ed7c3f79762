package tui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// overlayRig is a dashboard in sixel mode whose Overlay writes to a buffer.
type overlayRig struct {
	*driver
	ov  *termgfx.Overlay
	out *bytes.Buffer
}

func newOverlayRig(t *testing.T, w, h int) *overlayRig {
	t.Helper()
	f := newFixture(t, fixtureOpts{})
	o := f.options()
	sofia(t, f, &o)
	o.ImageMode = ImageModeSixel
	o.Caps = Caps{Sixel: true, CellW: 10, CellH: 20}
	out := &bytes.Buffer{}
	ov := termgfx.NewOverlay(out, o.Caps.gfx())
	o.Output = ov
	return &overlayRig{driver: newDriver(t, o, w, h), ov: ov, out: out}
}

// frame writes a frame through the overlay, as the renderer does, and
// returns everything the terminal received since the last call.
func (r *overlayRig) frame() string {
	_, _ = r.ov.Write([]byte("\x1b[H" + r.m.View()))
	s := r.out.String()
	r.out.Reset()
	return s
}

// paintAt is the sequence that paints the sixel at the pane's picture
// origin as the layout has it now.
func (r *overlayRig) paintAt() string {
	p, f := r.m.lay.prev, frameOf(r.m)
	row := p.y + 1 + r.m.preview.DetailLines() + f.GraphicRow
	col := p.x + 1 + f.GraphicCol
	return fmt.Sprintf("\x1b7\x1b[%d;%dH\x1bP", row+1, col+1)
}

// erased reports whether s blanks cells with autowrap off (the Overlay's
// erase of a sixel).
func erased(s string) bool { return strings.Contains(s, "\x1b7\x1b[0m\x1b[?7l") }

// TestOverlayFollowsTheDashboard: the sixel is painted exactly at the
// preview pane's picture origin, stays up beside a dialog that does not
// cover it (the discard question goes over the table, the filter is a
// footer line), is erased when one covers it (the help, a menu too tall
// for the room above the picture) and painted again when it closes, and
// moves with the pane (full screen, events pane); a picture not loaded
// yet leaves no stale pixels behind.
func TestOverlayFollowsTheDashboard(t *testing.T) {
	r := newOverlayRig(t, 80, 24)
	r.until("the sixel", r.settled)
	if f := frameOf(r.m); f.Mode != termgfx.ModeSixel || f.Graphic == "" {
		t.Fatalf("frame mode %s, graphic %d bytes", frameOf(r.m).Mode, len(frameOf(r.m).Graphic))
	}
	r.requirePainted(t, "at the pane origin")

	for _, c := range []struct {
		open   string
		covers bool
	}{{"?", true}, {"d", false}, {"/", false}, {"c", true}} {
		r.checkDialog(t, c.open, c.covers)
	}

	// The events pane shrinks and moves the preview: the picture is
	// erased, rendered for the new pane and painted at its new origin.
	before := r.paintAt()
	r.key("e")
	r.requireErased(t, "when the events pane moved the preview")
	r.until("the sixel for the smaller pane", r.settled)
	if r.requirePainted(t, "at the moved pane's origin"); r.paintAt() == before {
		t.Fatalf("sixel painted at the old origin %q", before)
	}
	r.key("e")
	r.until("the sixel again", r.settled)
	r.frame()

	// A resize: the old graphic is erased, the new size painted.
	r.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	r.requireErased(t, "after a resize")
	r.until("the sixel at the new size", r.settled)
	if r.requirePainted(t, "after the resize"); r.m.lay.prev.w < 40 {
		t.Fatalf("preview %d wide after the resize", r.m.lay.prev.w)
	}
	r.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.until("the sixel at 80x24", r.settled)
	r.frame()

	// Full screen: a third detail line, another origin.
	r.key("enter")
	r.frame()
	r.until("the full-screen sixel", r.settled)
	r.requirePainted(t, "full screen")
	r.key("esc")
	r.until("the pane sixel", r.settled)
	r.frame()

	// The spinner on the rows the sixel covers stands still.
	if a, b := r.m.preview.bodySpin("⠋"), r.m.preview.bodySpin("⠙"); a != b {
		t.Fatalf("body spinner moves under a sixel: %q, %q", a, b)
	}

	// The watch screen covers everything.
	r.key("w")
	r.requireErased(t, "by the watch screen")
	r.key("w")
	r.until("back", r.settled)
	r.frame()

	// Image mode → ascii: the sixel goes away for good.
	r.key("i")
	r.until("the ascii picture", r.settled)
	r.requireErased(t, "when the mode became ascii")
}

// checkDialog opens a dialog with key open: one that covers the picture
// erases it and paints it again when it closes; one that does not leaves
// it up.
func (r *overlayRig) checkDialog(t *testing.T, open string, covers bool) {
	t.Helper()
	r.key(open)
	if r.m.Focus().Dialog == "" {
		t.Fatalf("%v opened no dialog", open)
	}
	out := r.frame()
	switch {
	case !covers && (erased(out) || !r.m.preview.graphicShown()):
		t.Fatalf("%v: sixel erased though the dialog leaves it in view: %q", open, tail([]byte(out), 300))
	case covers && (!erased(out) || strings.Contains(out, "\x1bP")):
		t.Fatalf("%v: sixel not erased (or painted again) under the dialog: %q", open, tail([]byte(out), 300))
	}
	r.key("esc")
	r.until("the dialog closed", func() bool { return r.m.Focus().Dialog == "" })
	out = r.frame()
	if covers && !strings.Contains(out, r.paintAt()) {
		t.Fatalf("%v: sixel not painted again after the dialog closed", open)
	}
}

// requireErased fails unless the next frame erases the sixel and paints
// none.
func (r *overlayRig) requireErased(t *testing.T, when string) {
	t.Helper()
	if out := r.frame(); !erased(out) || strings.Contains(out, "\x1bP") {
		t.Fatalf("old sixel not erased %s: %q", when, tail([]byte(out), 300))
	}
}

// requirePainted fails unless the next frame paints the sixel at the
// preview's picture origin.
func (r *overlayRig) requirePainted(t *testing.T, where string) {
	t.Helper()
	if out := r.frame(); !strings.Contains(out, r.paintAt()) {
		t.Fatalf("sixel not painted %s (%q):\n%q", where, r.paintAt(), tail([]byte(out), 300))
	}
}

// TestOverlayNoStalePixelsOnMove: moving to a picture that is not loaded
// erases the old sixel before anything else is drawn; the new one is
// painted when it arrives.
func TestOverlayNoStalePixelsOnMove(t *testing.T) {
	r := newOverlayRig(t, 120, 40)
	r.until("the sixel", r.settled)
	r.frame()
	r.m.preview.Purge() // nothing prefetched: the next picture must load
	r.key("j")
	if hasFrame(r.m) {
		t.Fatal("a picture is shown before it loaded")
	}
	if out := r.frame(); !erased(out) || strings.Contains(out, "\x1bP") {
		t.Fatal("old sixel not erased when the selection moved")
	}
	r.until("the next sixel", r.settled)
	if out := r.frame(); !strings.Contains(out, r.paintAt()) {
		t.Fatal("next sixel not painted")
	}
}

// TestOverlayKitty: a kitty picture is transmitted once, its placeholder
// cells are in the View, and a dialog deletes the image.
func TestOverlayKitty(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.options()
	sofia(t, f, &o)
	o.ImageMode = ImageModeKitty
	o.Caps = Caps{Kitty: true, TrueColor: true, CellW: 9, CellH: 18}
	out := &bytes.Buffer{}
	ov := termgfx.NewOverlay(out, o.Caps.gfx())
	o.Output = ov
	r := &overlayRig{driver: newDriver(t, o, 120, 40), ov: ov, out: out}
	r.until("the kitty picture", r.settled)
	if s := r.frame(); strings.Count(s, "\x1b_Ga=T") != 1 {
		t.Fatalf("kitty image transmitted %d times", strings.Count(s, "\x1b_Ga=T"))
	}
	if !strings.Contains(r.m.View(), "\U0010EEEE") {
		t.Fatal("no kitty placeholder cells in the View")
	}
	if s := r.frame(); strings.Contains(s, "\x1b_Ga=T") {
		t.Fatal("kitty image transmitted again by an unchanged frame")
	}
	r.key("?")
	if s := r.frame(); !strings.Contains(s, "a=d") {
		t.Fatalf("kitty image not deleted under the help: %q", tail([]byte(s), 200))
	}
}
