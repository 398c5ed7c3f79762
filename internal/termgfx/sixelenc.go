package termgfx

import (
	"context"
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"
	"unsafe"

	"github.com/snapdash/snapdash/internal/imaging"
)

// The sixel encoder. go-sixel is correct but spends most of its time in a
// per-pixel median cut and in walking every palette entry across the full
// width of every band; this one quantizes a 15-bit histogram instead of the
// pixels, maps each pixel through the histogram box it fell in, and emits
// each colour only over the span of the band where it occurs.

// encodeSixelFast encodes a picture as a sixel DCS string with an
// adaptive palette of at most ncolors (2..256) registers, at fidelity.
func encodeSixelFast(ctx context.Context, px *image.RGBA, ncolors int) (string, error) {
	return encodeSixelQ(ctx, px, ncolors, QualityFidelity)
}

// encodeSixelQ encodes px with an adaptive palette at quality q. Each
// pixel, with the colour error carried from its neighbours added
// (Floyd–Steinberg, 7/8 of it: sixelCarry), is drawn with the palette
// entry that costs least in squared colour error plus λ times the bytes it
// adds to its band (bandCols.cheapest): a colour already drawn in the same
// sixel column adds none, its nearest entry may add a new run. What the
// pixel misses by goes on to the pixels not yet drawn, so that neither the
// palette's steps nor the reuse show as bands; λ (Quality.sixelLambda) is
// kept low enough that the carried error does not build up into streaks.
// Smooth areas where the palette is dense (a sky) are drawn as their local
// mean with an ordered dither by row instead (sixelsmooth.go): their
// camera noise cost the most bytes and the eye does not see it.
// QualityBandwidth dithers every pixel with a fixed pattern (orderedRow):
// each row of a band offset by a share of the local palette spacing, the
// same along the row, so a smooth area is a few repeated sixels per band
// instead of noise.
func encodeSixelQ(ctx context.Context, px *image.RGBA, ncolors int, q Quality) (string, error) {
	lambda := q.sixelLambda()
	ordered := q == QualityBandwidth
	if ncolors < 2 || ncolors > 256 {
		ncolors = 256
	}
	w, h := px.Rect.Dx(), px.Rect.Dy()
	if w <= 0 || h <= 0 {
		return "", nil
	}
	palette, grey, opaque := quantize(px, ncolors)
	mu := int32(2)
	if grey && lambda > 0 {
		// A grey picture has at most 32 entries, 8 levels apart, on one
		// line, and its texture (grass, fabric) scatters three or four
		// of them over every column: the carried error restores the
		// level from whichever a column already holds, so there bytes
		// weigh six times as much (measured on the photo set: a grey
		// photo cost 1.35x img2sixel's bytes at a sixth of its error;
		// 0.85x at a third).
		lambda *= 6
		mu *= 6
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	// A photo's sixel is about a byte per pixel (0.15-1.75 on the photo
	// set): room for 1.5 from the start, so the buffer is not grown and
	// copied over and over (fresh pages cost a fault each; those left
	// unused are never touched), and one copy into the string at the end.
	out := make([]byte, 0, w*h*3/2+len(palette)*20+64)
	// P2=1: bits left at 0 are transparent, so the last band's unused
	// rows never paint below the picture.
	out = append(out, "\x1bP0;1;8q\"1;1;"...)
	out = strconv.AppendInt(out, int64(w), 10)
	out = append(out, ';')
	out = strconv.AppendInt(out, int64(h), 10)
	for i, c := range palette {
		out = append(out, '#')
		out = strconv.AppendInt(out, int64(i), 10)
		out = append(out, ";2;"...)
		for j := 0; j < 3; j++ {
			if j > 0 {
				out = append(out, ';')
			}
			out = strconv.AppendInt(out, int64((int(c[j])*100+127)/255), 10)
		}
	}
	np := len(palette)
	// The terminal gets each entry to the nearest percent: dither against
	// what it will show.
	// (An array of 256: indexed by a uint8 entry, no bounds check.)
	shownArr := new([256][3]int32)
	shown := shownArr[:np]
	for i, c := range palette {
		for j := 0; j < 3; j++ {
			shown[i][j] = int32(((int(c[j])*100+127)/255*255 + 50) / 100)
		}
	}
	near := newNearest(shown)
	// spread[i] is how far entry i is from its nearest other entry (RGB,
	// in levels): the amplitude of the ordered dither around it.
	spreadArr := new([256]int32) // (indexed by a uint8 entry: no bounds check)
	spread := spreadArr[:np]
	// Capped at 24, so only entries nearer than 24 levels count: with
	// the entries in order of red, each looks at its neighbours in that
	// order until red alone puts them that far (or further than the
	// nearest found), not at all 255 others.
	byRed := make([]uint8, np)
	for i := range byRed {
		byRed[i] = uint8(i)
	}
	slices.SortFunc(byRed, func(a, b uint8) int { return int(shown[a][0] - shown[b][0]) })
	for k, i := range byRed {
		a := &shown[i]
		best := int32(24 * 24) // or more: spread 24
		for l := k + 1; l < np; l++ {
			b := &shown[byRed[l]]
			dr := b[0] - a[0]
			if dr*dr >= best {
				break
			}
			dg, db := a[1]-b[1], a[2]-b[2]
			best = min(best, dr*dr+dg*dg+db*db)
		}
		for l := k - 1; l >= 0; l-- {
			b := &shown[byRed[l]]
			dr := a[0] - b[0]
			if dr*dr >= best {
				break
			}
			dg, db := a[1]-b[1], a[2]-b[2]
			best = min(best, dr*dr+dg*dg+db*db)
		}
		spread[i] = min(int32(math.Sqrt(float64(best))+0.5), 24)
	}
	bits := make([]byte, np*w)
	// cols holds, per column of the band, the colours drawn in it so far
	// (at most one per row).
	cols := newBandCols(w)
	// Carried error per channel, in 1/16 levels, for the next row: slot
	// x+1 is pixel x's. The share for the pixel to the right and those
	// still to come in the next row's slots are kept in variables (right,
	// p0, p1) as the row goes; every slot is written once per row.
	errCur := make([][3]int32, w+2)
	errNext := make([][3]int32, w+2)
	var nodes []sixelNode
	var nxt []int32 // packNodes' scratch
	nsc := newNodeScratch(np, w)
	sm := newSmoothWin(px, smoothRadius, opaque)
	// The common case, an opaque picture at fidelity or balanced, runs
	// its rows in diffuseRow.
	fast := opaque && !ordered && lambda > 0
	re := &rowEnc{near: near, shown: shownArr, spread: spreadArr, cols: cols, bits: bits, w: w, lambda: lambda, mu: mu}
	for y0 := 0; y0 < h; y0 += 6 {
		if y0 > 0 && y0%96 == 0 && ctx.Err() != nil {
			return "", ctx.Err()
		}
		if len(out) > MaxFrameBytes { // noise costs a run per colour per band
			return "", fmt.Errorf("%w: the sixel passed %s", ErrFrameTooLarge, imaging.HumanBytes(MaxFrameBytes))
		}
		cols.reset()
		for dy := 0; dy < 6 && y0+dy < h; dy++ {
			bit := byte(1) << dy
			row := px.Pix[(y0+dy)*px.Stride : (y0+dy)*px.Stride+w*4]
			errCur, errNext = errNext, errCur
			var smooth []smoothPx
			if !ordered {
				smooth = sm.row(y0 + dy)
			}
			// The rows' thresholds turn by one each band, so the row
			// that takes a rare entry differs from band to band.
			th := smoothThreshold[(dy+y0/6)%6]
			// right: carried to the next pixel of this row; p0, p1: to
			// the next row's slots x and x+1 so far.
			if fast {
				re.diffuseRow(row, errCur, errNext, smooth, th, bit)
				continue
			}
			var cs carrier
			next := errNext[:w+2]
			cur := errCur[:w+2]
			for x := 0; x < w; x++ {
				i := x * 4
				c := -1
				if row[i+3] < 128 {
					// Transparent: no sixel bit, the terminal's background
					// shows (P2=1); nothing carried.
					c = -2
				} else if smooth != nil && smooth[x].ok {
					c = near.ordered(&smooth[x].c, th, spread)
				}
				if c != -1 {
					cs.skip(&next[x])
					if c < 0 {
						continue
					}
				} else {
					e := &cur[x+1]
					r := clampCh(int32(row[i]) + (e[0]+cs.right[0]+8)>>4)
					g := clampCh(int32(row[i+1]) + (e[1]+cs.right[1]+8)>>4)
					b := clampCh(int32(row[i+2]) + (e[2]+cs.right[2]+8)>>4)
					if ordered {
						n0 := near.index(int32(row[i]), int32(row[i+1]), int32(row[i+2]))
						off := orderedRow[(y0+dy)%6] * spread[n0] / 64
						r = clampCh(int32(row[i]) + off)
						g = clampCh(int32(row[i+1]) + off)
						b = clampCh(int32(row[i+2]) + off)
					}
					// near.index, its memo's hit written out (a call
					// per pixel otherwise).
					m := slot(r, g, b)
					if near.known[m>>6&4095]>>(m&63)&1 != 0 {
						c = int(near.near[m&(1<<18-1)])
					} else {
						c = near.search(m>>6, uint(m&63), r, g, b)
					}
					// Smooth where the palette is too sparse for the ordered
					// dither: plain diffusion, whose pattern is noise; a byte
					// weighed against the error there lines it into streaks.
					if lambda > 0 && (smooth == nil || !smooth[x].ok) {
						// Where the palette is sparse (a grey ramp, a
						// narrow gamut) entries are further apart than λ
						// weighs: a colour already in the column is then
						// also worth a share of the spacing.
						sp := min(spreadArr[uint8(c)], 14)
						c = cols.cheapest(c, r, g, b, shownArr, x, lambda, mu*sp*sp)
					}
					if ordered {
						cs.step(&next[x], &carryShares[255], &carryShares[255], &carryShares[255])
					} else {
						d := &shownArr[uint8(c)]
						cs.step(&next[x], &carryShares[(r-d[0]+255)&511], &carryShares[(g-d[1]+255)&511], &carryShares[(b-d[2]+255)&511])
					}
				}
				bits[c*w+x] |= bit
				cols.add(x, c)
			}
			next[w], next[w+1] = cs.p0, cs.p1
		}
		if y0 > 0 {
			out = append(out, '-')
		}
		nodes = bandNodes(nodes[:0], cols, w, nsc)
		nxt = slices.Grow(nxt[:0], len(nodes)+1)
		out = packNodes(out, nodes, nsc.bySx, bits, w, nxt[:len(nodes)+1])
	}
	out = append(out, "\x1b\\"...)
	// out is not used again: the string shares its bytes rather than
	// copying a picture's worth into fresh pages.
	return unsafe.String(unsafe.SliceData(out), len(out)), nil
}

// rowEnc is what diffuseRow needs of the encoder besides its row.
type rowEnc struct {
	near       *nearest
	shown      *[256][3]int32
	spread     *[256]int32
	cols       *bandCols
	bits       []byte
	w          int
	lambda, mu int32
}

// diffuseRow is encodeSixelQ's pixel loop for one row in the common case
// (every pixel opaque, λ > 0, not the bandwidth quality's ordered dither):
// the same choices, without the per-pixel tests of the other cases, in a
// function of its own so the compiler keeps its state in registers. cur
// holds the error carried from the row above, next receives this row's.
func (re *rowEnc) diffuseRow(row []byte, cur, next [][3]int32, smooth []smoothPx, th int32, bit byte) {
	w := re.w
	near, shown, spreadArr, cols, bits := re.near, re.shown, re.spread, re.cols, re.bits
	lambda, mu := re.lambda, re.mu
	spread := spreadArr[:len(near.pal)]
	row, cur, next, smooth = row[:4*w], cur[:w+2], next[:w+2], smooth[:w]
	var cs carrier
	for x := 0; x < w; x++ {
		sm := &smooth[x]
		if sm.ok {
			if c := near.ordered(&sm.c, th, spread); c >= 0 {
				cs.skip(&next[x])
				bits[c*w+x] |= bit
				cols.add(x, c)
				continue
			}
		}
		p := row[4*x : 4*x+3 : 4*x+3]
		e := &cur[x+1]
		r := clampCh(int32(p[0]) + (e[0]+cs.right[0]+8)>>4)
		g := clampCh(int32(p[1]) + (e[1]+cs.right[1]+8)>>4)
		b := clampCh(int32(p[2]) + (e[2]+cs.right[2]+8)>>4)
		var c int
		m := slot(r, g, b)
		if near.known[m>>6&4095]>>(m&63)&1 != 0 {
			c = int(near.near[m&(1<<18-1)])
		} else {
			c = near.search(m>>6, uint(m&63), r, g, b)
		}
		if !sm.ok { // (smooth but too sparse for the ordered dither: plain diffusion)
			sp := min(spreadArr[uint8(c)], 14)
			c = cols.cheapest(c, r, g, b, shown, x, lambda, mu*sp*sp)
		}
		d := &shown[uint8(c)]
		cs.step(&next[x], &carryShares[(r-d[0]+255)&511], &carryShares[(g-d[1]+255)&511], &carryShares[(b-d[2]+255)&511])
		bits[c*w+x] |= bit
		cols.add(x, c)
	}
	next[w], next[w+1] = cs.p0, cs.p1
}

// carrier carries a row's error as the row goes (Floyd–Steinberg, in
// 1/16 levels): right, to the next pixel of the row; p0 and p1, to the
// next row's slots x and x+1 so far (slot x+1 is pixel x's).
type carrier struct{ right, p0, p1 [3]int32 }

// step carries a pixel's shares (carryShares of its red, green and blue
// error) and writes the next row's slot x, now complete.
func (s *carrier) step(next *[3]int32, sr, sg, sb *[4]int32) {
	s.right = [3]int32{sr[0], sg[0], sb[0]}
	*next = [3]int32{s.p0[0] + sr[1], s.p0[1] + sg[1], s.p0[2] + sb[1]}
	s.p0 = [3]int32{s.p1[0] + sr[2], s.p1[1] + sg[2], s.p1[2] + sb[2]}
	s.p1 = [3]int32{sr[3], sg[3], sb[3]}
}

// skip is a pixel that carries nothing, from its left or to its right
// and below: the slot x the rows above filled is written as it is.
func (s *carrier) skip(next *[3]int32) {
	*next = s.p0
	s.p0, s.p1, s.right = s.p1, [3]int32{}, [3]int32{}
}

// sixelCarry is the share of a pixel's colour error (in 1/16) carried to
// its neighbours: all of it (16) renders noise and fine texture with more
// colours per column than the eye needs; 14 measured fewer bytes and a
// lower perceived error on every photo of the set.
const sixelCarry = 14

// carryShares holds, per difference d (-255..255, at d+255) between a
// pixel's channel and its entry's, the error carried (in 1/16 levels,
// d·sixelCarry) to the pixel on the right and to those below left, below
// and below right: 7/16, 3/16, 5/16 and 1/16 of it, each rounded toward
// zero. A lookup instead of four divisions per channel and pixel.
var carryShares = func() (t [512][4]int32) { // (512: an index masked by 511 needs no bounds check)
	for d := int32(-255); d <= 255; d++ {
		e := d * sixelCarry
		t[d+255] = [4]int32{e * 7 / 16, e * 3 / 16, e * 5 / 16, e / 16}
	}
	return t
}()

func clampCh(v int32) int32 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return v
}

// orderedRow is the ordered dither's offset (in 64ths of the local palette
// spacing) for each row of a band: rows alternate above and below, so the
// pattern is the same along a row and each colour's sixels repeat.
var orderedRow = [6]int32{-27, 5, -16, 16, -5, 27}

// bandCols records the colours drawn so far in each column of a band, for
// the encoder's rate–distortion choice: a colour already drawn in a
// column costs no byte more there, one drawn in the column beside it about
// one (its run goes on), any other a new run ('#', its number, a sixel).
type bandCols struct {
	col []bandCol
}

// bandCol is one column's colours, as a list in the order drawn and as a
// set: 40 bytes, so a column and its neighbours share a cache line or two.
type bandCol struct {
	mask [4]uint64
	c    [6]uint8 // at most one per row of the band
	n    uint8
}

// colours returns the column's colours in the order drawn.
func (c *bandCol) colours() []uint8 { return c.c[:c.n] }

func (c *bandCol) has(v int) bool { return c.mask[v>>6&3]&(1<<(v&63)) != 0 }

func newBandCols(w int) *bandCols {
	return &bandCols{col: make([]bandCol, w)}
}

func (b *bandCols) reset() {
	clear(b.col)
}

func (b *bandCols) add(x, c int) {
	col := &b.col[x]
	m := &col.mask[c>>6&3]
	if *m&(1<<(c&63)) != 0 {
		return
	}
	*m |= 1 << (c & 63)
	col.c[col.n] = uint8(c)
	col.n++
}

// sixelRunCost is the bytes a colour not drawn in or beside a column costs
// there: '#', a register number, a sixel.
const sixelRunCost = 3

// sixelNextCost is what a colour drawn in the column beside costs: its run
// goes on, but a reward of one byte lets error build along a row into
// streaks, so it counts as two.
const sixelNextCost = 2

// cheapest returns the palette entry for a pixel of colour (r, g, b) at
// column x that minimizes distortion + λ·bytes + μ·(bytes unless the
// colour is already in the column), given its nearest entry c0: the
// distortion is the squared RGB distance weighted 2:4:3 for the eye, the
// error it leaves is carried to the neighbours by the caller. μ rewards
// only reuse within the column, which cannot streak along a row.
func (b *bandCols) cheapest(c0 int, r, g, bl int32, shown *[256][3]int32, x int, lambda, mu int32) int {
	col := &b.col[x]
	if col.has(c0) {
		return c0 // nearest and free
	}
	// (The distance is written out inline: this runs for most pixels of
	// a detailed photo.)
	next := lambda*sixelNextCost + mu*sixelRunCost
	var left, right *bandCol
	if x > 0 {
		left = &b.col[x-1]
	}
	if x+1 < len(b.col) {
		right = &b.col[x+1]
	}
	p := &shown[uint8(c0)]
	dr, dg, db := p[0]-r, p[1]-g, p[2]-bl
	bs := 2*dr*dr + 4*dg*dg + 3*db*db
	if (left != nil && left.has(c0)) || (right != nil && right.has(c0)) {
		bs += next
	} else {
		bs += (lambda + mu) * sixelRunCost
	}
	best := c0
	// Colours of this column cost nothing.
	for _, v := range col.colours() {
		p := &shown[v]
		dr, dg, db := p[0]-r, p[1]-g, p[2]-bl
		if d := 2*dr*dr + 4*dg*dg + 3*db*db; d < bs {
			best, bs = int(v), d
		}
	}
	if bs <= next {
		return best // no colour beside can win
	}
	// Colours of the columns beside cost next. (One also in this column,
	// or c0, already weighed at no more than that, cannot win again: λ
	// and μ are not negative.)
	if left != nil {
		for _, v := range left.colours() {
			p := &shown[v]
			dr, dg, db := p[0]-r, p[1]-g, p[2]-bl
			if s := 2*dr*dr + 4*dg*dg + 3*db*db + next; s < bs {
				best, bs = int(v), s
			}
		}
	}
	if right != nil {
		for _, v := range right.colours() {
			p := &shown[v]
			dr, dg, db := p[0]-r, p[1]-g, p[2]-bl
			if s := 2*dr*dr + 4*dg*dg + 3*db*db + next; s < bs {
				best, bs = int(v), s
			}
		}
	}
	return best
}
