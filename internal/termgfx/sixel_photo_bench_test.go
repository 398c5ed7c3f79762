package termgfx

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapdash/snapdash/internal/imaging"
)

// BenchmarkSixelAstro is one photo from its JPEG bytes to sixel in a
// 120×45-cell pane, decode included: the work a reviewer waits for.
func BenchmarkSixelAstro(b *testing.B) {
	data, err := os.ReadFile("testdata/photos/astronaut.jpeg")
	if err != nil {
		b.Fatal(err)
	}
	o := Options{Cols: 120, Rows: 45, Mode: ModeSixel, CellW: 10, CellH: 20}
	for b.Loop() {
		img, _, err := imaging.DecodeForBox(context.Background(), data, imaging.Limits{}, o.PixelBox())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Render(context.Background(), img, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSixelPhotos is every photo of testdata/photos from its JPEG
// bytes to sixel in a 120×45-cell pane, decode included: small photos pay
// the encoder's fixed costs (palette, search cells) as much as large ones.
func BenchmarkSixelPhotos(b *testing.B) {
	names, err := filepath.Glob("testdata/photos/*.jpeg")
	if err != nil || len(names) == 0 {
		b.Fatal("no photos", err)
	}
	var datas [][]byte
	for _, n := range names {
		d, err := os.ReadFile(n)
		if err != nil {
			b.Fatal(err)
		}
		datas = append(datas, d)
	}
	o := Options{Cols: 120, Rows: 45, Mode: ModeSixel, CellW: 10, CellH: 20}
	for b.Loop() {
		for _, data := range datas {
			img, _, err := imaging.DecodeForBox(context.Background(), data, imaging.Limits{}, o.PixelBox())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Render(context.Background(), img, o); err != nil {
				b.Fatal(err)
			}
		}
	}
}
