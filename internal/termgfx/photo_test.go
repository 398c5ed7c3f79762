package termgfx

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapdash/snapdash/internal/cellimg"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/lab"
)

// photoRefs are figures measured once with chafa 1.12.4 and img2sixel
// (libsixel 1.10) on testdata/photos, so the tests bound snapdash's output
// without needing either tool: chafa's bytes at 120x40 for
// `chafa -f symbols --symbols vhalf -c full` and `-c 240` with the mean ΔE of
// the latter (decoded as the tests decode ours), the bytes of the ascii
// encoder before it learnt to skip changes, and img2sixel's bytes at the
// pixel size snapdash's sixel has in a 120x45 pane of 10x20 px cells.
var photoRefs = map[string]struct {
	chafaFull, chafa240 int
	chafa240DeltaE      float64
	asciiBefore         int
	img2sixel           int
}{
	"faces.jpeg":   {153082, 47302, 10.65, 80945, 31064},
	"gopher.jpeg":  {89184, 27717, 11.74, 46624, 151177},
	"gophers.jpeg": {149531, 51893, 6.73, 71032, 261584},
	"rose.jpeg":    {100550, 29313, 5.90, 47012, 90298},
}

func loadPhoto(t testing.TB, name string) image.Image {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "photos", name))
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := imaging.Decode(context.Background(), data, imaging.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// cellFidelity decodes half-block text back to pixels and returns the
// mean and largest ΔE against img resized to the painted area.
func cellFidelity(t testing.TB, img image.Image, text string) (mean, worst float64) {
	t.Helper()
	got, err := cellimg.Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	r := cellimg.Painted(got)
	if r.Empty() {
		t.Fatal("nothing painted")
	}
	want, err := imaging.Resample(context.Background(), img, img.Bounds(), r.Dx(), r.Dy())
	if err != nil {
		t.Fatal(err)
	}
	mean, n := cellimg.MeanDeltaE(got, r, want)
	if n < r.Dx()*r.Dy()*9/10 {
		t.Fatalf("only %d of %d pixels painted", n, r.Dx()*r.Dy())
	}
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			g := got.RGBAAt(r.Min.X+x, r.Min.Y+y)
			if g.A == 0 {
				continue
			}
			w := want.RGBAAt(x, y)
			worst = max(worst, lab.DeltaE(lab.FromRGB(g.R, g.G, g.B), lab.FromRGB(w.R, w.G, w.B)))
		}
	}
	return mean, worst
}

func TestHalfblockPhotosFewerBytesSameFidelity(t *testing.T) {
	for name, ref := range photoRefs {
		t.Run(name, func(t *testing.T) {
			img := loadPhoto(t, name)
			f, err := Render(context.Background(), img, Options{Cols: 120, Rows: 40, Mode: ModeHalfblock, TrueColor: true})
			if err != nil {
				t.Fatal(err)
			}
			// 24-bit: judged against the photo area-averaged, after the
			// eye's blur (the carried errors make single pixels differ on
			// purpose); chafa's figures are in anchor_test.go.
			text := f.String()
			got, err := cellimg.Decode(text)
			if err != nil {
				t.Fatal(err)
			}
			e := cellimg.PhotoError(got, img, 1)
			t.Logf("truecolor: %d bytes (%.2fx chafa), perceived error %.4f", len(text), float64(len(text))/float64(ref.chafaFull), e)
			if e > 0.006 {
				t.Errorf("perceived error %.4f, want at most 0.006", e)
			}
			if limit := ref.chafaFull * 6 / 10; len(text) > limit {
				t.Errorf("%d bytes, want at most 0.6x chafa's %d = %d", len(text), ref.chafaFull, limit)
			}

			f, err = Render(context.Background(), img, Options{Cols: 120, Rows: 40, Mode: ModeHalfblock})
			if err != nil {
				t.Fatal(err)
			}
			text = f.String()
			mean, _ := cellFidelity(t, img, text)
			t.Logf("256 colours: %d bytes (%.2fx chafa -c 240), mean ΔE %.2f (chafa %.2f)", len(text), float64(len(text))/float64(ref.chafa240), mean, ref.chafa240DeltaE)
			// 0.2 of slack: the resampler's floating-point kernels may round
			// differently on other architectures.
			if mean > ref.chafa240DeltaE+0.2 {
				t.Errorf("256 colours: mean ΔE %.2f, worse than chafa's %.2f", mean, ref.chafa240DeltaE)
			}
			if limit := ref.chafa240 * 85 / 100; len(text) > limit {
				t.Errorf("256 colours: %d bytes, want at most 0.85x chafa's %d = %d", len(text), ref.chafa240, limit)
			}
		})
	}
}

func TestASCIIAndSixelPhotoBytes(t *testing.T) {
	for name, ref := range photoRefs {
		t.Run(name, func(t *testing.T) {
			img := loadPhoto(t, name)
			f, err := Render(context.Background(), img, Options{Cols: 120, Rows: 40, Mode: ModeASCII, Color: true, TrueColor: true})
			if err != nil {
				t.Fatal(err)
			}
			if n, limit := len(f.String()), ref.asciiBefore*7/10; n > limit {
				t.Errorf("coloured ascii: %d bytes, want at most 0.7x the %d it took before = %d", n, ref.asciiBefore, limit)
			}
			// At fidelity the sixel carries its errors to the neighbours
			// and costs about img2sixel's bytes (anchor_test.go); the
			// bandwidth quality stays below them.
			f, err = Render(context.Background(), img, Options{Cols: 120, Rows: 45, Mode: ModeSixel, CellW: 10, CellH: 20, Quality: QualityBandwidth})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(f.Graphic); n > ref.img2sixel {
				t.Errorf("sixel (bandwidth): %d bytes, more than img2sixel's %d", n, ref.img2sixel)
			}
		})
	}
}

// BenchmarkPhotos renders each photo into a 120x40 pane (sixel: 120x45 of
// 10x20 px) and reports the bytes, the ratio to chafa's or img2sixel's
// bytes (photoRefs) and, for half-block, the mean ΔE of the decoded cells.
func BenchmarkPhotos(b *testing.B) {
	for _, name := range []string{"faces.jpeg", "gopher.jpeg", "gophers.jpeg", "rose.jpeg"} {
		ref := photoRefs[name]
		img := loadPhoto(b, name)
		modes := []struct {
			mode  string
			o     Options
			other int
		}{
			{"halfblock", Options{Mode: ModeHalfblock, TrueColor: true}, ref.chafaFull},
			{"halfblock-256", Options{Mode: ModeHalfblock}, ref.chafa240},
			{"ascii-color", Options{Mode: ModeASCII, Color: true, TrueColor: true}, ref.asciiBefore},
			{"sixel", Options{Mode: ModeSixel, CellW: 10, CellH: 20}, ref.img2sixel},
		}
		for _, m := range modes {
			b.Run(name+"/"+m.mode, func(b *testing.B) {
				o := m.o
				o.Cols, o.Rows = 120, 40
				if o.Mode == ModeSixel {
					o.Rows = 45
				}
				var f Frame
				for b.Loop() {
					var err error
					if f, err = Render(context.Background(), img, o); err != nil {
						b.Fatal(err)
					}
				}
				n := len(f.String()) + len(f.Graphic)
				if o.Mode == ModeSixel {
					n = len(f.Graphic)
				}
				b.ReportMetric(float64(n), "bytes")
				b.ReportMetric(float64(n)/float64(m.other), "x-ref")
				if o.Mode == ModeHalfblock {
					mean, _ := cellFidelity(b, img, f.String())
					b.ReportMetric(mean, "ΔE")
				}
			})
		}
	}
}
