// Command teademo runs a small Bubble Tea dashboard showing a picture (and
// two variants: mirrored, and a zoomed-in crop) through termgfx.Overlay,
// stepping through them by itself so that erasing and repainting graphics
// are exercised in a real terminal (docs/sixel-xterm.png was taken of it).
// It was bench/cmd/render's -tea flag; it lives apart so that the renderer
// bench/compare.sh times does not start Bubble Tea's packages.
//
//	go run ./bench/cmd/teademo -mode sixel -detect picture.jpg
package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"os"

	"github.com/snapdash/snapdash/bench/internal/benchterm"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/termgfx"
)

func main() {
	mode := flag.String("mode", "auto", "ascii, halfblock, sixel, kitty or auto")
	cols := flag.Int("cols", 120, "pane width in cells")
	rows := flag.Int("rows", 40, "pane height in cells")
	detect := flag.Bool("detect", false, "ask the terminal (stdin/stdout) what it supports; mode auto follows")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: teademo [flags] picture")
		os.Exit(2)
	}
	if err := demoMain(flag.Arg(0), *mode, *cols, *rows, *detect); err != nil {
		fmt.Fprintln(os.Stderr, "teademo:", err)
		os.Exit(1)
	}
}

// demoMain decodes the picture, derives two variants (mirrored, and a
// zoomed-in crop) and runs the demo.
func demoMain(path, mode string, cols, rows int, detect bool) error {
	var caps termgfx.Caps
	if detect {
		caps = benchterm.Detect()
	} else {
		caps = termgfx.DetectEnv(os.Getenv)
	}
	m, err := termgfx.ParseMode(mode)
	if err != nil {
		return err
	}
	m = m.Resolve(caps)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	img, _, err := imaging.Decode(context.Background(), data, imaging.Limits{})
	if err != nil {
		return err
	}
	b := img.Bounds()
	mirror := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			mirror.Set(b.Max.X-1-(x-b.Min.X), y, img.At(x, y))
		}
	}
	crop := image.NewRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()))
	for y := 0; y < crop.Rect.Dy(); y++ {
		for x := 0; x < crop.Rect.Dx(); x++ {
			crop.Set(x, y, img.At(b.Min.X+b.Dx()/4+x, b.Min.Y+y))
		}
	}
	return runDemo(caps, m, []image.Image{img, mirror, crop},
		[]string{"snap-1  car-damage", "snap-2  meter", "snap-3  id-document"}, cols, rows)
}
