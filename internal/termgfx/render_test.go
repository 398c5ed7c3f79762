package termgfx

import (
	"context"
	"errors"
	"image"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/snapdash/snapdash/internal/cellimg"
)

func checkShape(t *testing.T, f Frame, cols, rows int) {
	t.Helper()
	if len(f.Lines) != rows {
		t.Fatalf("%s: %d lines, want %d", f.Mode, len(f.Lines), rows)
	}
	for i, l := range f.Lines {
		if w := ansi.StringWidth(l); w != cols {
			t.Fatalf("%s: line %d is %d cells wide, want %d: %q", f.Mode, i, w, cols, l)
		}
		if strings.Contains(l, "\n") {
			t.Fatalf("%s: line %d contains a newline", f.Mode, i)
		}
	}
}

func TestRenderGolden(t *testing.T) {
	// 80x56 fits 40x14 text cells (40x28 half-block pixels) by exact
	// integer box reductions, so no floating-point kernel runs and the
	// goldens are the same on every architecture.
	img := testPicture(80, 56)
	cases := []struct {
		name string
		o    Options
	}{
		{"ascii_mono", Options{Cols: 40, Rows: 14, Mode: ModeASCII}},
		{"ascii_color", Options{Cols: 40, Rows: 14, Mode: ModeASCII, Color: true, TrueColor: true}},
		{"ascii_color256", Options{Cols: 40, Rows: 14, Mode: ModeASCII, Color: true}},
		{"halfblock_truecolor", Options{Cols: 40, Rows: 14, Mode: ModeHalfblock, TrueColor: true}},
		{"halfblock_256", Options{Cols: 40, Rows: 14, Mode: ModeHalfblock}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Render(context.Background(), img, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			checkShape(t, f, tc.o.Cols, tc.o.Rows)
			// testdata/TestRenderGolden/<name>.golden; go test -update rewrites it.
			golden.RequireEqualEscape(t, []byte(f.String()+"\n"), true)
		})
	}
}

func TestASCIIMonoHasNoEscapes(t *testing.T) {
	f, err := Render(context.Background(), testPicture(50, 50), Options{Cols: 20, Rows: 10, Mode: ModeASCII})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(f.String(), "\x1b") {
		t.Fatal("mono ASCII contains escape sequences")
	}
}

func TestRenderShapesAllModes(t *testing.T) {
	ctx := context.Background()
	for _, size := range [][2]int{{1, 1}, {3, 2}, {17, 5}, {61, 19}} {
		for _, pic := range []image.Image{testPicture(640, 480), testPicture(30, 900), testPicture(1, 1)} {
			for _, m := range []Mode{ModeASCII, ModeHalfblock, ModeSixel, ModeKitty} {
				o := Options{Cols: size[0], Rows: size[1], Mode: m, Color: true, TrueColor: true, ImageID: 7}
				f, err := Render(ctx, pic, o)
				if err != nil {
					t.Fatalf("%s %v: %v", m, size, err)
				}
				checkShape(t, f, size[0], size[1])
			}
		}
	}
}

func TestRenderAspect(t *testing.T) {
	// A 2:1 picture in a 40x40 pane with 1:2 cells: 40 columns wide, 20
	// pixel rows = 10 cell rows tall, centred vertically.
	f, err := Render(context.Background(), testPicture(200, 100), Options{Cols: 40, Rows: 40, Mode: ModeHalfblock, TrueColor: true})
	if err != nil {
		t.Fatal(err)
	}
	// Flat areas are drawn as coloured spaces: decode the cells to see
	// which are painted.
	px, err := cellimg.Decode(f.String())
	if err != nil {
		t.Fatal(err)
	}
	if r := cellimg.Painted(px); r != image.Rect(0, 30, 40, 50) {
		t.Fatalf("painted pixels %v, want 10 cell rows from row 15 (%v)", r, image.Rect(0, 30, 40, 50))
	}
	// Square cells (CellW == CellH) make the same picture half as tall again.
	f, err = Render(context.Background(), testPicture(200, 100), Options{Cols: 40, Rows: 40, Mode: ModeASCII, CellW: 10, CellH: 10})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range f.Lines {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	if n != 20 {
		t.Fatalf("square cells: %d rows painted, want 20", n)
	}
}

func TestRenderEdgeCases(t *testing.T) {
	ctx := context.Background()
	f, err := Render(ctx, testPicture(10, 10), Options{Cols: 0, Rows: 5, Mode: ModeASCII})
	if err != nil || len(f.Lines) != 0 {
		t.Fatalf("zero-width pane: %v %d", err, len(f.Lines))
	}
	if _, err := Render(ctx, nil, Options{Cols: 5, Rows: 5}); err == nil {
		t.Fatal("nil picture: no error")
	}
	if _, err := Render(ctx, testPicture(10, 10), Options{Cols: 5, Rows: 5, Mode: "bogus"}); err == nil {
		t.Fatal("unknown mode: no error")
	}
	f, err = Render(ctx, testPicture(10, 10), Options{Cols: 5, Rows: 5})
	if err != nil || f.Mode != ModeHalfblock {
		t.Fatalf("auto mode: %v %s", err, f.Mode)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Render(cctx, testPicture(10, 10), Options{Cols: 5, Rows: 5, Mode: ModeSixel}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	// Silly zoom and pan values are clamped, not trusted.
	for _, z := range []float64{-3, 0, 1e9} {
		f, err = Render(ctx, testPicture(100, 100), Options{Cols: 10, Rows: 5, Mode: ModeHalfblock, Zoom: z, PanX: 5, PanY: -7})
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, f, 10, 5)
	}
}

func TestXterm256(t *testing.T) {
	cases := map[[3]uint8]int{
		{0, 0, 0}: 16, {255, 255, 255}: 231, {255, 0, 0}: 196, {0, 0, 255}: 21,
		{128, 128, 128}: 244, {95, 135, 175}: 67,
	}
	for c, want := range cases {
		if got := xterm256(c[0], c[1], c[2]); got != want {
			t.Errorf("xterm256(%v) = %d, want %d", c, got, want)
		}
	}
}
