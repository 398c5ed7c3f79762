package preview

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"sync"
	"testing"
)

// photoLike draws a deterministic picture that compresses like a photo:
// smooth gradients, soft discs, texture and noise.
func photoLike(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(12345)
	type disc struct {
		x, y, r float64
		c       [3]float64
	}
	discs := make([]disc, 12)
	for i := range discs {
		seed = seed*1664525 + 1013904223
		discs[i] = disc{float64(seed % uint32(w)), float64((seed >> 8) % uint32(h)), float64(h) * (0.05 + float64(seed%97)/400),
			[3]float64{float64(seed % 255), float64((seed >> 5) % 255), float64((seed >> 11) % 255)}}
	}
	var wg sync.WaitGroup
	rowsPer := (h + 7) / 8
	for part := 0; part < 8; part++ {
		wg.Add(1)
		go func(y0 int) {
			defer wg.Done()
			s := uint32(y0*7919 + 1)
			for y := y0; y < min(y0+rowsPer, h); y++ {
				for x := 0; x < w; x++ {
					fx, fy := float64(x)/float64(w), float64(y)/float64(h)
					r := 90 + 120*fx + 20*math.Sin(float64(x)/37)
					g := 110 + 80*fy + 15*math.Sin(float64(y)/23)
					b := 160 - 100*fx*fy
					for _, d := range discs {
						dist := math.Hypot(float64(x)-d.x, float64(y)-d.y)
						if a := math.Min(1, math.Max(0, (d.r-dist)/(d.r*0.1))); a > 0 {
							r, g, b = r*(1-a)+d.c[0]*a, g*(1-a)+d.c[1]*a, b*(1-a)+d.c[2]*a
						}
					}
					s = s*1103515245 + 12345
					n := float64(int(s>>16&31) - 16)
					img.SetRGBA(x, y, color.RGBA{clamp8(r + n), clamp8(g + n), clamp8(b + n), 255})
				}
			}
		}(part * rowsPer)
	}
	wg.Wait()
	return img
}

func clamp8(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v))) }

var bigJPEG = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, photoLike(4000, 3000), &jpeg.Options{Quality: 90})
	return buf.Bytes()
})

func BenchmarkDecode12MP(b *testing.B) {
	data := bigJPEG()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Decode(context.Background(), data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

var benchModes = []struct {
	name string
	o    Options
}{
	{"ascii", Options{Mode: ModeASCII}},
	{"ascii-color", Options{Mode: ModeASCII, Color: true, TrueColor: true}},
	{"halfblock", Options{Mode: ModeHalfblock, TrueColor: true}},
	{"halfblock-256", Options{Mode: ModeHalfblock}},
	{"sixel", Options{Mode: ModeSixel}},
	{"kitty", Options{Mode: ModeKitty, ImageID: 1}},
}

// BenchmarkRender12MP renders an already decoded 12-megapixel JPEG into a
// 120x40 pane (10x20 px cells).
func BenchmarkRender12MP(b *testing.B) {
	img, _, err := Decode(context.Background(), bigJPEG(), Limits{})
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			o := m.o
			o.Cols, o.Rows = 120, 40
			for i := 0; i < b.N; i++ {
				f, err := Render(context.Background(), img, o)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(f.Size()), "bytes/frame")
			}
		})
	}
}

// BenchmarkDecodeRender12MP includes the decode, as the user waits for it.
func BenchmarkDecodeRender12MP(b *testing.B) {
	data := bigJPEG()
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			o := m.o
			o.Cols, o.Rows = 120, 40
			for i := 0; i < b.N; i++ {
				img, _, err := Decode(context.Background(), data, Limits{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Render(context.Background(), img, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeForPane12MP decodes a 12-megapixel JPEG for a 120x40
// pane per mode (DCT scaling 1/8 for text modes, 1/2 for 1200x800 px).
func BenchmarkDecodeForPane12MP(b *testing.B) {
	data := bigJPEG()
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			o := m.o
			o.Cols, o.Rows = 120, 40
			for i := 0; i < b.N; i++ {
				img, _, err := DecodeForPane(context.Background(), data, Limits{}, o)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Render(context.Background(), img, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
