package termgfx

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image"
	"image/png"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHostileCellSizeIsClamped(t *testing.T) {
	if w, h := ClampCell(999, 999); w != MaxCellW || h != MaxCellH {
		t.Fatalf("999x999 -> %dx%d", w, h)
	}
	if w, h := ClampCell(1, 1); w != MinCellW || h != MinCellH {
		t.Fatalf("1x1 -> %dx%d", w, h)
	}
	if w, h := ClampCell(0, 20); w != 0 || h != 0 {
		t.Fatalf("unknown -> %dx%d", w, h)
	}
	// The size query's reply, from a terminal or from any SSH client.
	in, out := scriptedTerminal(t, "\x1b[6;999;999t\x1b[?62;4c", 0)
	c, err := Query(in, out, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if c.CellW != MaxCellW || c.CellH != MaxCellH {
		t.Fatalf("query reply 999x999: caps %+v", c)
	}
	// The pty request's window size in pixels.
	if w, h := CellSize(80, 24, 80*512, 24*512); w != MaxCellW || h != MaxCellH {
		t.Fatalf("pty 512 px cells: %dx%d", w, h)
	}
}

var sixelRaster = regexp.MustCompile(`"1;1;(\d+);(\d+)`)

// sixelSize reads the size a sixel graphic declares.
func sixelSize(t *testing.T, g string) (int, int) {
	t.Helper()
	m := sixelRaster.FindStringSubmatch(g)
	if m == nil {
		t.Fatalf("no raster attributes in %q", trunc(g))
	}
	w, _ := strconv.Atoi(m[1])
	h, _ := strconv.Atoi(m[2])
	return w, h
}

// kittySize decodes the PNG a kitty graphic transmits and returns its size.
func kittySize(t *testing.T, g string) (int, int) {
	t.Helper()
	var payload strings.Builder
	for _, apc := range strings.Split(g, "\x1b_G")[1:] {
		body := strings.TrimSuffix(apc, "\x1b\\")
		payload.WriteString(body[strings.IndexByte(body, ';')+1:])
	}
	raw, err := base64.StdEncoding.DecodeString(payload.String())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height
}

// renderAlloc renders and returns the frame and the bytes allocated.
func renderAlloc(t *testing.T, img image.Image, o Options) (Frame, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := Render(context.Background(), img, o)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("%s: %v", o.Mode, err)
	}
	return f, after.TotalAlloc - before.TotalAlloc
}

func TestHostileCellSizeGivesABoundedRender(t *testing.T) {
	pic := testPicture(640, 480)
	for _, mode := range []Mode{ModeSixel, ModeKitty} {
		// An 80×24 pane at 999×999 px cells was a 10656×7992 sixel.
		o := Options{Cols: 80, Rows: 24, Mode: mode, CellW: 999, CellH: 999, ImageID: 1}
		f, alloc := renderAlloc(t, pic, o)
		var w, h int
		if mode == ModeSixel {
			w, h = sixelSize(t, f.Graphic)
		} else {
			w, h = kittySize(t, f.Graphic)
		}
		if w > 640 || h > 480 {
			t.Errorf("%s: a 640x480 picture rendered at %dx%d", mode, w, h)
		}
		if alloc > 32<<20 || f.Size() > MaxFrameBytes {
			t.Errorf("%s: allocated %d MB, frame %d bytes", mode, alloc>>20, f.Size())
		}
		checkShape(t, f, 80, 24)
		if mode == ModeKitty && (f.GraphicCols != 80 && f.GraphicRows != 24) {
			t.Errorf("kitty no longer fills the pane: %dx%d cells", f.GraphicCols, f.GraphicRows)
		}
	}
	// A large picture in a large pane stays within the pixel budget.
	big := testPicture(2600, 2000)
	f, alloc := renderAlloc(t, big, Options{Cols: 200, Rows: 60, Mode: ModeSixel, CellW: 64, CellH: 128})
	if w, h := sixelSize(t, f.Graphic); w*h > MaxRenderPixels {
		t.Errorf("sixel of %dx%d over the %d pixel budget", w, h, MaxRenderPixels)
	}
	if alloc > 96<<20 {
		t.Errorf("allocated %d MB", alloc>>20)
	}
}

func TestFrameBytesAreBounded(t *testing.T) {
	// A window of 5000×5000 cells would be a frame of about a gigabyte.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Render(context.Background(), testPicture(64, 64), Options{Cols: 5000, Rows: 5000, Mode: ModeHalfblock, TrueColor: true})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("err = %v, want ErrFrameTooLarge", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("allocated %d KB refusing it", grew>>10)
	}
	// The sixel encoder gives up once its output passes the limit: pure
	// noise costs a run per colour per band (over 100 MB here).
	noise := image.NewRGBA(image.Rect(0, 0, 1600, 1600))
	x := uint32(1)
	for i := range noise.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		noise.Pix[i] = byte(x)
	}
	out, err := encodeSixelFast(context.Background(), noise, 256)
	if err == nil && len(out) > MaxFrameBytes+len(out)/100 {
		t.Fatalf("sixel of %d bytes", len(out))
	}
}
