package termgfx

import (
	"context"
	"os"
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
