// Command mkjpeg writes a deterministic photo-like JPEG for benchmarks:
// smooth gradients, soft discs, texture and noise, so it compresses and
// decodes like a camera picture; -sky draws the sky-like noisy gradient.
//
//	go run ./bench/cmd/mkjpeg -w 4000 -h 3000 -q 90 -o /tmp/12mp.jpg
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image/jpeg"
	"os"

	"github.com/snapdash/snapdash/bench/testpic"
)

func main() {
	w := flag.Int("w", 4000, "width in pixels")
	h := flag.Int("h", 3000, "height in pixels")
	q := flag.Int("q", 90, "JPEG quality")
	out := flag.String("o", "bench-12mp.jpg", "output file")
	sky := flag.Bool("sky", false, "draw the sky-like noisy gradient (testpic.Sky) instead")
	flag.Parse()
	if *w <= 0 || *h <= 0 || int64(*w)*int64(*h) > 100_000_000 {
		fmt.Fprintln(os.Stderr, "mkjpeg: size out of range")
		os.Exit(2)
	}
	img := testpic.Photo(*w, *h)
	if *sky {
		img = testpic.Sky(*w, *h)
	}
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
