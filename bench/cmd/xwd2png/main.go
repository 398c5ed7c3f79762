// Command xwd2png converts an X window dump (xwd -root) of a TrueColor
// screen to PNG, so docs/make-sixel-screenshot.sh needs no ImageMagick.
//
//	xwd -root -silent | xwd2png -o shot.png
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/bits"
	"os"
)

func main() {
	out := flag.String("o", "screenshot.png", "output PNG")
	flag.Parse()
	img, err := decodeXWD(bufio.NewReader(os.Stdin))
	if err == nil {
		err = writePNG(*out, img)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "xwd2png:", err)
		os.Exit(1)
	}
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

// decodeXWD reads an XWD file (version 7, ZPixmap, 24/32 bits per pixel).
func decodeXWD(r io.Reader) (*image.RGBA, error) {
	var h [25]uint32 // the header is always big-endian
	if err := binary.Read(r, binary.BigEndian, &h); err != nil {
		return nil, err
	}
	headerSize, version, format := h[0], h[1], h[2]
	width, height, byteOrder := h[4], h[5], h[7]
	bpp, bytesPerLine := h[11], h[12]
	masks := [3]uint32{h[14], h[15], h[16]}
	ncolors := h[19]
	if version != 7 || format != 2 || (bpp != 32 && bpp != 24) || width == 0 || height == 0 ||
		width > 16384 || height > 16384 || headerSize < 100 || bytesPerLine < width*bpp/8 {
		return nil, errors.New("unsupported xwd (want version 7 ZPixmap TrueColor, 24/32 bpp)")
	}
	if _, err := io.CopyN(io.Discard, r, int64(headerSize-100)+int64(ncolors)*12); err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, int(width), int(height)))
	line := make([]byte, bytesPerLine)
	step := int(bpp / 8)
	for y := 0; y < int(height); y++ {
		if _, err := io.ReadFull(r, line); err != nil {
			return nil, err
		}
		for x := 0; x < int(width); x++ {
			p := line[x*step : x*step+step]
			var v uint32
			if byteOrder == 0 { // LSBFirst
				for i := step - 1; i >= 0; i-- {
					v = v<<8 | uint32(p[i])
				}
			} else {
				for i := 0; i < step; i++ {
					v = v<<8 | uint32(p[i])
				}
			}
			o := img.PixOffset(x, y)
			for c, m := range masks {
				if m == 0 {
					continue
				}
				shift := bits.TrailingZeros32(m)
				width := bits.OnesCount32(m)
				val := (v & m) >> shift
				img.Pix[o+c] = uint8(val * 255 / (1<<width - 1))
			}
			img.Pix[o+3] = 0xFF
		}
	}
	return img, nil
}
