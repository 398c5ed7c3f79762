// Command render decodes a picture and renders it with internal/imaging and internal/termgfx, the
// way snapdash's preview pane does, writing the result to stdout: the
// lines for ascii/halfblock, the DCS for sixel, the APCs and placeholder
// lines for kitty. It exists to time snapdash against chafa and img2sixel
// (bench/compare.sh), decode included. (The Bubble Tea demo that was its
// -tea flag is bench/cmd/teademo: the renderer does not start Bubble Tea.)
//
//	go run ./bench/cmd/render -mode halfblock -cols 120 -rows 40 picture.jpg
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"image"
	"os"
	"strings"

	"github.com/snapdash/snapdash/bench/internal/benchterm"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/internal/termgfx"
)

func main() {
	mode := flag.String("mode", "halfblock", "ascii, halfblock, sixel or kitty")
	cols := flag.Int("cols", 120, "pane width in cells")
	rows := flag.Int("rows", 40, "pane height in cells")
	cellW := flag.Int("cellw", 10, "cell width in pixels")
	cellH := flag.Int("cellh", 20, "cell height in pixels")
	colour := flag.Bool("color", true, "colour (ascii)")
	trueColor := flag.Bool("truecolor", true, "24-bit colour (ascii, halfblock)")
	ansi16 := flag.Bool("ansi16", false, "the 16 ANSI colours only, with -truecolor=false (ascii, halfblock)")
	colors := flag.Int("colors", 256, "sixel palette size (2..256)")
	quality := flag.String("quality", "fidelity", "picture quality: fidelity, balanced or bandwidth")
	full := flag.Bool("full", false, "decode at full resolution (imaging.Decode) instead of imaging.DecodeForBox")
	detect := flag.Bool("detect", false, "ask the terminal (stdin/stdout) what it supports; mode auto and the cell size follow")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: render [flags] picture")
		os.Exit(2)
	}
	if *detect {
		caps := benchterm.Detect()
		m, err := termgfx.ParseMode(*mode)
		if err == nil && (m == termgfx.ModeAuto || !m.Supported(caps)) {
			*mode = string(m.Resolve(caps))
		}
		if caps.CellW > 0 && caps.CellH > 0 {
			*cellW, *cellH = caps.CellW, caps.CellH
		}
		*trueColor = *trueColor && caps.TrueColor
		fmt.Printf("snapdash preview: %s; mode %s\r\n", sanitize.Line(caps.String()), *mode)
	}
	q, err := termgfx.ParseQuality(*quality)
	if err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *mode, *cols, *rows, *cellW, *cellH, *colour, *trueColor, *ansi16, *full, q, *colors); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

func run(path, mode string, cols, rows, cellW, cellH int, colour, trueColor, ansi16, full bool, q termgfx.Quality, colors int) error {
	m, err := termgfx.ParseMode(mode)
	if err != nil {
		return err
	}
	if m == termgfx.ModeAuto {
		m = termgfx.ModeHalfblock
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	ctx := context.Background()
	o := termgfx.Options{
		Cols: cols, Rows: rows, Mode: m, Color: colour, TrueColor: trueColor, Colors16: ansi16,
		CellW: cellW, CellH: cellH, Zoom: 1, ImageID: 1, Quality: q, SixelColors: colors,
	}
	box := o.PixelBox()
	if full {
		box = image.Point{} // a zero box decodes in full
	}
	img, _, err := imaging.DecodeForBox(ctx, data, imaging.Limits{}, box)
	if err != nil {
		return err
	}
	f, err := termgfx.Render(ctx, img, o)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	if f.Graphic != "" {
		if _, err := w.WriteString(f.Graphic); err != nil {
			return err
		}
	}
	if m != termgfx.ModeSixel {
		if _, err := w.WriteString(strings.Join(f.Lines, "\n") + "\n"); err != nil {
			return err
		}
	}
	return w.Flush()
}
