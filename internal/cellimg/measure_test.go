package cellimg

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	sixel "github.com/mattn/go-sixel"
)

func TestAreaAverageIsExact(t *testing.T) {
	// 3 pixels into 2: each output pixel covers 1.5 source pixels.
	src := image.NewRGBA(image.Rect(0, 0, 3, 1))
	src.SetRGBA(0, 0, color.RGBA{0, 0, 0, 255})
	src.SetRGBA(1, 0, color.RGBA{90, 90, 90, 255})
	src.SetRGBA(2, 0, color.RGBA{180, 180, 180, 255})
	got := AreaAverage(src, 2, 1)
	// (0 + 0.5·90)/1.5 = 30; (0.5·90 + 180)/1.5 = 150.
	if a, b := got.RGBAAt(0, 0).R, got.RGBAAt(1, 0).R; a != 30 || b != 150 {
		t.Errorf("got %d and %d, want 30 and 150", a, b)
	}
	// The mean survives any reduction.
	big := image.NewRGBA(image.Rect(0, 0, 97, 61))
	var sum float64
	for i := range big.Pix {
		big.Pix[i] = uint8(i * 7 % 251)
		if i%4 == 0 {
			sum += float64(big.Pix[i])
		}
	}
	small := AreaAverage(big, 13, 7)
	var s2 float64
	for i := 0; i < len(small.Pix); i += 4 {
		s2 += float64(small.Pix[i])
	}
	if m1, m2 := sum/(97*61), s2/(13*7); math.Abs(m1-m2) > 0.5 {
		t.Errorf("mean %.2f became %.2f", m1, m2)
	}
}

func TestPerceivedErrorForgivesDitherNotBands(t *testing.T) {
	const w, h = 64, 32
	grey := image.NewRGBA(image.Rect(0, 0, w, h))
	dither := image.NewRGBA(image.Rect(0, 0, w, h))
	band := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			grey.SetRGBA(x, y, color.RGBA{128, 128, 128, 255})
			v := uint8(120) // a checkerboard of 120 and 136 averages 128
			if (x+y)%2 == 0 {
				v = 136
			}
			dither.SetRGBA(x, y, color.RGBA{v, v, v, 255})
			b := uint8(124) // half the picture 4 levels off
			if y >= h/2 {
				b = 132
			}
			band.SetRGBA(x, y, color.RGBA{b, b, b, 255})
		}
	}
	d := PerceivedError(dither, dither.Rect, grey, 1)
	b := PerceivedError(band, band.Rect, grey, 1)
	if d > 0.003 || b < 0.012 || d*4 > b {
		t.Errorf("dither %.4f, band %.4f: the blur should forgive the first, not the second", d, b)
	}
}

func TestDecodeSixelMatchesGoSixel(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 23, 14))
	for y := 0; y < 14; y++ {
		for x := 0; x < 23; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 11), uint8(y * 18), 200, 255})
		}
	}
	var sb strings.Builder
	if err := sixel.NewEncoder(&sb).Encode(img); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeSixel(sb.String())
	if err != nil {
		t.Fatal(err)
	}
	if got.Rect.Dx() != 23 || got.Rect.Dy() < 14 {
		t.Fatalf("size %v", got.Rect)
	}
	var want image.Image
	if err := sixel.NewDecoder(strings.NewReader(sb.String())).Decode(&want); err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 14; y++ {
		for x := 0; x < 23; x++ {
			r1, g1, b1, _ := want.At(x, y).RGBA()
			c := got.RGBAAt(x, y)
			if d := math.Abs(float64(r1>>8)-float64(c.R)) + math.Abs(float64(g1>>8)-float64(c.G)) + math.Abs(float64(b1>>8)-float64(c.B)); d > 6 {
				t.Fatalf("(%d,%d): ours %v, go-sixel's %d,%d,%d", x, y, c, r1>>8, g1>>8, b1>>8)
			}
		}
	}
	// Repeats, carriage returns, HLS colours and unpainted pixels.
	got, err = DecodeSixel("\x1bP0;1;8q\"1;1;8;6#1;2;100;0;0#2;1;240;50;100#1!4~$#2????!4~\x1b\\")
	if err != nil {
		t.Fatal(err)
	}
	if c := got.RGBAAt(0, 0); c != (color.RGBA{255, 0, 0, 255}) {
		t.Errorf("red run: %v", c)
	}
	if c := got.RGBAAt(5, 5); c.G < 200 || c.R > 50 { // DEC HLS: hue 0 blue, 120 red, 240 green
		t.Errorf("HLS green: %v", c)
	}
	if _, err := DecodeSixel("no graphic"); err == nil {
		t.Error("text without a graphic decoded")
	}
	if _, err := DecodeSixel("\x1bPq\"1;1;99999;99999"); err == nil {
		t.Error("a graphic over the pixel limit decoded")
	}
}
