package cellimg

import (
	"image"
	"image/color"
	"strings"
	"testing"
)

func TestDecodeCells(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	grey := Palette(244)
	// Row 0: ▀ red over blue, ▄ (blue over red), a space on the grey
	// background, █ in red, then a default cell. Row 1: inverse ▀, a cell
	// with only a foreground (the bottom is the default background).
	text := "\x1b[38;2;255;0;0;48;2;0;0;255m▀\x1b[38;2;0;0;255;48;2;255;0;0m▄\x1b[48;5;244m \x1b[38;2;255;0;0m█\x1b[m \n" +
		"\x1b[7;38;2;255;0;0;48;2;0;0;255m▀\x1b[0m\x1b[?25l\x1b[31m▀\x1b[m\n"
	img, err := Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	if img.Rect != image.Rect(0, 0, 5, 4) {
		t.Fatalf("bounds %v", img.Rect)
	}
	want := map[image.Point]color.RGBA{
		{0, 0}: red, {0, 1}: blue,
		{1, 0}: red, {1, 1}: blue,
		{2, 0}: grey, {2, 1}: grey,
		{3, 0}: red, {3, 1}: red,
		{4, 0}: {}, {4, 1}: {},
		{0, 2}: blue, {0, 3}: red,
		{1, 2}: {205, 0, 0, 255}, {1, 3}: {},
	}
	for p, c := range want {
		if got := img.RGBAAt(p.X, p.Y); got != c {
			t.Errorf("pixel %v = %v, want %v", p, got, c)
		}
	}
	if r := Painted(img); r != image.Rect(0, 0, 4, 4) {
		t.Errorf("painted %v, want (0,0)-(4,4)", r)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, bad := range []string{"x", "\x1b[38;2;1;2m▀", "\x1b[38;9;1m▀", "\x1b[38;2;1;2;999m▀", "\x1b["} {
		if _, err := Decode(bad); err == nil {
			t.Errorf("Decode(%q) accepted", bad)
		}
	}
	if _, err := Decode(strings.Repeat(" ", maxCells+1)); err == nil {
		t.Error("Decode accepted more than maxCells cells")
	}
}

func TestMeanDeltaE(t *testing.T) {
	got := image.NewRGBA(image.Rect(0, 0, 2, 1))
	got.SetRGBA(0, 0, color.RGBA{128, 128, 128, 255})
	got.SetRGBA(1, 0, color.RGBA{0, 0, 0, 0}) // default colour: not compared
	want := image.NewRGBA(image.Rect(0, 0, 2, 1))
	want.SetRGBA(0, 0, color.RGBA{119, 119, 119, 255})
	want.SetRGBA(1, 0, color.RGBA{255, 255, 255, 255})
	d, n := MeanDeltaE(got, got.Rect, want)
	if n != 1 || d < 3 || d > 4.5 {
		t.Fatalf("MeanDeltaE = %.2f over %d pixels, want about 3.7 over 1", d, n)
	}
}
