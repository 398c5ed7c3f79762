package termgfx

import (
	"bytes"
	"context"
	"image/jpeg"
	"sync"
	"testing"

	"github.com/snapdash/snapdash/bench/testpic"
	"github.com/snapdash/snapdash/internal/imaging"
)

var bigJPEG = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, testpic.Photo(4000, 3000), &jpeg.Options{Quality: 90})
	return buf.Bytes()
})

var benchModes = []struct {
	name string
	o    Options
}{
	{"ascii", Options{Mode: ModeASCII}},
	{"ascii-color", Options{Mode: ModeASCII, Color: true, TrueColor: true}},
	{"halfblock", Options{Mode: ModeHalfblock, TrueColor: true}},
	{"halfblock-256", Options{Mode: ModeHalfblock}},
	{"sixel", Options{Mode: ModeSixel}},
	{"kitty", Options{Mode: ModeKitty, ImageID: 1}},
}

// BenchmarkRender12MP renders an already decoded 12-megapixel JPEG into a
// 120x40 pane (10x20 px cells).
func BenchmarkRender12MP(b *testing.B) {
	img, _, err := imaging.Decode(context.Background(), bigJPEG(), imaging.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			o := m.o
			o.Cols, o.Rows = 120, 40
			for i := 0; i < b.N; i++ {
				f, err := Render(context.Background(), img, o)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(f.Size()), "bytes/frame")
			}
		})
	}
}

// BenchmarkDecodeRender12MP includes the decode, as the user waits for it.
func BenchmarkDecodeRender12MP(b *testing.B) {
	data := bigJPEG()
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			o := m.o
			o.Cols, o.Rows = 120, 40
			for i := 0; i < b.N; i++ {
				img, _, err := imaging.Decode(context.Background(), data, imaging.Limits{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Render(context.Background(), img, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeForPane12MP decodes a 12-megapixel JPEG for a 120x40
// pane per mode (DCT scaling 1/8 for text modes, 1/2 for 1200x800 px).
func BenchmarkDecodeForPane12MP(b *testing.B) {
	data := bigJPEG()
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			o := m.o
			o.Cols, o.Rows = 120, 40
			for i := 0; i < b.N; i++ {
				img, _, err := imaging.DecodeForBox(context.Background(), data, imaging.Limits{}, o.PixelBox())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Render(context.Background(), img, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
