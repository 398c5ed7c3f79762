package termgfx

import (
	"context"
	"image"
	"strconv"
	"strings"

	"github.com/snapdash/snapdash/internal/imaging"
)

const (
	sgrReset  = "\x1b[0m"
	upperHalf = "▀"
	lowerHalf = "▄"
)

// rgb is an opaque colour.
type rgb struct{ r, g, b uint8 }

// renderHalfblock draws two vertically stacked pixels per cell: '▀' with
// the upper pixel as foreground and the lower as background. The picture
// is fitted into Cols × 2·Rows pixels, each as wide as a cell and half as
// tall, centred, with blank cells around it.
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
	lines := make([]string, o.Rows)
	var sb strings.Builder
	for row := 0; row < o.Rows; row++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		sb.Reset()
		var w sgrWriter
		w.sb, w.true = &sb, o.TrueColor
		for col := 0; col < o.Cols; col++ {
			top, okT := at(col, 2*row)
			bot, okB := at(col, 2*row+1)
			switch {
			case okT && okB:
				if top == bot {
					// A space with a background needs no foreground.
					w.set(nil, &bot)
					sb.WriteByte(' ')
				} else {
					w.set(&top, &bot)
					sb.WriteString(upperHalf)
				}
			case okT:
				w.set(&top, nil)
				sb.WriteString(upperHalf)
			case okB:
				w.set(&bot, nil)
				sb.WriteString(lowerHalf)
			default:
				w.set(nil, nil)
				sb.WriteByte(' ')
			}
		}
		w.set(nil, nil)
		lines[row] = sb.String()
	}
	f.Lines = lines
	return nil
}

// sgrWriter emits SGR colour changes only when the colours change, and a
// reset whenever it goes back to default colours (so a line always ends
// with the terminal's default colours).
type sgrWriter struct {
	sb       *strings.Builder
	true     bool
	fg, bg   rgb
	hasFg    bool
	hasBg    bool
	fgK, bgK int // 256-colour indexes when !true
}

func (w *sgrWriter) set(fg, bg *rgb) {
	wantFg, wantBg := fg != nil, bg != nil
	if !wantFg && !wantBg {
		if w.hasFg || w.hasBg {
			w.sb.WriteString(sgrReset)
			w.hasFg, w.hasBg = false, false
		}
		return
	}
	// Dropping a colour needs a reset; then both are re-emitted.
	if (w.hasFg && !wantFg) || (w.hasBg && !wantBg) {
		w.sb.WriteString(sgrReset)
		w.hasFg, w.hasBg = false, false
	}
	var params []byte
	if wantFg && (!w.hasFg || !w.same(w.fg, w.fgK, *fg)) {
		params = w.appendColor(params, 38, *fg)
		w.fg, w.hasFg = *fg, true
		w.fgK = xterm256(fg.r, fg.g, fg.b)
	}
	if wantBg && (!w.hasBg || !w.same(w.bg, w.bgK, *bg)) {
		if len(params) > 0 {
			params = append(params, ';')
		}
		params = w.appendColor(params, 48, *bg)
		w.bg, w.hasBg = *bg, true
		w.bgK = xterm256(bg.r, bg.g, bg.b)
	}
	if len(params) > 0 {
		w.sb.WriteString("\x1b[")
		w.sb.Write(params)
		w.sb.WriteByte('m')
	}
}

// same reports whether c would be emitted identically to the current
// colour (cur, whose 256-colour index is k).
func (w *sgrWriter) same(cur rgb, k int, c rgb) bool {
	if w.true {
		return cur == c
	}
	return k == xterm256(c.r, c.g, c.b)
}

func (w *sgrWriter) appendColor(p []byte, base int, c rgb) []byte {
	p = strconv.AppendInt(p, int64(base), 10)
	if w.true {
		p = append(p, ";2;"...)
		p = strconv.AppendInt(p, int64(c.r), 10)
		p = append(p, ';')
		p = strconv.AppendInt(p, int64(c.g), 10)
		p = append(p, ';')
		p = strconv.AppendInt(p, int64(c.b), 10)
		return p
	}
	p = append(p, ";5;"...)
	return strconv.AppendInt(p, int64(xterm256(c.r, c.g, c.b)), 10)
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
