package imaging

import (
	"image"
	"image/draw"
	"math/rand/v2"
	"testing"
)

// TestYCbCrToRGBAMatchesDraw converts random planes of every handled
// subsampling, from odd offsets and sub-images, and requires image/draw's
// pixels exactly.
func TestYCbCrToRGBAMatchesDraw(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440}
	for _, ratio := range ratios {
		for trial := 0; trial < 20; trial++ {
			full := image.NewYCbCr(image.Rect(0, 0, 17+rng.IntN(40), 9+rng.IntN(30)), ratio)
			for _, p := range [][]byte{full.Y, full.Cb, full.Cr} {
				for i := range p {
					p[i] = uint8(rng.UintN(256))
				}
			}
			// A sub-image with an odd origin, as a crop or a pan gives.
			r := full.Rect
			sub := full.SubImage(image.Rect(r.Min.X+rng.IntN(3), r.Min.Y+rng.IntN(3), r.Max.X, r.Max.Y)).(*image.YCbCr)
			sb := sub.Bounds()
			sp := sb.Min.Add(image.Pt(rng.IntN(3), rng.IntN(3)))
			w, h := sb.Max.X-sp.X-rng.IntN(2), sb.Max.Y-sp.Y-rng.IntN(2)
			got := image.NewRGBA(image.Rect(0, 0, w, h))
			if !YCbCrToRGBA(got, sub, sp, w, h) {
				t.Fatalf("%v: refused %dx%d from %v in %v", ratio, w, h, sp, sb)
			}
			want := image.NewRGBA(image.Rect(0, 0, w, h))
			draw.Draw(want, want.Rect, sub, sp, draw.Src)
			for i := range got.Pix {
				if got.Pix[i] != want.Pix[i] {
					t.Fatalf("%v %dx%d from %v: byte %d is %d, image/draw gives %d", ratio, w, h, sp, i, got.Pix[i], want.Pix[i])
				}
			}
		}
	}
	// Outside the picture, or an unhandled subsampling: refused.
	y := image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio420)
	if YCbCrToRGBA(image.NewRGBA(image.Rect(0, 0, 8, 8)), y, image.Pt(1, 0), 8, 8) {
		t.Fatal("converted pixels outside the picture")
	}
	if YCbCrToRGBA(image.NewRGBA(image.Rect(0, 0, 8, 8)), image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio411), image.Point{}, 8, 8) {
		t.Fatal("converted 4:1:1")
	}
}

// BenchmarkYCbCrToRGBA compares the conversion of a 1200×900 4:2:0
// picture with image/draw's.
func BenchmarkYCbCrToRGBA(b *testing.B) {
	src := image.NewYCbCr(image.Rect(0, 0, 1200, 900), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = uint8(i * 7)
	}
	for i := range src.Cb {
		src.Cb[i], src.Cr[i] = uint8(i*3), uint8(i*5)
	}
	dst := image.NewRGBA(src.Rect)
	b.Run("snapdash", func(b *testing.B) {
		for b.Loop() {
			YCbCrToRGBA(dst, src, image.Point{}, 1200, 900)
		}
	})
	b.Run("image-draw", func(b *testing.B) {
		for b.Loop() {
			draw.Draw(dst, dst.Rect, src, image.Point{}, draw.Src)
		}
	})
}
