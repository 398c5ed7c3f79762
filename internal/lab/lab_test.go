package lab

import (
	"math"
	"testing"
)

func TestFromRGBKnownValues(t *testing.T) {
	// Reference values from the CIE formulas (D65, sRGB).
	cases := []struct {
		r, g, b uint8
		want    Color
	}{
		{0, 0, 0, Color{0, 0, 0}},
		{255, 255, 255, Color{100, 0, 0}},
		{255, 0, 0, Color{53.24, 80.09, 67.20}},
		{0, 255, 0, Color{87.73, -86.18, 83.18}},
		{0, 0, 255, Color{32.30, 79.19, -107.86}},
		{128, 128, 128, Color{53.59, 0, 0}},
	}
	for _, c := range cases {
		got := FromRGB(c.r, c.g, c.b)
		if DeltaE(got, c.want) > 0.05 {
			t.Errorf("FromRGB(%d,%d,%d) = %+v, want %+v", c.r, c.g, c.b, got, c.want)
		}
	}
}

func TestDeltaE(t *testing.T) {
	a, b := Color{50, 10, -10}, Color{53, 14, -10}
	if d := DeltaE(a, b); math.Abs(d-5) > 1e-6 {
		t.Fatalf("DeltaE = %v, want 5", d)
	}
	if Dist2(a, b) != 25 {
		t.Fatalf("Dist2 = %v, want 25", Dist2(a, b))
	}
}
