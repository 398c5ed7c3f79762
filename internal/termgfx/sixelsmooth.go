package termgfx

import "image"

// Smooth areas (a sky, a wall, a car's paint, a grey background) are where
// error diffusion costs a sixel the most bytes and buys the least: the
// camera noise it faithfully dithers is below what the eye (and the
// measure's blur) sees, yet it scatters three or four palette entries over
// every six-pixel column, none repeating along the row. There the encoder
// draws the area's local mean instead, with an ordered dither between the
// two palette entries that bracket it, by row: each row of a band has its
// own threshold, the same along the row, so a smooth area is a few
// repeated sixels per band ("!n"), the mean is kept (no band, no step) and
// the pattern is too fine and too faint to see (the entries are neighbours).

// smoothRadius is the half-width of the window whose mean a smooth pixel
// is drawn with and whose variance decides it is smooth (7×7 pixels).
const smoothRadius = 5

// smoothVar is the largest variance of a window's luma (r+2g+b, 0..1020)
// for its centre to count as smooth: a standard deviation of 8, about two
// levels per channel, a clear sky's noise but not a dim room's (whose
// low frequencies the eye still sees: drawn by the error diffusion), nor
// texture, nor an edge.
const smoothVar = 8 * 8

// smoothSpread is the furthest (RGB levels) the nearest entry may be from
// its own nearest neighbour for the ordered dither: its rows differ by
// that much, invisible below a few levels; where the palette is sparser
// (a grey picture's 32 levels) the error diffusion draws the area.
const smoothSpread = 5

// smoothThreshold is the ordered dither's threshold (in 1/12) for each row
// of a band: rows 0, 2, 4, 1, 3, 5 take the upper entry in turn as the
// mean rises, so whatever the share, the rows that take it are spread.
var smoothThreshold = [6]int32{1, 7, 3, 9, 5, 11}

// smoothPx is one pixel's window: whether it is smooth and its mean
// (channels in 1/16 levels).
type smoothPx struct {
	ok bool
	c  [3]int32
}

// smoothWin slides a (2r+1)² window down a picture, one row at a time.
type smoothWin struct {
	px   *image.RGBA
	r    int
	w, h int
	y    int // the next row row() expects
	top  int // rows [top, bot) are in the column sums
	bot  int
	sum  [][4]int32 // per column: Σr, Σg, Σb, ΣL² over the window's rows (ΣL² < 2³¹ for 121 pixels)
	opq  []int32    // per column: opaque pixels in the window's rows
	out  []smoothPx
	// opaque: no transparent pixel, opq is not kept.
	opaque bool
}

// newSmoothWin starts a window of radius r down px; opaque says px has no
// transparent pixel (the common case, counted faster).
func newSmoothWin(px *image.RGBA, r int, opaque bool) *smoothWin {
	w, h := px.Rect.Dx(), px.Rect.Dy()
	return &smoothWin{px: px, r: r, w: w, h: h, opaque: opaque, sum: make([][4]int32, w), opq: make([]int32, w), out: make([]smoothPx, w)}
}

// addRow adds (sign 1) or removes (-1) row y from the column sums.
func (s *smoothWin) addRow(y int, sign int32) {
	row := s.px.Pix[y*s.px.Stride : y*s.px.Stride+s.w*4]
	sum := s.sum[:s.w]
	if s.opaque {
		for x := range sum {
			p := row[x*4 : x*4+3 : x*4+3]
			r, g, b := int32(p[0]), int32(p[1]), int32(p[2])
			l := r + 2*g + b
			c := &sum[x]
			c[0] += sign * r
			c[1] += sign * g
			c[2] += sign * b
			c[3] += sign * l * l
		}
		return
	}
	for x := range sum {
		p := row[x*4 : x*4+4 : x*4+4]
		if p[3] < 128 {
			continue
		}
		r, g, b := int32(p[0]), int32(p[1]), int32(p[2])
		l := r + 2*g + b
		c := &sum[x]
		c[0] += sign * r
		c[1] += sign * g
		c[2] += sign * b
		c[3] += sign * l * l
		s.opq[x] += sign
	}
}

// swapRow adds row in and removes row out from the column sums in one
// pass (an opaque picture's window sliding down by a row).
func (s *smoothWin) swapRow(in, out int) {
	ri := s.px.Pix[in*s.px.Stride : in*s.px.Stride+s.w*4]
	ro := s.px.Pix[out*s.px.Stride : out*s.px.Stride+s.w*4]
	sum := s.sum[:s.w]
	for x := range sum {
		p := ri[x*4 : x*4+3 : x*4+3]
		q := ro[x*4 : x*4+3 : x*4+3]
		r, g, b := int32(p[0]), int32(p[1]), int32(p[2])
		r0, g0, b0 := int32(q[0]), int32(q[1]), int32(q[2])
		l, l0 := r+2*g+b, r0+2*g0+b0
		c := &sum[x]
		c[0] += r - r0
		c[1] += g - g0
		c[2] += b - b0
		c[3] += l*l - l0*l0
	}
}

// row returns the windows of row y; rows must be asked in order from 0.
func (s *smoothWin) row(y int) []smoothPx {
	lo, hi := max(0, y-s.r), min(s.h, y+s.r+1)
	if s.opaque && s.bot < hi && s.top < lo {
		s.swapRow(s.bot, s.top)
		s.bot++
		s.top++
	}
	for s.bot < hi {
		s.addRow(s.bot, 1)
		s.bot++
	}
	for s.top < lo {
		s.addRow(s.top, -1)
		s.top++
	}
	s.y = y + 1
	rows := int32(hi - lo)
	// Window sums as the window slides right: column x enters at
	// x+r, column x-r-1 leaves.
	var ar, ag, ab, al, n int32
	for x := 0; x < min(s.r, s.w); x++ {
		c := &s.sum[x]
		ar, ag, ab, al = ar+c[0], ag+c[1], ab+c[2], al+c[3]
		n += s.opq[x]
	}
	var inv int64 // 2³²/full, for the means
	lastFull := int32(-1)
	// In an opaque picture the windows of columns x1..x2-1 are whole:
	// those are slid without the edge tests (the same sums).
	x1, x2 := s.w, s.w
	if s.opaque && s.r+1 < s.w-s.r {
		x1, x2 = s.r+1, s.w-s.r
	}
	for x := 0; x < s.w; x++ {
		if x == x1 {
			full := int32(2*s.r+1) * rows
			n64 := int64(full)
			lim := smoothVar * n64 * n64
			inv, lastFull = (1<<32)/n64, full
			sum, out := s.sum[:s.w], s.out[:x2]
			for ; x < x2; x++ {
				c, d := &sum[x+s.r], &sum[x-s.r-1]
				ar, ag, ab, al = ar+c[0]-d[0], ag+c[1]-d[1], ab+c[2]-d[2], al+c[3]-d[3]
				sl := int64(ar) + 2*int64(ag) + int64(ab)
				o := &out[x]
				o.ok = n64*int64(al)-sl*sl <= lim
				if o.ok {
					o.c = [3]int32{int32((int64(ar)*16*inv + 1<<31) >> 32), int32((int64(ag)*16*inv + 1<<31) >> 32), int32((int64(ab)*16*inv + 1<<31) >> 32)}
				}
			}
			if x >= s.w {
				break
			}
		}
		if in := x + s.r; in < s.w {
			c := &s.sum[in]
			ar, ag, ab, al = ar+c[0], ag+c[1], ab+c[2], al+c[3]
			n += s.opq[in]
		}
		if out := x - s.r - 1; out >= 0 {
			c := &s.sum[out]
			ar, ag, ab, al = ar-c[0], ag-c[1], ab-c[2], al-c[3]
			n -= s.opq[out]
		}
		o := &s.out[x]
		full := int32(min(s.w, x+s.r+1)-max(0, x-s.r)) * rows
		if !s.opaque && n < full { // transparency in the window: not smooth
			o.ok = false
			continue
		}
		n64 := int64(full)
		sl := int64(ar) + 2*int64(ag) + int64(ab)
		// n²·variance = n·ΣL² − (ΣL)²
		o.ok = n64*int64(al)-sl*sl <= smoothVar*n64*n64
		if o.ok {
			if full != lastFull {
				inv, lastFull = (1<<32)/n64, full
			}
			// Σ·16/n to the nearest, by the reciprocal.
			o.c = [3]int32{int32((int64(ar)*16*inv + 1<<31) >> 32), int32((int64(ag)*16*inv + 1<<31) >> 32), int32((int64(ab)*16*inv + 1<<31) >> 32)}
		}
	}
	return s.out
}

// ordered returns the palette entry for a smooth pixel of colour c (in
// 1/16 levels) on a row of threshold th (in 1/12): of the nearest entry
// and the nearest one beyond the colour from it, the second if the colour
// lies more than th/12 of the way to it; -1 where the palette is too
// sparse there (spread, the distance from each entry to its nearest).
func (n *nearest) ordered(c *[3]int32, th int32, spread []int32) int {
	r, g, b := (c[0]+8)>>4, (c[1]+8)>>4, (c[2]+8)>>4
	r, g, b = clampCh(r), clampCh(g), clampCh(b)
	// n.index, with the key kept for the partner below.
	k, j := key(r, g, b)
	q := (k<<6 | int(j)) & (1<<18 - 1)
	var c1 int
	if n.known[k&4095]>>j&1 != 0 {
		c1 = int(n.near[q])
	} else {
		c1 = n.search(k, j, r, g, b)
	}
	if spread[c1] > smoothSpread {
		return -1
	}
	p1 := n.pal[c1]
	// The colour relative to c1, in 1/16 levels.
	dr, dg, db := c[0]-p1[0]*16, c[1]-p1[1]*16, c[2]-p1[2]*16
	if dr == 0 && dg == 0 && db == 0 {
		return c1
	}
	// The partner found for a colour of the same 4-level cube is taken
	// if it lies beyond this colour too (smooth areas change slowly).
	if n.pknown[k&4095]>>j&1 != 0 {
		v := int(n.partner[q])
		p := &n.pa[uint8(v)]
		vr, vg, vb := int64(p[0]-p1[0]), int64(p[1]-p1[1]), int64(p[2]-p1[2])
		if dot := vr*int64(dr) + vg*int64(dg) + vb*int64(db); dot > 0 {
			if dot*12 > int64(th)*16*(vr*vr+vg*vg+vb*vb) {
				return v
			}
			return c1
		}
	}
	best, bd := -1, int64(1<<62)
	for _, i := range n.cell(r, g, b) {
		if int(i) == c1 {
			continue
		}
		p := &n.pa[i]
		vr, vg, vb := p[0]-p1[0], p[1]-p1[1], p[2]-p1[2]
		dot := int64(vr)*int64(dr) + int64(vg)*int64(dg) + int64(vb)*int64(db) // 1/16
		if dot <= 0 {
			continue // not beyond the colour
		}
		er, eg, eb := int64(p[0])*16-int64(c[0]), int64(p[1])*16-int64(c[1]), int64(p[2])*16-int64(c[2])
		if d := 2*er*er + 4*eg*eg + 3*eb*eb; d < bd {
			best, bd = int(i), d
		}
	}
	if best < 0 {
		return c1
	}
	n.partner[q] = uint8(best)
	n.pknown[k&4095] |= 1 << (j & 63)
	p := n.pal[best]
	vr, vg, vb := int64(p[0]-p1[0]), int64(p[1]-p1[1]), int64(p[2]-p1[2])
	dot := vr*int64(dr) + vg*int64(dg) + vb*int64(db)
	// share·12 = dot / (16·|v|²)·12, compared with th without dividing.
	if dot*12 > int64(th)*16*(vr*vr+vg*vg+vb*vb) {
		return best
	}
	return c1
}
