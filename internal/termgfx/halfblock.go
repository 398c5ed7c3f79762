package termgfx

import (
	"context"
	"image"
	"strings"

	"github.com/snapdash/snapdash/internal/imaging"
)

const (
	sgrReset  = "\x1b[0m"
	upperHalf = "▀"
	lowerHalf = "▄"
	fullBlock = "█"
)

// rgb is an opaque colour.
type rgb struct{ r, g, b uint8 }

// renderHalfblock draws two vertically stacked pixels per cell: '▀' with
// the upper pixel as foreground and the lower as background. The picture
// is fitted into Cols × 2·Rows pixels, each as wide as a cell and half as
// tall, centred, with blank cells around it. sgrEncoder (sgrenc.go) picks
// the glyph and colours of each cell for the fewest bytes.
func renderHalfblock(ctx context.Context, img image.Image, o Options, f *Frame) error {
	gw, gh := o.Cols, o.Rows*2
	b := img.Bounds()
	src, dw, dh := imaging.Layout(b.Dx(), b.Dy(), gw, gh, o.cellAspect()/2, o.Zoom, o.PanX, o.PanY)
	px, err := imaging.Resample(ctx, img, src, dw, dh)
	if err != nil {
		return err
	}
	ox := (gw - dw) / 2
	oy := ((gh - dh) / 2) &^ 1 // even, so the picture starts at a cell's top half
	at := func(x, y int) (rgb, bool) {
		x, y = x-ox, y-oy
		if x < 0 || y < 0 || x >= dw || y >= dh {
			return rgb{}, false
		}
		i := y*px.Stride + x*4
		return rgb{px.Pix[i], px.Pix[i+1], px.Pix[i+2]}, true
	}
	// Each pixel's Lab value is needed once or twice per cell: convert the
	// two pixel rows of a cell row once.
	tg := make([]target, 2*gw)
	okPix := make([]bool, 2*gw)
	lines := make([]string, o.Rows)
	var sb strings.Builder
	for row := 0; row < o.Rows; row++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i := range tg {
			c, ok := at(i%gw, 2*row+i/gw)
			okPix[i] = ok
			if ok {
				tg[i] = newTarget(c)
			}
		}
		sb.Reset()
		e := newSGREncoder(&sb, o.TrueColor)
		for col := 0; col < o.Cols; col++ {
			okT, okB := okPix[col], okPix[gw+col]
			switch {
			case okT && okB:
				e.cell(tg[col], tg[gw+col])
			case okT:
				e.fgOnly(upperHalf, tg[col])
			case okB:
				e.fgOnly(lowerHalf, tg[gw+col])
			default:
				e.blank()
			}
		}
		e.end()
		lines[row] = sb.String()
	}
	f.Lines = lines
	return nil
}

var cubeLevels = [6]int{0, 95, 135, 175, 215, 255}

// xterm256 returns the nearest entry of the xterm 256-colour palette
// (the 6×6×6 cube 16..231 or the grey ramp 232..255) to r,g,b.
func xterm256(r, g, b uint8) int {
	ci := func(v uint8) int {
		switch {
		case v < 48:
			return 0
		case v < 115:
			return 1
		}
		return (int(v) - 35) / 40
	}
	ri, gi, bi := ci(r), ci(g), ci(b)
	cr, cg, cb := cubeLevels[ri], cubeLevels[gi], cubeLevels[bi]
	dCube := sq(cr-int(r)) + sq(cg-int(g)) + sq(cb-int(b))
	avg := (int(r) + int(g) + int(b)) / 3
	gi2 := clampInt((avg-3)/10, 0, 23)
	if avg < 3 {
		gi2 = 0
	}
	gv := 8 + 10*gi2
	dGrey := sq(gv-int(r)) + sq(gv-int(g)) + sq(gv-int(b))
	if dGrey < dCube {
		return 232 + gi2
	}
	return 16 + 36*ri + 6*gi + bi
}

func sq(v int) int { return v * v }
