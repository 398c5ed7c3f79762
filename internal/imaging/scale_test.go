package imaging

import (
	"image"
	"testing"
)

func TestLayoutZoomPan(t *testing.T) {
	r, w, h := Layout(1000, 500, 100, 100, 1, 1, 0, 0)
	if r != image.Rect(0, 0, 1000, 500) || w != 100 || h != 50 {
		t.Fatalf("fit: %v %d %d", r, w, h)
	}
	// Zoom 2 fills the pane's height, and shows half the width.
	r, w, h = Layout(1000, 500, 100, 100, 1, 2, 0, 0)
	if w != 100 || h != 100 || r.Dx() != 500 || r.Dy() != 500 || r.Min.X != 250 {
		t.Fatalf("zoom 2: %v %d %d", r, w, h)
	}
	r, _, _ = Layout(1000, 500, 100, 100, 1, 2, -1, 0)
	if r.Min.X != 0 {
		t.Fatalf("pan left: %v", r)
	}
	r, _, _ = Layout(1000, 500, 100, 100, 1, 2, 1, 0)
	if r.Max.X != 1000 {
		t.Fatalf("pan right: %v", r)
	}
}
