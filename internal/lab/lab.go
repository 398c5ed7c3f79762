// Package lab converts sRGB colours to CIE L*a*b* (D65) and measures the
// CIE76 colour difference ΔE between them, the yardstick the picture
// encoders use to decide when two colours look the same: a ΔE of about
// 2.3 is one just-noticeable difference.
//
// It is kept, rather than github.com/lucasb-eyer/go-colorful, for speed
// alone: the encoders convert every pixel of a frame (and a table of
// 262 144 colours for sixel), and go-colorful's Lab() measured 4.5x slower
// (BenchmarkFromRGB, BenchmarkColorfulLab). TestAgreesWithColorful holds
// it to go-colorful's results within ΔE 0.05.
package lab

import "math"

// JND is the CIE76 ΔE of one just-noticeable difference.
const JND = 2.3

// Color is a colour in CIE L*a*b* (D65 white).
type Color struct{ L, A, B float32 }

// linear maps an sRGB channel value to linear light (0..1). It is filled
// once when the package loads and only read afterwards.
var linear = func() (t [256]float32) {
	for i := range t {
		v := float64(i) / 255
		if v <= 0.04045 {
			v /= 12.92
		} else {
			v = math.Pow((v+0.055)/1.055, 2.4)
		}
		t[i] = float32(v)
	}
	return t
}()

// FromRGB converts an 8-bit sRGB colour to L*a*b*.
func FromRGB(r, g, b uint8) Color {
	lr, lg, lb := float64(linear[r]), float64(linear[g]), float64(linear[b])
	x := (0.4124564*lr + 0.3575761*lg + 0.1804375*lb) / 0.95047
	y := 0.2126729*lr + 0.7151522*lg + 0.0721750*lb
	z := (0.0193339*lr + 0.1191920*lg + 0.9503041*lb) / 1.08883
	fx, fy, fz := f(x), f(y), f(z)
	return Color{L: float32(116*fy - 16), A: float32(500 * (fx - fy)), B: float32(200 * (fy - fz))}
}

func f(t float64) float64 {
	const e = 216.0 / 24389
	if t > e {
		return math.Cbrt(t)
	}
	return (24389.0/27*t + 16) / 116
}

// Dist2 returns the square of the CIE76 ΔE between a and b (cheaper than
// DeltaE when only comparing against a threshold).
func Dist2(a, b Color) float32 {
	dl, da, db := a.L-b.L, a.A-b.A, a.B-b.B
	return dl*dl + da*da + db*db
}

// DeltaE returns the CIE76 colour difference between a and b.
func DeltaE(a, b Color) float64 { return math.Sqrt(float64(Dist2(a, b))) }
