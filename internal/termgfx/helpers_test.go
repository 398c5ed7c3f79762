package termgfx

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// updatePreview rewrites the golden files (teatest's golden package owns
// -update, so this package uses its own flag; UPDATE_GOLDEN=1 works too).
var updatePreview = flag.Bool("update-preview", false, "rewrite internal/termgfx golden files")

// golden compares got with testdata/name.golden, or rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *updatePreview || os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-preview to create it)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		for i := 0; i < len(wl) || i < len(gl); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Fatalf("%s differs at line %d:\nwant %q\ngot  %q", path, i+1, w, g)
			}
		}
		t.Fatalf("%s differs", path)
	}
}

// testPicture draws a deterministic w×h picture: a colour gradient, a dark
// disc and a white bar, so every mode has edges and colours to show.
func testPicture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, rad := float64(w)*0.35, float64(h)*0.5, float64(min(w, h))*0.3
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), uint8(255 - x*255/max(w-1, 1)), 255}
			if math.Hypot(float64(x)-cx, float64(y)-cy) < rad {
				c = color.RGBA{20, 30, 40, 255}
			}
			if x > w*7/10 && x < w*8/10 {
				c = color.RGBA{250, 250, 250, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}
