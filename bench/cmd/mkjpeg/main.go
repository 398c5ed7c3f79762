// Command mkjpeg writes a deterministic photo-like JPEG for benchmarks:
// smooth gradients, soft discs, texture and noise, so it compresses and
// decodes like a camera picture.
//
//	go run ./bench/cmd/mkjpeg -w 4000 -h 3000 -q 90 -o /tmp/12mp.jpg
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"runtime"
	"sync"
)

func main() {
	w := flag.Int("w", 4000, "width in pixels")
	h := flag.Int("h", 3000, "height in pixels")
	q := flag.Int("q", 90, "JPEG quality")
	out := flag.String("o", "bench-12mp.jpg", "output file")
	flag.Parse()
	if *w <= 0 || *h <= 0 || int64(*w)*int64(*h) > 100_000_000 {
		fmt.Fprintln(os.Stderr, "mkjpeg: size out of range")
		os.Exit(2)
	}
	img := photoLike(*w, *h)
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkjpeg:", err)
		os.Exit(1)
	}
	bw := bufio.NewWriter(f)
	if err := jpeg.Encode(bw, img, &jpeg.Options{Quality: *q}); err != nil {
		fmt.Fprintln(os.Stderr, "mkjpeg:", err)
		os.Exit(1)
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "mkjpeg:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "mkjpeg:", err)
		os.Exit(1)
	}
}

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
	parts := runtime.GOMAXPROCS(0) * 2
	rowsPer := (h + parts - 1) / parts
	var wg sync.WaitGroup
	for y0 := 0; y0 < h; y0 += rowsPer {
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
		}(y0)
	}
	wg.Wait()
	return img
}

func clamp8(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v))) }
