// Command fidelity reads a picture as an encoder drew it on stdin (cells
// in half blocks, as snapdash's halfblock mode and chafa --symbols vhalf
// write them, or a sixel graphic with -sixel), decodes it back to pixels
// (internal/cellimg) and prints its size in bytes and its perceived error:
// the RMS difference (0..1) from the full-resolution photograph
// area-averaged to the drawn pixels, after a Gaussian blur of -sigma
// pixels on both sides (1 for cells, 2 for sixel by default):
//
//	chafa -f symbols -c full --symbols vhalf --size=120x40 pic.jpg | fidelity pic.jpg
//	→ 151042 0.0046
//	img2sixel -w 600 pic.jpg | fidelity -sixel pic.jpg
//
// -png FILE writes the decoded picture, -ref FILE the reference, so a
// person can look at them.
package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"

	"github.com/snapdash/snapdash/internal/cellimg"
	"github.com/snapdash/snapdash/internal/imaging"
)

func main() {
	sixel := flag.Bool("sixel", false, "stdin is a sixel graphic (default: half-block cells)")
	sigma := flag.Float64("sigma", 0, "blur in output pixels (default 1 for cells, 2 for sixel)")
	pngOut := flag.String("png", "", "write the decoded picture to this PNG file")
	refOut := flag.String("ref", "", "write the reference (the photo area-averaged) to this PNG file")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: fidelity [-sixel] [-sigma S] [-png FILE] [-ref FILE] PICTURE < output")
		os.Exit(2)
	}
	if *sigma == 0 {
		*sigma = 1
		if *sixel {
			*sigma = 2
		}
	}
	if err := run(flag.Arg(0), *sixel, *sigma, *pngOut, *refOut); err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		os.Exit(1)
	}
}

func run(path string, sixel bool, sigma float64, pngOut, refOut string) error {
	text, err := io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	src, _, err := imaging.Decode(context.Background(), data, imaging.Limits{})
	if err != nil {
		return err
	}
	var got *image.RGBA
	if sixel {
		got, err = cellimg.DecodeSixel(string(text))
	} else {
		got, err = cellimg.Decode(string(text))
	}
	if err != nil {
		return err
	}
	r := cellimg.Painted(got)
	if r.Empty() {
		return fmt.Errorf("nothing painted")
	}
	ref := cellimg.AreaAverage(src, r.Dx(), r.Dy())
	e := cellimg.PerceivedError(got, r, ref, sigma)
	if pngOut != "" {
		if err := writePNG(pngOut, got.SubImage(r)); err != nil {
			return err
		}
	}
	if refOut != "" {
		if err := writePNG(refOut, ref); err != nil {
			return err
		}
	}
	fmt.Printf("%d %.4f\n", len(text), e)
	return nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
