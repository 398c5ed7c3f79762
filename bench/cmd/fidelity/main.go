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
// person can look at them; -magick takes the reference from ImageMagick's
// -scale (its exact area average) instead of cellimg.AreaAverage.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"

	"github.com/snapdash/snapdash/internal/cellimg"
	"github.com/snapdash/snapdash/internal/imaging"
)

func main() {
	sixel := flag.Bool("sixel", false, "stdin is a sixel graphic (default: half-block cells)")
	sigma := flag.Float64("sigma", 0, "blur in output pixels (default 1 for cells, 2 for sixel)")
	pngOut := flag.String("png", "", "write the decoded picture to this PNG file")
	refOut := flag.String("ref", "", "write the reference (the photo area-averaged) to this PNG file")
	magick := flag.Bool("magick", false, "area-average with ImageMagick (convert -scale, 16 bits) instead of cellimg.AreaAverage")
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
	if err := run(flag.Arg(0), *sixel, *sigma, *pngOut, *refOut, *magick); err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		os.Exit(1)
	}
}

func run(path string, sixel bool, sigma float64, pngOut, refOut string, magick bool) error {
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
	var ref *image.RGBA
	if magick {
		if ref, err = magickBox(path, r.Dx(), r.Dy()); err != nil {
			return err
		}
	} else {
		ref = cellimg.AreaAverage(src, r.Dx(), r.Dy())
	}
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

// magickBox area-averages the photo at path to w×h pixels with
// ImageMagick's -scale (an exact area average, after the photo's EXIF
// orientation). It asks for 16 bits a channel and rounds them here: an
// 8-bit PNG from ImageMagick 6 truncates, which moves every pixel down by
// half a level on average, as much as the differences being measured.
func magickBox(path string, w, h int) (*image.RGBA, error) {
	out, err := exec.Command("convert", path, "-auto-orient", "-scale", fmt.Sprintf("%dx%d!", w, h), "-depth", "16", "png:-").Output()
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		return nil, err
	}
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	b := img.Bounds()
	r8 := func(v uint32) uint8 { return uint8((v*255 + 32767) / 65535) }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			rgba.SetRGBA(x, y, color.RGBA{r8(r), r8(g), r8(bl), 255})
		}
	}
	return rgba, nil
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
