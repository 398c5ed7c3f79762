package termgfx

import (
	"context"
	"os"
	"testing"

	"github.com/snapdash/snapdash/internal/imaging"
)

// BenchmarkSixelAstro is one 512×512 photo from its JPEG bytes to sixel at
// 1200×900 pixels, decode included: the work a reviewer waits for.
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
