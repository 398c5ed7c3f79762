package termgfx

import (
	"context"
	"image"
	"image/color"
	"strconv"
	"testing"

	"github.com/snapdash/snapdash/internal/cellimg"
)

// TestSixelOwnSize: a picture that fits the pane is drawn at its own size,
// pixel for pixel (no resampling blur), even when its height is not whole
// sixel bands; the last band never ends below the pane.
func TestSixelOwnSize(t *testing.T) {
	pic := image.NewYCbCr(image.Rect(0, 0, 401, 301), image.YCbCrSubsampleRatio420)
	for y := 0; y < 301; y++ {
		for x := 0; x < 401; x++ {
			// A sharp checker: any resampling would blur it.
			v := uint8(40)
			if (x/3+y/3)%2 == 0 {
				v = 210
			}
			pic.Y[pic.YOffset(x, y)] = v
		}
	}
	for i := range pic.Cb {
		pic.Cb[i], pic.Cr[i] = 128, 128
	}
	for _, c := range []struct {
		rows, wantH, wantRows int
	}{
		{45, 301, 16}, // 16 rows of 20 px hold 301 px; the last band ends at 306
		{16, 301, 16}, // the pane is exactly the picture's rows: 306 < 320
		{15, 300, 15}, // 300 px cannot hold 301: shrunk to fit
	} {
		f, err := Render(context.Background(), pic, Options{Cols: 120, Rows: c.rows, Mode: ModeSixel, CellW: 10, CellH: 20})
		if err != nil {
			t.Fatal(err)
		}
		got, err := cellimg.DecodeSixel(f.Graphic)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rect.Dy() != c.wantH || (c.wantH == 301 && got.Rect.Dx() != 401) {
			t.Fatalf("%d rows: drew %v, want height %d", c.rows, got.Rect, c.wantH)
		}
		if bottom := (f.GraphicRow*20 + (got.Rect.Dy()+5)/6*6); bottom > c.rows*20 {
			t.Errorf("%d rows: the last band ends at %d px, below the pane", c.rows, bottom)
		}
		if f.GraphicRows != c.wantRows {
			t.Errorf("%d rows: graphic rows %d, want %d", c.rows, f.GraphicRows, c.wantRows)
		}
		if c.wantH != 301 {
			continue
		}
		bad := 0
		for y := 0; y < 301; y++ {
			for x := 0; x < 401; x++ {
				want := pic.YCbCrAt(x, y)
				r, _, _, _ := color.YCbCrModel.Convert(want).RGBA()
				g := got.RGBAAt(x, y)
				if d := int(g.R) - int(r>>8); d > 3 || d < -3 {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("%d of %d pixels differ from the picture's by more than 3 levels: resampled?", bad, 401*301)
		}
	}
}

// TestSixelOwnSizeKeepsEdgeColours: a PNG drawn at its own size keeps a
// half-transparent pixel's colour (drawn opaque, as Resample keeps it),
// not its colour premultiplied by its alpha.
func TestSixelOwnSizeKeepsEdgeColours(t *testing.T) {
	pic := image.NewNRGBA(image.Rect(0, 0, 60, 60))
	for i := 0; i < len(pic.Pix); i += 4 {
		pic.Pix[i], pic.Pix[i+1], pic.Pix[i+2], pic.Pix[i+3] = 240, 240, 240, 160
	}
	f, err := Render(context.Background(), pic, Options{Cols: 20, Rows: 10, Mode: ModeSixel, CellW: 10, CellH: 20})
	if err != nil {
		t.Fatal(err)
	}
	got, err := cellimg.DecodeSixel(f.Graphic)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rect.Dx() != 60 || got.Rect.Dy() != 60 {
		t.Fatalf("drew %v, want 60x60", got.Rect)
	}
	if c := got.RGBAAt(30, 30); c.R < 230 {
		t.Errorf("a 240-grey pixel at alpha 160 drawn as %v: darkened", c)
	}
}

// TestAppendCount checks the sixel encoder's decimal writer against
// strconv over register numbers, run lengths and beyond.
func TestAppendCount(t *testing.T) {
	for n := 0; n <= 20000; n++ {
		if got, want := string(appendCount([]byte("#"), n)), "#"+strconv.Itoa(n); got != want {
			t.Fatalf("appendCount(%d) = %q, want %q", n, got, want)
		}
	}
}
