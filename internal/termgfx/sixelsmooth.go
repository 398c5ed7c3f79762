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
// (channels in 1/16 levels, 0..4080). Eight bytes: a row of them is read
// back by the encoder right after row() writes it.
type smoothPx struct {
	ok bool
	c  [3]uint16
}

// A column's or a window's sums of r, g, b and luma L = r+2g+b are packed
// in one word, so a window slides by an add and a subtract rather than
// four of each: 16 bits for r and g, 15 for b (at most 121·255 = 30855 in
// an 11×11 window) and 17 for L (at most 121·1020 = 123420). Every field
// of a sum stays in range, so adding and subtracting packed words
// (wrapping in between) is exact.
const (
	sumGShift = 16
	sumBShift = 32
	sumLShift = 47
)

// packPx packs one pixel of luma l for the column sums.
func packPx(r, g, b, l uint64) uint64 {
	return r | g<<sumGShift | b<<sumBShift | l<<sumLShift
}

// unpackSum returns a packed sum's r, g and b.
func unpackSum(a uint64) (r, g, b int64) {
	return int64(uint16(a)), int64(uint16(a >> sumGShift)), int64(a >> sumBShift & (1<<15 - 1))
}

// smoothWin slides a (2r+1)² window down a picture, one row at a time.
type smoothWin struct {
	px   *image.RGBA
	r    int
	w, h int
	y    int // the next row row() expects
	top  int // rows [top, bot) are in the column sums
	bot  int
	sum  []uint64 // per column: Σr, Σg, Σb, ΣL packed, over the window's rows
	sq   []int32  // per column: ΣL² (< 2³¹ for 121 pixels)
	opq  []int32  // per column: opaque pixels in the window's rows
	out  []smoothPx
	// opaque: no transparent pixel, opq is not kept.
	opaque bool
}

// newSmoothWin starts a window of radius r (at most 5, for the packed
// sums) down px; opaque says px has no transparent pixel (the common
// case, counted faster).
func newSmoothWin(px *image.RGBA, r int, opaque bool) *smoothWin {
	if r > 5 {
		panic("termgfx: smooth window radius over 5")
	}
	w, h := px.Rect.Dx(), px.Rect.Dy()
	return &smoothWin{px: px, r: r, w: w, h: h, opaque: opaque, sum: make([]uint64, w), sq: make([]int32, w), opq: make([]int32, w), out: make([]smoothPx, w)}
}

// addRow adds (sign 1) or removes (-1) row y from the column sums.
func (s *smoothWin) addRow(y int, sign int32) {
	row := s.px.Pix[y*s.px.Stride : y*s.px.Stride+s.w*4]
	sum, sq := s.sum[:s.w], s.sq[:s.w]
	for x := range sum {
		p := row[x*4 : x*4+4 : x*4+4]
		if !s.opaque && p[3] < 128 {
			continue
		}
		r, g, b := int32(p[0]), int32(p[1]), int32(p[2])
		l := r + 2*g + b
		v := packPx(uint64(r), uint64(g), uint64(b), uint64(l))
		if sign > 0 {
			sum[x] += v
		} else {
			sum[x] -= v
		}
		sq[x] += sign * l * l
		if !s.opaque {
			s.opq[x] += sign
		}
	}
}

// swapCols adds row in and removes row out from the column sums in one
// pass (an opaque picture's window sliding down by a row).
func (s *smoothWin) swapCols(in, out int) {
	ri := s.px.Pix[in*s.px.Stride : in*s.px.Stride+s.w*4]
	ro := s.px.Pix[out*s.px.Stride : out*s.px.Stride+s.w*4]
	sum, sq := s.sum[:s.w], s.sq[:s.w]
	for x := range sum {
		p, q := (*[4]byte)(ri[x*4:x*4+4]), (*[4]byte)(ro[x*4:x*4+4])
		r, g, b := int64(p[0]), int64(p[1]), int64(p[2])
		r0, g0, b0 := int64(q[0]), int64(q[1]), int64(q[2])
		l, l0 := r+2*g+b, r0+2*g0+b0
		// The packed difference: a field may go negative, the sum's not.
		sum[x] += uint64(r - r0 + (g-g0)<<sumGShift + (b-b0)<<sumBShift + (l-l0)<<sumLShift)
		sq[x] += int32(l*l - l0*l0)
	}
}

// slideWhole slides a window of n pixels (sums a, al) along the columns
// whose windows are whole, writing out[i]: column sums ins[i] and inq[i]
// enter, outs[i] and outq[i] leave; inv16 is 16·2³²/n. It returns the
// last window's sums.
func slideWhole(out []smoothPx, ins, outs []uint64, inq, outq []int32, a uint64, al int32, n, inv16 int64) (uint64, int32) {
	lim := smoothVar * n * n
	outs, inq, outq = outs[:len(ins)], inq[:len(ins)], outq[:len(ins)]
	out = out[:len(ins)]
	for i := range ins {
		a += ins[i] - outs[i]
		al += inq[i] - outq[i]
		sl := int64(a >> sumLShift)
		// n²·variance = n·ΣL² − (ΣL)²
		ok := n*int64(al)-sl*sl <= lim
		out[i].ok = ok
		if ok {
			// Σ·16/n to the nearest, by the reciprocal.
			ar, ag, ab := unpackSum(a)
			out[i].c = [3]uint16{uint16((ar*inv16 + 1<<31) >> 32), uint16((ag*inv16 + 1<<31) >> 32), uint16((ab*inv16 + 1<<31) >> 32)}
		}
	}
	return a, al
}

// row returns the windows of row y; rows must be asked in order from 0.
func (s *smoothWin) row(y int) []smoothPx {
	lo, hi := max(0, y-s.r), min(s.h, y+s.r+1)
	// swap: an opaque picture's window moves down by a row, its column
	// sums take the entering row and lose the leaving one in one pass.
	swap := s.opaque && s.bot < hi && s.top < lo
	in, out := s.bot, s.top
	if swap {
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
	// In an opaque picture the windows of columns x1..x2-1 are whole:
	// those are slid without the edge tests (the same sums).
	x1, x2 := s.w, s.w
	if s.opaque && s.r+1 < s.w-s.r {
		x1, x2 = s.r+1, s.w-s.r
	}
	if swap {
		s.swapCols(in, out)
	}
	// Window sums as the window slides right: column x enters at
	// x+r, column x-r-1 leaves.
	var a uint64
	var al, n int32
	for x := 0; x < min(s.r, s.w); x++ {
		a += s.sum[x]
		al += s.sq[x]
		n += s.opq[x]
	}
	var inv int64 // 2³²/full, for the means
	lastFull := int32(-1)
	for x := 0; x < s.w; x++ {
		if x == x1 {
			full := int32(2*s.r+1) * rows
			n64 := int64(full)
			inv, lastFull = (1<<32)/n64, full
			a, al = slideWhole(s.out[x1:x2], s.sum[x1+s.r:x2+s.r], s.sum[:x2-x1], s.sq[x1+s.r:x2+s.r], s.sq[:x2-x1], a, al, n64, inv*16)
			x = x2
			if x >= s.w {
				break
			}
		}
		if in := x + s.r; in < s.w {
			a += s.sum[in]
			al += s.sq[in]
			n += s.opq[in]
		}
		if out := x - s.r - 1; out >= 0 {
			a -= s.sum[out]
			al -= s.sq[out]
			n -= s.opq[out]
		}
		o := &s.out[x]
		full := int32(min(s.w, x+s.r+1)-max(0, x-s.r)) * rows
		if !s.opaque && n < full { // transparency in the window: not smooth
			o.ok = false
			continue
		}
		n64 := int64(full)
		sl := int64(a >> sumLShift)
		// n²·variance = n·ΣL² − (ΣL)²
		o.ok = n64*int64(al)-sl*sl <= smoothVar*n64*n64
		if o.ok {
			if full != lastFull {
				inv, lastFull = (1<<32)/n64, full
			}
			// Σ·16/n to the nearest, by the reciprocal.
			ar, ag, ab := unpackSum(a)
			o.c = [3]uint16{uint16((ar*16*inv + 1<<31) >> 32), uint16((ag*16*inv + 1<<31) >> 32), uint16((ab*16*inv + 1<<31) >> 32)}
		}
	}
	return s.out
}

// ordered returns the palette entry for a smooth pixel of colour c (a
// window's mean from row(), in 1/16 levels) on a row of threshold th (in
// 1/12): of the nearest entry and the nearest one beyond the colour from
// it, the second if the colour lies more than th/12 of the way to it; -1
// where the palette is too sparse there (spread, the distance from each
// entry to its nearest). A mean is within 0..4080, so its rounding to
// levels needs no clamp, and with entries within 0..255 every product
// below fits in 32 bits (|dot|·12 ≤ 3·255·4080·12 < 2³¹).
func (n *nearest) ordered(c *[3]uint16, th int32, spread []int32) int {
	// The common case (the colour's nearest entry and partner known, the
	// partner beyond the colour) in a function that calls nothing on its
	// way (fewer values kept on the stack); anything else is orderedFull's.
	cr, cg, cb := int32(c[0]), int32(c[1]), int32(c[2])
	q := slot((cr+8)>>4, (cg+8)>>4, (cb+8)>>4)
	if q+1 == n.lq {
		dot := n.lvec[0]*(cr-n.lp[0]) + n.lvec[1]*(cg-n.lp[1]) + n.lvec[2]*(cb-n.lp[2])
		if dot > 0 {
			if dot*12 > th*n.lv2 {
				return int(n.lv)
			}
			return int(n.lc1)
		}
		return n.orderedFull(c, th, spread)
	}
	k, j := q>>6, uint(q)&63
	if n.known[k&4095]>>j&1 == 0 {
		return n.orderedFull(c, th, spread)
	}
	c1 := n.near[q]
	if spread[c1] > smoothSpread {
		return -1
	}
	if n.pknown[k&4095]>>j&1 == 0 {
		return n.orderedFull(c, th, spread)
	}
	p1, p := &n.pa[c1], &n.pa[n.partner[q]]
	dr, dg, db := cr-p1[0]*16, cg-p1[1]*16, cb-p1[2]*16
	vr, vg, vb := p[0]-p1[0], p[1]-p1[1], p[2]-p1[2]
	dot := vr*dr + vg*dg + vb*db
	n.lq, n.lc1, n.lv = q+1, c1, n.partner[q]
	n.lvec = [3]int32{vr, vg, vb}
	n.lv2 = 16 * (vr*vr + vg*vg + vb*vb)
	n.lp = [3]int32{p1[0] * 16, p1[1] * 16, p1[2] * 16}
	if dot <= 0 {
		return n.orderedFull(c, th, spread)
	}
	if dot*12 > th*16*(vr*vr+vg*vg+vb*vb) {
		return int(n.partner[q])
	}
	return int(c1)
}

// orderedFull is ordered without its shortcut: it finds (and memoizes)
// the nearest entry and the partner when they are not known yet.
func (n *nearest) orderedFull(c *[3]uint16, th int32, spread []int32) int {
	cr, cg, cb := int32(c[0]), int32(c[1]), int32(c[2])
	r, g, b := (cr+8)>>4, (cg+8)>>4, (cb+8)>>4
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
	p1 := &n.pa[uint8(c1)]
	// The colour relative to c1, in 1/16 levels.
	dr, dg, db := cr-p1[0]*16, cg-p1[1]*16, cb-p1[2]*16
	// The partner found for a colour of the same 4-level cube is taken
	// if it lies beyond this colour too (smooth areas change slowly).
	if n.pknown[k&4095]>>j&1 != 0 {
		v := n.partner[q]
		p := &n.pa[v]
		vr, vg, vb := p[0]-p1[0], p[1]-p1[1], p[2]-p1[2]
		if dot := vr*dr + vg*dg + vb*db; dot > 0 {
			// share·12 = dot / (16·|v|²)·12, compared with th without
			// dividing.
			if dot*12 > th*16*(vr*vr+vg*vg+vb*vb) {
				return int(v)
			}
			return c1
		}
	}
	if dr == 0 && dg == 0 && db == 0 {
		return c1 // no entry lies beyond c1's own colour
	}
	best, bd := -1, int32(1<<31-1)
	for _, i := range n.cell(r, g, b) {
		if int(i) == c1 {
			continue
		}
		p := &n.pa[i]
		vr, vg, vb := p[0]-p1[0], p[1]-p1[1], p[2]-p1[2]
		if vr*dr+vg*dg+vb*db <= 0 {
			continue // not beyond the colour
		}
		er, eg, eb := p[0]*16-cr, p[1]*16-cg, p[2]*16-cb // 1/16
		if d := 2*er*er + 4*eg*eg + 3*eb*eb; d < bd {
			best, bd = int(i), d
		}
	}
	if best < 0 {
		return c1
	}
	n.partner[q] = uint8(best)
	n.lq = 0
	n.pknown[k&4095] |= 1 << (j & 63)
	p := &n.pa[uint8(best)]
	vr, vg, vb := p[0]-p1[0], p[1]-p1[1], p[2]-p1[2]
	if dot := vr*dr + vg*dg + vb*db; dot*12 > th*16*(vr*vr+vg*vg+vb*vb) {
		return best
	}
	return c1
}
