package termgfx

import (
	"image"
	"reflect"
	"testing"
)

// TestQuantizeHugeFlat checks that the histogram's 32-bit chunk sums stay
// exact past 2^24 pixels of one colour, where they would overflow.
func TestQuantizeHugeFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 70 MB")
	}
	px := image.NewRGBA(image.Rect(0, 0, 4200, 4100)) // 17.2M pixels
	for i := 0; i < len(px.Pix); i += 4 {
		px.Pix[i], px.Pix[i+1], px.Pix[i+2], px.Pix[i+3] = 255, 254, 253, 255
	}
	for i := 0; i < 1000; i++ {
		px.Pix[i*4*997] = 3
	}
	pal, grey, opaque := quantize(px, 2)
	if want := [][3]uint8{{255, 254, 253}, {3, 254, 253}}; !reflect.DeepEqual(pal, want) || grey || !opaque {
		t.Fatalf("quantize = %v, grey %v, opaque %v; want %v, false, true", pal, grey, opaque, want)
	}
}
