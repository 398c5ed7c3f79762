package termgfx

import (
	"context"
	"os"
	"testing"

	"github.com/snapdash/snapdash/internal/imaging"
)

func BenchmarkSixelAstro(b *testing.B) {
	data, _ := os.ReadFile("testdata/photos/astronaut.jpeg")
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
