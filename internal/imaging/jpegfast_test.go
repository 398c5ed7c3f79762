package imaging

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// Fixtures made by libjpeg-turbo's cjpeg from one 203x141 picture (odd
// sizes: partial MCUs on both edges): 4:2:0, 4:4:4 with optimized tables,
// 4:2:2, 4:4:0, grayscale, restart markers every 7 MCUs, progressive.

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "jpeg", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// planeError compares a reduced plane with the full plane box-averaged
// s×s, over the whole blocks, and returns the mean and worst difference.
func planeError(got []byte, gotStride int, full []byte, fullStride, w, h, s int) (float64, float64) {
	var sum, worst float64
	n := 0
	for y := 0; y < h/s; y++ {
		for x := 0; x < w/s; x++ {
			acc := 0
			for j := 0; j < s; j++ {
				for i := 0; i < s; i++ {
					acc += int(full[(y*s+j)*fullStride+x*s+i])
				}
			}
			ref := float64(acc) / float64(s*s)
			d := ref - float64(got[y*gotStride+x])
			if d < 0 {
				d = -d
			}
			sum += d
			worst = max(worst, d)
			n++
		}
	}
	return sum / float64(n), worst
}

// TestReducedJPEGMatchesFullDecode checks each plane against image/jpeg's
// planes averaged over the same blocks: the reduced IDCT is the exact box
// average, so only rounding (and clamping) may differ.
func TestReducedJPEGMatchesFullDecode(t *testing.T) {
	for _, name := range []string{"s420.jpg", "s444.jpg", "s422.jpg", "s440.jpg", "gray.jpg", "restart.jpg"} {
		data := readFixture(t, name)
		full, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []int{2, 4, 8} {
			got, err := decodeJPEGReduced(context.Background(), data, s, 0, image.Point{})
			if err != nil {
				t.Fatalf("%s 1/%d: %v", name, s, err)
			}
			if b := got.Bounds(); b.Dx() != (203+s-1)/s || b.Dy() != (141+s-1)/s {
				t.Fatalf("%s 1/%d: bounds %v", name, s, b)
			}
			type plane struct {
				name string
				got  []byte
				gs   int
				full []byte
				fs   int
				w, h int
			}
			var planes []plane
			switch f := full.(type) {
			case *image.Gray:
				g := got.(*image.Gray)
				planes = append(planes, plane{"Y", g.Pix, g.Stride, f.Pix, f.Stride, 203, 141})
			case *image.YCbCr:
				g := got.(*image.YCbCr)
				if g.SubsampleRatio != f.SubsampleRatio {
					t.Fatalf("%s: ratio %v, want %v", name, g.SubsampleRatio, f.SubsampleRatio)
				}
				hs, vs := chromaShift(f.SubsampleRatio)
				cw, ch := (203+(1<<hs)-1)>>hs, (141+(1<<vs)-1)>>vs
				planes = append(planes, plane{"Y", g.Y, g.YStride, f.Y, f.YStride, 203, 141},
					plane{"Cb", g.Cb, g.CStride, f.Cb, f.CStride, cw, ch},
					plane{"Cr", g.Cr, g.CStride, f.Cr, f.CStride, cw, ch})
			default:
				t.Fatalf("%s: image/jpeg gave %T", name, full)
			}
			for _, p := range planes {
				mean, worst := planeError(p.got, p.gs, p.full, p.fs, p.w, p.h, s)
				if mean > 0.6 || worst > 4 {
					t.Errorf("%s 1/%d %s: mean error %.2f, worst %.1f", name, s, p.name, mean, worst)
				}
			}
		}
	}
}

// samePixels reports how many samples of a and b differ (both image.YCbCr
// or both image.Gray), and whether they are of one kind and size.
func samePixels(a, b image.Image) (int, bool) {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 0, false
	}
	switch a := a.(type) {
	case *image.YCbCr:
		b, ok := b.(*image.YCbCr)
		if !ok || a.SubsampleRatio != b.SubsampleRatio {
			return 0, false
		}
		diff := 0
		r, rb := a.Bounds(), b.Bounds()
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				ya, yb := a.YOffset(r.Min.X+x, r.Min.Y+y), b.YOffset(rb.Min.X+x, rb.Min.Y+y)
				ca, cb := a.COffset(r.Min.X+x, r.Min.Y+y), b.COffset(rb.Min.X+x, rb.Min.Y+y)
				if a.Y[ya] != b.Y[yb] || a.Cb[ca] != b.Cb[cb] || a.Cr[ca] != b.Cr[cb] {
					diff++
				}
			}
		}
		return diff, true
	case *image.Gray:
		b, ok := b.(*image.Gray)
		if !ok {
			return 0, false
		}
		diff := 0
		r, rb := a.Bounds(), b.Bounds()
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				if a.GrayAt(r.Min.X+x, r.Min.Y+y) != b.GrayAt(rb.Min.X+x, rb.Min.Y+y) {
					diff++
				}
			}
		}
		return diff, true
	}
	return 0, false
}

// TestFullDecodeMatchesImageJPEG decodes every subsampling, greyscale,
// restart markers and the real photographs at full size and requires
// image/jpeg's samples exactly: the IDCT is its own, ported.
func TestFullDecodeMatchesImageJPEG(t *testing.T) {
	files := map[string][]byte{}
	for _, name := range []string{"s420.jpg", "s444.jpg", "s422.jpg", "s440.jpg", "gray.jpg", "restart.jpg"} {
		files[name] = readFixture(t, name)
	}
	photos, _ := filepath.Glob("../termgfx/testdata/photos/*.jpeg")
	if len(photos) == 0 {
		t.Fatal("no photos")
	}
	for _, p := range photos {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	for name, data := range files {
		got, err := decodeJPEGReduced(context.Background(), data, 1, 0, image.Point{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(name, err)
		}
		if diff, ok := samePixels(got, want); !ok || diff != 0 {
			t.Errorf("%s: %T %v vs image/jpeg's %T %v: %d pixels differ", name, got, got.Bounds(), want, want.Bounds(), diff)
		}
		// Decode takes this path for a baseline JPEG, and gives the same.
		img, info, err := Decode(context.Background(), data, Limits{})
		if err != nil || info.Scale != 1 {
			t.Fatalf("%s: Decode: %v %+v", name, err, info)
		}
		if diff, ok := samePixels(img, want); !ok || diff != 0 {
			t.Errorf("%s: Decode differs from image/jpeg in %d pixels", name, diff)
		}
	}
}

// BenchmarkFullJPEG compares the full-size decode of the photographs with
// image/jpeg's.
func BenchmarkFullJPEG(b *testing.B) {
	photos, _ := filepath.Glob("../termgfx/testdata/photos/*.jpeg")
	var datas [][]byte
	for _, p := range photos {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		datas = append(datas, d)
	}
	b.Run("snapdash", func(b *testing.B) {
		for b.Loop() {
			for _, d := range datas {
				if _, err := decodeJPEGReduced(context.Background(), d, 1, 0, image.Point{}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("image-jpeg", func(b *testing.B) {
		for b.Loop() {
			for _, d := range datas {
				if _, err := jpeg.Decode(bytes.NewReader(d)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func TestReducedJPEGFallsBack(t *testing.T) {
	ctx := context.Background()
	if _, err := decodeJPEGReduced(ctx, readFixture(t, "progressive.jpg"), 8, 0, image.Point{}); !errors.Is(err, errFastJPEG) {
		t.Fatalf("progressive: %v", err)
	}
	// DecodeForBox still shows it, in full.
	img, info, err := DecodeForBox(ctx, readFixture(t, "progressive.jpg"), Limits{}, image.Pt(10, 10))
	if err != nil || info.Scale != 1 || img.Bounds().Dx() != 203 {
		t.Fatalf("progressive via DecodeForBox: %v %+v", err, info)
	}
	img, info, err = DecodeForBox(ctx, readFixture(t, "s420.jpg"), Limits{}, image.Pt(10, 10))
	if err != nil || info.Scale != 4 || info.Width != 203 || img.Bounds().Dx() != 51 {
		t.Fatalf("s420 via DecodeForBox: %v %+v %v", err, info, img.Bounds())
	}
	if !info.Covers(image.Pt(10, 10)) || info.Covers(image.Pt(30, 30)) || info.Covers(image.Pt(60, 40)) {
		t.Fatal("Covers is wrong about a 1/4 decode")
	}
	// A pane as large as the picture needs a full decode.
	_, info, err = DecodeForBox(ctx, readFixture(t, "s420.jpg"), Limits{}, image.Pt(1000, 400))
	if err != nil || info.Scale != 1 {
		t.Fatalf("large pane: %v %+v", err, info)
	}
}

func TestReducedJPEGSurvivesDamage(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"s420.jpg", "restart.jpg", "gray.jpg"} {
		data := readFixture(t, name)
		for cut := 0; cut < len(data); cut += 97 {
			_, _ = decodeJPEGReduced(ctx, data[:cut], 4, 0, image.Point{})
			_, _ = decodeJPEGReduced(ctx, data[:cut], 1, 0, image.Point{})
		}
		for i := 2; i < len(data); i += 53 {
			bad := append([]byte(nil), data...)
			bad[i] ^= 0x5A
			_, _ = decodeJPEGReduced(ctx, bad, 8, 0, image.Point{})
			_, _ = decodeJPEGReduced(ctx, bad, 1, 0, image.Point{})
			_, _, _ = DecodeForBox(ctx, bad, Limits{}, image.Pt(20, 20))
		}
	}
	if _, err := decodeJPEGReduced(ctx, readFixture(t, "s420.jpg")[:600], 8, 0, image.Point{}); err == nil {
		t.Fatal("a truncated scan decoded without error")
	}
}

func TestJPEGScale(t *testing.T) {
	cases := []struct{ w, h, bw, bh, want int }{
		{4000, 3000, 120, 80, 8},
		{4000, 3000, 1200, 800, 1}, // 3000/800 = 3.75: 1/2 would do, but is not used
		{4000, 3000, 1000, 700, 1}, // 4000/1000 = 4: under scaleMargin×4
		{4000, 3000, 900, 900, 1},  // width limits: 4000/900 = 4.4
		{4000, 3000, 300, 200, 4},  // 4000/300 = 13.3 ≥ 3×4
		{1000, 1000, 1200, 800, 1},
		{4000, 300, 120, 80, 8},
	}
	for _, c := range cases {
		if got := jpegScale(c.w, c.h, c.bw, c.bh); got != c.want {
			t.Errorf("jpegScale(%d,%d,%d,%d) = %d, want %d", c.w, c.h, c.bw, c.bh, got, c.want)
		}
	}
}

// jpegSeeds are the fuzz targets' seeds: the fixtures and the crafted
// hostile files.
func jpegSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, name := range []string{"s420.jpg", "restart.jpg", "gray.jpg", "progressive.jpg"} {
		b, err := os.ReadFile(filepath.Join("testdata", "jpeg", name))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return append(seeds, zeroScanGray(40, 24), overSubscribedJPEG(), progressiveBomb(64, 64, 3))
}

// FuzzDecodeForBox checks that no input crashes, hangs or exceeds the
// pixel limit through DecodeForBox, and that what it returns matches the
// size it reports.
func FuzzDecodeForBox(f *testing.F) {
	for _, b := range jpegSeeds(f) {
		f.Add(b)
	}
	const maxPixels = 4 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		img, info, err := DecodeForBox(context.Background(), data, Limits{MaxPixels: maxPixels}, image.Pt(20, 20))
		if err != nil {
			return
		}
		w, h := info.Width, info.Height
		if info.Orientation >= 5 {
			w, h = h, w
		}
		if w*h > maxPixels {
			t.Fatalf("decoded %dx%d over the %d pixel limit", w, h, maxPixels)
		}
		b := img.Bounds()
		bw, bh := b.Dx(), b.Dy()
		if info.Orientation >= 5 {
			bw, bh = bh, bw
		}
		if s := info.Scale; bw > (w+s-1)/s || bh > (h+s-1)/s {
			t.Fatalf("%v picture at 1/%d reported as %dx%d", b, s, info.Width, info.Height)
		}
	})
}

// FuzzJPEGFrameSize runs the fast decoder against image/jpeg: it must
// never panic (a recovered panic is a bug), whenever both accept a file
// they must agree on the frame's size, so the pixel limit checked on
// image/jpeg's header holds for the fast decoder too, and at full size
// (scale 1) on every sample.
func FuzzJPEGFrameSize(f *testing.F) {
	for _, b := range jpegSeeds(f) {
		f.Add(b, uint8(8))
		f.Add(b, uint8(0))
	}
	f.Add(decoyJPEG(64, 64), uint8(8))
	f.Fuzz(func(t *testing.T, data []byte, scale uint8) {
		s := []int{1, 2, 4, 8}[scale%4]
		img, err := decodeJPEGReduced(context.Background(), data, s, 4<<20, image.Point{})
		if errors.Is(err, errFastJPEGPanic) {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return
		}
		if b := img.Bounds(); b.Dx() != (cfg.Width+s-1)/s || b.Dy() != (cfg.Height+s-1)/s {
			t.Fatalf("fast decoder: %v at 1/%d; image/jpeg: %dx%d", b, s, cfg.Width, cfg.Height)
		}
		if s != 1 {
			return
		}
		want, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return // image/jpeg refuses what the fast decoder read (a short scan it pads)
		}
		if diff, ok := samePixels(img, want); !ok || diff != 0 {
			t.Fatalf("full size: %T differs from image/jpeg's %T in %d pixels", img, want, diff)
		}
	})
}
