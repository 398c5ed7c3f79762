package termgfx

import (
	"image"
	"image/color"
	"math"
)

// testPicture draws a deterministic w×h picture: a colour gradient, a dark
// disc and a white bar, so every mode has edges and colours to show.
func testPicture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, rad := float64(w)*0.35, float64(h)*0.5, float64(min(w, h))*0.3
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), uint8(255 - x*255/max(w-1, 1)), 255}
			if math.Hypot(float64(x)-cx, float64(y)-cy) < rad {
				c = color.RGBA{20, 30, 40, 255}
			}
			if x > w*7/10 && x < w*8/10 {
				c = color.RGBA{250, 250, 250, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}
