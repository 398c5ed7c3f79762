package tui

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// TestFullscreen compares the full-screen preview, fitted and zoomed in
// and panned, with golden files at 80x24 and 120x40. Regenerate with
// `go test ./tui/ -run TestFullscreen -update`.
func TestFullscreen(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		zoom float64
	}{
		{"fit", nil, 1},
		{"zoom", []string{"+", "+", "l", "j"}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, sz := range sizes {
				t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
					f := newFixture(t, fixtureOpts{})
					o := f.options()
					sofia(t, f, &o)
					d := newDriver(t, o, sz[0], sz[1])
					d.until("the picture", d.settled)
					d.key("enter")
					d.until("the full-screen picture", d.settled)
					d.key(c.keys...)
					d.until("the zoomed picture", d.settled)
					if zoomOf(d.m) != c.zoom || !d.m.preview.Full() {
						t.Fatalf("zoom %v full %t, want %v", zoomOf(d.m), d.m.preview.Full(), c.zoom)
					}
					if _, px, py := d.m.preview.Zoom(); c.zoom > 1 && (px <= 0 || py <= 0) {
						t.Fatalf("pan %v,%v: l and j did not pan", px, py)
					}
					golden.RequireEqual(t, d.view())
				})
			}
		})
	}
}

// TestFullscreenKeys covers zoom steps, fit, pan limits, the way back,
// and that the full-screen keys show in the footer and the help.
func TestFullscreenKeys(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.options()
	sofia(t, f, &o)
	d := newDriver(t, o, 120, 40)
	d.until("the picture", d.settled)
	first, _ := d.m.selectedRow()

	d.key("enter")
	d.until("the full-screen picture", d.settled)
	v := string(d.view())
	requireShows(t, "full screen", v, "· esc back", "1280×960 px", "kB", "image/jpeg", "zoom fit", "+ zoom in", "esc back")
	if strings.Contains(v, "0/= fit") || strings.Contains(v, "pan") {
		t.Error("fit and pan keys shown while not zoomed")
	}

	// At fit, j moves to the next snapshot, like the table.
	d.key("j")
	if r, _ := d.m.selectedRow(); r.Snapshot.ID == first.Snapshot.ID {
		t.Fatal("j at fit did not move to the next snapshot")
	}
	d.key("k")
	d.until("the first picture", d.settled)

	fullscreenZoom(t, d, first.Snapshot.ID)

	d.key("?")
	requireShows(t, "help", string(d.view()), "zoom in", "zoom out", "pan", "previous snapshot (at fit)", "ctrl+c")
	d.key("esc")
	if d.m.Focus().Dialog != "" || !d.m.preview.Full() {
		t.Fatal("esc in the help should close only the help")
	}

	for _, back := range []string{"esc", "enter", "q"} {
		fullscreenBack(t, d, back)
	}
}

// requireShows fails for each of wants what's view lacks.
func requireShows(t *testing.T, what, view string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(view, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, view)
		}
	}
}

// fullscreenZoom zooms past the last level, pans past the edges, and
// steps back to fit with -, 0 and =.
func fullscreenZoom(t *testing.T, d *driver, first string) {
	t.Helper()
	d.key("+", "+", "+", "+", "+", "+", "+", "+", "+", "+") // past the last level
	if z := zoomOf(d.m); z != 16 {
		t.Fatalf("zoom %v after many +", z)
	}
	for range 40 {
		d.key("h", "k") // far past the edge
	}
	if _, px, py := d.m.preview.Zoom(); px != -1 || py != -1 {
		t.Fatalf("pan %v,%v, want clamped to -1,-1", px, py)
	}
	if r, _ := d.m.selectedRow(); r.Snapshot.ID != first {
		t.Fatal("k while zoomed moved the selection instead of panning")
	}
	d.until("the zoomed picture", d.settled)
	requireShows(t, "zoomed screen", string(d.view()), "zoom 16×", "0/= fit", "hjkl pan", "+/- zoom")
	// A 1/8 decode was enough for the fitted text pane; 16× needs more
	// pixels, so the picture was decoded again from the cached file.
	if info, ok := d.m.preview.Decoded(first); !ok || info.Scale != 1 {
		t.Errorf("zoomed picture decoded at scale %d, want a full decode", info.Scale)
	}
	d.key("-")
	if z := zoomOf(d.m); z != 12 {
		t.Fatalf("zoom %v after -, want 12", z)
	}
	d.key("0")
	if z, px, py := d.m.preview.Zoom(); z != 1 || px != 0 || py != 0 {
		t.Fatalf("0 did not fit: %v %v,%v", z, px, py)
	}
	d.key("+", "=")
	if zoomOf(d.m) != 1 {
		t.Fatal("= did not fit")
	}
}

// fullscreenBack zooms in, leaves the full screen with key back (which
// must neither quit nor keep the zoom), and opens it again.
func fullscreenBack(t *testing.T, d *driver, back string) {
	t.Helper()
	d.key("+")
	d.key(back)
	if d.m.preview.Full() || d.m.quitting {
		t.Fatalf("%s: full %t quitting %t", back, d.m.preview.Full(), d.m.quitting)
	}
	if zoomOf(d.m) > 1 {
		t.Fatalf("%s: zoom %v kept after leaving", back, zoomOf(d.m))
	}
	d.key("enter")
	if !d.m.preview.Full() {
		t.Fatal("enter did not open the full-screen preview")
	}
}

// TestImageModeKey cycles the modes with i, end to end: title, footer
// and the frame's mode; without colour, half blocks (drawn as ASCII) are
// skipped.
func TestImageModeKey(t *testing.T) {
	for _, c := range []struct {
		name    string
		profile termenv.Profile
		cycle   []termgfx.Mode
	}{
		{"truecolor", termenv.TrueColor, []termgfx.Mode{termgfx.ModeSixel, termgfx.ModeASCII, termgfx.ModeHalfblock, termgfx.ModeSixel}},
		{"no-color", termenv.Ascii, []termgfx.Mode{termgfx.ModeSixel, termgfx.ModeASCII, termgfx.ModeSixel}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			o := f.options()
			sofia(t, f, &o)
			o.Renderer = lipgloss.NewRenderer(io.Discard)
			o.Renderer.SetColorProfile(c.profile)
			o.ImageMode = ImageModeAuto
			o.Caps = Caps{Sixel: true, TrueColor: true, CellW: 10, CellH: 20}
			d := newDriver(t, o, 120, 40)
			d.until("the picture", d.settled)
			for i, want := range c.cycle {
				if i > 0 {
					d.key("i")
					d.until("the picture in the next mode", d.settled)
				}
				if f, _, _ := d.m.preview.Frame(); f.Mode != want {
					t.Fatalf("step %d: frame mode %s, want %s", i, frameOf(d.m).Mode, want)
				}
				v := ansi.Strip(d.m.View())
				if !strings.Contains(v, "Preview · "+string(want)) || !strings.Contains(v, "image "+string(want)) {
					t.Fatalf("step %d: title or footer does not say %s:\n%s", i, want, v)
				}
			}
		})
	}
}
