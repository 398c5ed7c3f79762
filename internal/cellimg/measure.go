package cellimg

import (
	"image"
	"image/draw"
	"math"
)

// The perceived error: how far a picture drawn by an encoder is from the
// photograph it was drawn from, as a reviewer sees it. The reference is
// the full-resolution photograph area-averaged to the drawn picture's
// pixels (AreaAverage, which is not the resampler of any encoder under
// test), and both sides get the same light Gaussian blur before they are
// compared, so that dithering the eye averages away is forgiven while
// banding, posterization and streaks are not.

// AreaAverage returns src scaled to exactly w×h pixels by an exact area
// average: every output pixel is the mean of the source area it covers,
// fractional pixels at its edges weighted by the part they cover. It is
// deliberately simple (float64, two separable passes) and shares nothing
// with the encoders' resamplers, so that it can judge them.
func AreaAverage(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	rgba, ok := src.(*image.RGBA)
	if !ok || rgba.Rect.Min != (image.Point{}) {
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, src, b.Min, draw.Src)
	}
	sw, sh := rgba.Rect.Dx(), rgba.Rect.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w <= 0 || h <= 0 || sw == 0 || sh == 0 {
		return dst
	}
	xs := areaWeights(sw, w)
	ys := areaWeights(sh, h)
	// Horizontal pass: sh rows of w pixels.
	tmp := make([]float64, sh*w*3)
	for y := 0; y < sh; y++ {
		row := rgba.Pix[y*rgba.Stride:]
		for x, ws := range xs {
			var r, g, bl float64
			for _, c := range ws {
				i := c.i * 4
				r += c.w * float64(row[i])
				g += c.w * float64(row[i+1])
				bl += c.w * float64(row[i+2])
			}
			o := (y*w + x) * 3
			tmp[o], tmp[o+1], tmp[o+2] = r, g, bl
		}
	}
	for y, ws := range ys {
		for x := 0; x < w; x++ {
			var r, g, bl float64
			for _, c := range ws {
				o := (c.i*w + x) * 3
				r += c.w * tmp[o]
				g += c.w * tmp[o+1]
				bl += c.w * tmp[o+2]
			}
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = round8(r), round8(g), round8(bl), 255
		}
	}
	return dst
}

type contrib struct {
	i int
	w float64
}

// areaWeights returns, for each of n output pixels along an axis of size
// src, the source pixels it covers and their weights (summing to 1).
func areaWeights(src, n int) [][]contrib {
	out := make([][]contrib, n)
	scale := float64(src) / float64(n)
	for o := range out {
		lo, hi := float64(o)*scale, float64(o+1)*scale
		for i := int(lo); i < src && float64(i) < hi; i++ {
			a := math.Max(lo, float64(i))
			b := math.Min(hi, float64(i+1))
			if b > a {
				out[o] = append(out[o], contrib{i, (b - a) / scale})
			}
		}
	}
	return out
}

func round8(v float64) uint8 {
	v = math.Round(v)
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// blurred returns the rect part of img as float channels (0..1), blurred
// with a Gaussian of the given sigma (in pixels), edges clamped.
func blurred(img *image.RGBA, rect image.Rectangle, sigma float64) []float64 {
	w, h := rect.Dx(), rect.Dy()
	a := make([]float64, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(rect.Min.X+x, rect.Min.Y+y)
			o := (y*w + x) * 3
			a[o], a[o+1], a[o+2] = float64(img.Pix[i])/255, float64(img.Pix[i+1])/255, float64(img.Pix[i+2])/255
		}
	}
	if sigma <= 0 {
		return a
	}
	rad := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*rad+1)
	var sum float64
	for i := range k {
		d := float64(i - rad)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	b := make([]float64, len(a))
	clamp := func(v, n int) int { return max(0, min(n-1, v)) }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s [3]float64
			for j, kv := range k {
				o := (y*w + clamp(x+j-rad, w)) * 3
				s[0] += kv * a[o]
				s[1] += kv * a[o+1]
				s[2] += kv * a[o+2]
			}
			o := (y*w + x) * 3
			b[o], b[o+1], b[o+2] = s[0], s[1], s[2]
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s [3]float64
			for j, kv := range k {
				o := (clamp(y+j-rad, h)*w + x) * 3
				s[0] += kv * b[o]
				s[1] += kv * b[o+1]
				s[2] += kv * b[o+2]
			}
			o := (y*w + x) * 3
			a[o], a[o+1], a[o+2] = s[0], s[1], s[2]
		}
	}
	return a
}

// PerceivedError returns the root-mean-square difference (sRGB channels
// scaled to 0..1) between the part rect of got and want (the reference,
// rect's size, from its origin) after both are blurred with a Gaussian of
// sigma pixels. Unpainted pixels of got count as black, so a picture that
// leaves holes is not forgiven.
func PerceivedError(got *image.RGBA, rect image.Rectangle, want *image.RGBA, sigma float64) float64 {
	w, h := min(rect.Dx(), want.Rect.Dx()), min(rect.Dy(), want.Rect.Dy())
	if w <= 0 || h <= 0 {
		return math.Inf(1)
	}
	a := blurred(got, image.Rect(rect.Min.X, rect.Min.Y, rect.Min.X+w, rect.Min.Y+h), sigma)
	b := blurred(want, image.Rect(want.Rect.Min.X, want.Rect.Min.Y, want.Rect.Min.X+w, want.Rect.Min.Y+h), sigma)
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

// PhotoError is PerceivedError against photo area-averaged to the painted
// part of got: the measure of bench/compare.sh and of the anchor tests.
func PhotoError(got *image.RGBA, photo image.Image, sigma float64) float64 {
	r := Painted(got)
	if r.Empty() {
		return math.Inf(1)
	}
	return PerceivedError(got, r, AreaAverage(photo, r.Dx(), r.Dy()), sigma)
}
