package termgfx

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/bench/testpic"
	"github.com/snapdash/snapdash/internal/cellimg"
)

// The anchors: chafa (half blocks, `-c full --symbols vhalf`) and
// img2sixel (default settings), run on the same photographs in the same
// run. Every picture, ours and theirs, is decoded back to pixels and
// compared with the photo area-averaged to those pixels
// (cellimg.AreaAverage, which no encoder uses) after the same light blur
// (σ = 1 output pixel for cells, 2 px for sixel): cellimg.PhotoError.

// anchorPhotos returns the photographs of testdata/photos.
func anchorPhotos(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "photos", "*.jpeg"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no photos: %v", err)
	}
	return names
}

func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (apt-get install %s): the comparison with it is skipped", name, pkg)
	}
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// TestHalfblockAsFaithfulAsChafa: at fidelity (the default) every photo's
// perceived error is at most 1.1× chafa's, in at most chafa's bytes, 0.6×
// as a median; at balanced the error is at most 1.25× chafa's.
func TestHalfblockAsFaithfulAsChafa(t *testing.T) {
	needTool(t, "chafa", "chafa")
	var ratios []float64
	for _, path := range anchorPhotos(t) {
		name := filepath.Base(path)
		img := loadPhoto(t, name)
		theirs := runTool(t, "chafa", "--size=120x40", "-f", "symbols", "-c", "full", "--symbols", "vhalf", path)
		tg, err := cellimg.Decode(theirs)
		if err != nil {
			t.Fatalf("%s: chafa's output: %v", name, err)
		}
		te := cellimg.PhotoError(tg, img, 1)
		for _, q := range []Quality{QualityFidelity, QualityBalanced} {
			f, err := Render(context.Background(), img, Options{Cols: 120, Rows: 40, Mode: ModeHalfblock, TrueColor: true, Quality: q})
			if err != nil {
				t.Fatal(err)
			}
			ours := f.String()
			og, err := cellimg.Decode(ours)
			if err != nil {
				t.Fatal(err)
			}
			oe := cellimg.PhotoError(og, img, 1)
			ratio := float64(len(ours)) / float64(len(theirs))
			t.Logf("%-16s %-9s %7d B %.4f | chafa %7d B %.4f | bytes %.2fx error %.2fx", name, q, len(ours), oe, len(theirs), te, ratio, oe/te)
			limit := 1.1
			if q == QualityBalanced {
				limit = 1.25
			}
			if oe > limit*te {
				t.Errorf("%s at %s: perceived error %.4f, more than %.2fx chafa's %.4f", name, q, oe, limit, te)
			}
			if q == QualityFidelity {
				ratios = append(ratios, ratio)
				if ratio > 1 {
					t.Errorf("%s: %d bytes, more than chafa's %d", name, len(ours), len(theirs))
				}
			}
		}
	}
	if m := median(ratios); m > 0.6 {
		t.Errorf("median bytes %.2fx chafa's, want at most 0.6x", m)
	}
}

// TestSixelAsFaithfulAsImg2sixel: at fidelity every photo's perceived
// error is at most 1.1× img2sixel's at the same pixel size, in at most
// its bytes, and at most 0.8× its bytes as a median. The photos are drawn at most 480×360 px to keep the test short
// under -race; bench/compare.sh runs them at full size.
func TestSixelAsFaithfulAsImg2sixel(t *testing.T) {
	needTool(t, "img2sixel", "libsixel-bin")
	var ratios []float64
	for _, path := range anchorPhotos(t) {
		name := filepath.Base(path)
		img := loadPhoto(t, name)
		f, err := Render(context.Background(), img, Options{Cols: 48, Rows: 18, Mode: ModeSixel, CellW: 10, CellH: 20})
		if err != nil {
			t.Fatal(err)
		}
		og, err := cellimg.DecodeSixel(f.Graphic)
		if err != nil {
			t.Fatal(err)
		}
		w, h := og.Rect.Dx(), og.Rect.Dy()
		theirs := runTool(t, "img2sixel", "-w", fmt.Sprint(w), "-h", fmt.Sprint(h), path)
		tg, err := cellimg.DecodeSixel(theirs)
		if err != nil {
			t.Fatalf("%s: img2sixel's output: %v", name, err)
		}
		if tg.Rect.Dx() != w || tg.Rect.Dy() != h {
			t.Fatalf("%s: img2sixel drew %v, we drew %dx%d", name, tg.Rect, w, h)
		}
		oe, te := cellimg.PhotoError(og, img, 2), cellimg.PhotoError(tg, img, 2)
		t.Logf("%-16s %dx%d %7d B %.4f | img2sixel %7d B %.4f | bytes %.2fx error %.2fx", name, w, h, len(f.Graphic), oe, len(theirs), te,
			float64(len(f.Graphic))/float64(len(theirs)), oe/te)
		if oe > 1.1*te {
			t.Errorf("%s: perceived error %.4f, more than 1.1x img2sixel's %.4f", name, oe, te)
		}
		ratio := float64(len(f.Graphic)) / float64(len(theirs))
		if ratio > 1 {
			t.Errorf("%s: %d bytes, more than img2sixel's %d", name, len(f.Graphic), len(theirs))
		}
		ratios = append(ratios, ratio)
	}
	if m := median(ratios); m > 0.8 {
		t.Errorf("median bytes %.2fx img2sixel's, want at most 0.8x", m)
	}
}

// TestEncodersOnSkyGradient: a sky-like gradient with camera noise, where
// banding and streaks show most. Against the area-averaged picture (no
// anchor needed), half blocks and sixel stay within a small perceived
// error, and no stripe of the drawn sky differs from the reference's by a
// step (a band): each stripe's mean stays within 1.5 levels of the truth.
func TestEncodersOnSkyGradient(t *testing.T) {
	sky := testpic.Sky(640, 400)
	for _, o := range []Options{
		{Cols: 120, Rows: 40, Mode: ModeHalfblock, TrueColor: true},
		{Cols: 64, Rows: 20, Mode: ModeSixel, CellW: 10, CellH: 20},
	} {
		f, err := Render(context.Background(), sky, o)
		if err != nil {
			t.Fatal(err)
		}
		var got *image.RGBA
		sigma := 1.0
		if o.Mode == ModeSixel {
			got, err = cellimg.DecodeSixel(f.Graphic)
			sigma = 2
		} else {
			got, err = cellimg.Decode(f.String())
		}
		if err != nil {
			t.Fatal(err)
		}
		r := cellimg.Painted(got)
		ref := cellimg.AreaAverage(sky, r.Dx(), r.Dy())
		e := cellimg.PerceivedError(got, r, ref, sigma)
		t.Logf("%s: perceived error %.4f", o.Mode, e)
		if e > 0.004 {
			t.Errorf("%s: perceived error %.4f on the sky, want at most 0.004", o.Mode, e)
		}
		// A band is a stripe as tall as the eye's blur (two cell rows;
		// sixel: two 6-pixel bands) whose mean is off: the carried errors
		// may move a little colour from one row to the next, not more.
		step := 4
		if o.Mode == ModeSixel {
			step = 12
		}
		worst := 0.0
		for y := 0; y+step <= r.Dy(); y += step {
			var d [3]float64
			for yy := y; yy < y+step; yy++ {
				for x := 0; x < r.Dx(); x++ {
					g := got.RGBAAt(r.Min.X+x, r.Min.Y+yy)
					w := ref.RGBAAt(x, yy)
					d[0] += float64(g.R) - float64(w.R)
					d[1] += float64(g.G) - float64(w.G)
					d[2] += float64(g.B) - float64(w.B)
				}
			}
			for c := range d {
				m := d[c] / float64(r.Dx()*step)
				worst = max(worst, m, -m)
				if m > 1.5 || m < -1.5 {
					t.Errorf("%s: rows %d-%d channel %d are off by %.1f levels on average: a band", o.Mode, y, y+step-1, c, m)
				}
			}
		}
		t.Logf("%s: largest mean offset of a band %.2f levels", o.Mode, worst)
	}
}

// TestPhotoSetIsSmall keeps the committed photographs small.
func TestPhotoSetIsSmall(t *testing.T) {
	var total int64
	for _, p := range anchorPhotos(t) {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		total += st.Size()
	}
	if total > 4<<20 {
		t.Errorf("testdata/photos holds %d bytes, want under 4 MiB", total)
	}
}
