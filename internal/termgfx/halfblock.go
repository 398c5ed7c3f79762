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
		// A mostly transparent pixel is left to the terminal's
		// background, as an unpainted half.
		if px.Pix[i+3] < 128 {
			return rgb{}, false
		}
		a := uint32(px.Pix[i+3])
		if a == 255 {
			return rgb{px.Pix[i], px.Pix[i+1], px.Pix[i+2]}, true
		}
		un := func(v uint8) uint8 { return uint8(min(uint32(v)*255/a, 255)) } // premultiplied → straight
		return rgb{un(px.Pix[i]), un(px.Pix[i+1]), un(px.Pix[i+2])}, true
	}
	// The colour error of each drawn pixel (what it should have been,
	// less what was drawn: the colour reused or the palette entry written)
	// is carried to the pixels not yet drawn next to it, so that colour
	// reuse never steps a gradient or flattens a texture: the eye, which
	// averages neighbouring pixels, sees the right colour. top's error
	// goes 7/16 right and 9/16 to the bottom half of the next cell;
	// bottom's 7/16 right and 3/16, 5/16, 1/16 to the next row's cells.
	tol := o.Quality.cellTolerance()
	errTop := make([][3]float32, gw+2) // index x+1
	errBot := make([][3]float32, gw+2)
	errNext := make([][3]float32, gw+2)
	lines := make([]string, o.Rows)
	var sb strings.Builder
	for row := 0; row < o.Rows; row++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		errTop, errNext = errNext, errTop
		clear(errNext)
		clear(errBot)
		sb.Reset()
		e := newSGREncoderFor(&sb, o, tol)
		for col := 0; col < o.Cols; col++ {
			ct, okT := at(col, 2*row)
			cb, okB := at(col, 2*row+1)
			tt := newTarget(addErr(ct, errTop[col+1]))
			tb := newTarget(addErr(cb, errBot[col+1]))
			switch {
			case okT && okB && !o.TrueColor && !o.Colors16:
				// The 256-colour palette's steps are coarse (up to ΔE 10):
				// carried errors would dither every smooth area into
				// noise that costs bytes, so each pixel takes its nearest
				// entry, as chafa -c 240 does. (16 colours are too few
				// for that: they are dithered as true colour is.)
				e.cell(newTarget(ct), newTarget(cb))
			case okT && okB:
				dt, db := e.cell(tt, tb)
				et := diff(tt.c, dt)
				eb := diff(tb.c, db)
				spread(errTop, col+2, et, 7.0/16)
				spread(errBot, col+2, et, 9.0/16)
				spread(errBot, col+2, eb, 7.0/16)
				spread(errNext, col, eb, 3.0/16)
				spread(errNext, col+1, eb, 5.0/16)
				spread(errNext, col+2, eb, 1.0/16)
			case okT:
				e.fgOnly(upperHalf, tt)
			case okB:
				e.fgOnly(lowerHalf, tb)
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

// addErr returns c with the carried error e added, clamped.
func addErr(c rgb, e [3]float32) rgb {
	ch := func(v uint8, d float32) uint8 {
		x := float32(v) + d
		if x <= 0 {
			return 0
		}
		if x >= 255 {
			return 255
		}
		return uint8(x + 0.5)
	}
	return rgb{ch(c.r, e[0]), ch(c.g, e[1]), ch(c.b, e[2])}
}

// diff returns want − got per channel.
func diff(want, got rgb) [3]float32 {
	return [3]float32{float32(want.r) - float32(got.r), float32(want.g) - float32(got.g), float32(want.b) - float32(got.b)}
}

// spread adds w·e to buf[i].
func spread(buf [][3]float32, i int, e [3]float32, w float32) {
	buf[i][0] += w * e[0]
	buf[i][1] += w * e[1]
	buf[i][2] += w * e[2]
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
