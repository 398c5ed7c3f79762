// Package testpic draws the deterministic photo-like picture that the
// rendering benchmarks (internal/imaging, internal/termgfx) and the comparison script
// (bench/compare.sh, through bench/cmd/mkjpeg) share.
package testpic

import (
	"image"
	"image/color"
	"math"
	"runtime"
	"sync"
)

// Photo draws a w×h picture that compresses like a photo: smooth
// gradients, soft discs, texture and noise. The same size always gives the
// same pixels, however many CPUs draw it.
func Photo(w, h int) *image.RGBA {
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
	parts := runtime.GOMAXPROCS(0) * 2
	rowsPer := (h + parts - 1) / parts
	var wg sync.WaitGroup
	for y0 := 0; y0 < h; y0 += rowsPer {
		wg.Add(1)
		go func(y0 int) {
			defer wg.Done()
			for y := y0; y < min(y0+rowsPer, h); y++ {
				s := uint32(y*7919 + 1)
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
		}(y0)
	}
	wg.Wait()
	return img
}

func clamp8(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v))) }

// Sky draws a w×h sky-like picture: a smooth vertical gradient from deep
// blue to a pale horizon with a faint warm glow on one side, plus mild
// camera-like noise (about 1.5 levels). It is where an encoder's banding,
// posterization and streaks show most: every colour step is visible.
func Sky(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(2024)
	rnd := func() float64 { // xorshift, uniform in [-0.5, 0.5)
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		return float64(seed)/float64(1<<32) - 0.5
	}
	clamp := func(v float64) uint8 { return uint8(math.Max(0, math.Min(255, math.Round(v)))) }
	for y := 0; y < h; y++ {
		t := float64(y) / float64(h-1)
		for x := 0; x < w; x++ {
			u := float64(x) / float64(w-1)
			glow := math.Exp(-((u-0.8)*(u-0.8)*6 + (1-t)*(1-t)*4)) * 40
			r := 40 + 150*t*t + glow
			g := 90 + 120*t + glow*0.6
			b := 170 + 60*t - glow*0.3
			n := (rnd() + rnd() + rnd()) * 2 // about 1.5 levels RMS
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = clamp(r+n), clamp(g+n), clamp(b+n*1.2), 255
		}
	}
	return img
}
