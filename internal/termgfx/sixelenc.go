package termgfx

import (
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"math"
	"math/bits"
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

// histBits is the precision per channel of the quantizer's histogram.
const histBits = 5

// histKey returns the 15-bit histogram key of a colour (channels 0..255):
// red in the top histBits, green in the middle, blue at the bottom.
func histKey(r, g, b uint32) uint32 {
	return (r>>(8-histBits))<<(2*histBits) | (g>>(8-histBits))<<histBits | b>>(8-histBits)
}

// histKeys is the number of histogram keys; histLevel masks one channel's
// level out of a key shifted by keyShift.
const (
	histKeys  = 1 << (3 * histBits)
	histLevel = 1<<histBits - 1
)

// keyShift is each channel's (r, g, b) shift in a histogram key.
var keyShift = [3]uint{2 * histBits, histBits, 0}

// histChunk is how many pixels the histogram counts in its 32-bit sums
// before folding them into 64-bit totals: 255 × 2^24 < 2^32, so the counts
// stay exact however large and flat the picture.
const histChunk = 1 << 24

// hbin is one non-empty histogram cell's pixel count and sums of the exact
// channel values over the current chunk: 16 bytes, so the few thousand
// cells a photo fills stay in cache while every pixel updates one.
type hbin struct {
	n, r, g, b uint32
}

// hsum is one histogram cell's totals over the whole picture.
type hsum struct {
	n, r, g, b uint64
}

// histogram counts the drawn pixels of a picture per histKey.
type histogram struct {
	idx    *[histKeys]uint16 // bin per key, 0 none (at most histKeys bins, so they fit)
	bins   []hbin            // per bin, from 1: 0 marks a key without one
	keys   []uint16          // each bin's key
	totals []hsum            // each bin's folded chunks
}

// add counts the drawn pixels of pix (RGBA bytes, at most histChunk of
// them), making a cell for each key that has none yet.
func (h *histogram) add(pix []byte) {
	for {
		pix = pix[countCells(pix, h.idx, h.bins):]
		if len(pix) < 4 {
			return
		}
		// pix[:4] is the first pixel of a new cell: count goes on from it.
		k := histKey(uint32(pix[0]), uint32(pix[1]), uint32(pix[2])) & (histKeys - 1)
		h.idx[k] = uint16(len(h.bins))
		h.bins = append(h.bins, hbin{})
		h.keys = append(h.keys, uint16(k))
	}
}

// countCells adds the drawn pixels of pix to their cells, bins[idx[key]],
// until it meets one of a key without a cell, and returns how many bytes
// it went through. It runs once a pixel (two a turn, which halves the
// loop's own cost), and leaves making cells to add and telling grey
// pictures to quantize: calling out of this loop, or keeping more in it,
// would spill its registers.
func countCells(pix []byte, idx *[histKeys]uint16, bins []hbin) int {
	_ = idx[0] // (its nil check, once)
	i := 0
	for ; i < len(pix)-7; i += 8 {
		p := pix[i : i+8 : i+8]
		if p[3] >= 128 {
			r, g, b := uint32(p[0]), uint32(p[1]), uint32(p[2])
			j := idx[histKey(r, g, b)]
			if j == 0 {
				return i
			}
			e := &bins[j]
			e.n++
			e.r += r
			e.g += g
			e.b += b
		}
		if p[7] >= 128 {
			r, g, b := uint32(p[4]), uint32(p[5]), uint32(p[6])
			j := idx[histKey(r, g, b)]
			if j == 0 {
				return i + 4
			}
			e := &bins[j]
			e.n++
			e.r += r
			e.g += g
			e.b += b
		}
	}
	for ; i < len(pix)-3; i += 4 {
		p := pix[i : i+4 : i+4]
		if p[3] < 128 {
			continue // transparent: not drawn
		}
		r, g, b := uint32(p[0]), uint32(p[1]), uint32(p[2])
		j := idx[histKey(r, g, b)]
		if j == 0 {
			break
		}
		e := &bins[j]
		e.n++
		e.r += r
		e.g += g
		e.b += b
	}
	return i
}

// greyPixels reports whether every drawn pixel of pix (RGBA bytes) has
// r == g == b. It looks at two pixels a word, drawn or not, and at the
// alpha only when that finds colour.
func greyPixels(pix []byte) bool {
	var d uint64
	i := 0
	for ; i < len(pix)-7; i += 8 {
		v := binary.LittleEndian.Uint64(pix[i : i+8 : i+8])
		d |= v ^ v>>8 // r^g and g^b in bytes 0, 1, 4 and 5
	}
	if i < len(pix)-3 {
		v := uint64(binary.LittleEndian.Uint32(pix[i : i+4 : i+4]))
		d |= v ^ v>>8
	}
	if d&0x0000ffff_0000ffff == 0 {
		return true
	}
	for i := 0; i < len(pix)-3; i += 4 {
		p := pix[i : i+4 : i+4]
		if p[3] >= 128 && (p[0] != p[1] || p[1] != p[2]) {
			return false
		}
	}
	return true
}

// flush folds the chunk's sums into the totals and starts a new chunk.
func (h *histogram) flush() {
	h.totals = append(h.totals, make([]hsum, len(h.bins)-len(h.totals))...)
	for j, e := range h.bins {
		t := &h.totals[j]
		t.n += uint64(e.n)
		t.r += uint64(e.r)
		t.g += uint64(e.g)
		t.b += uint64(e.b)
		h.bins[j] = hbin{}
	}
}

// occupancy returns, per channel, the set of levels the keys in cells
// (n<<15 | key each) hold, one bit a level.
func occupancy(cells []uint64) [3]uint32 {
	var r, g, b uint32
	for _, e := range cells {
		r |= 1 << (e >> (2 * histBits) & histLevel)
		g |= 1 << (e >> histBits & histLevel)
		b |= 1 << (e & histLevel)
	}
	return [3]uint32{r, g, b}
}

// cutBox is a box of quantize's median cut: a range of its cells.
type cutBox struct {
	lo, hi int    // the cells' range
	n      uint64 // pixels
	score  uint64 // n × the widest channel's range in levels, 0 if one colour
	sh     uint   // the widest channel's keyShift
}

// newCutBox returns the box of cells [lo, hi) with n pixels and the
// levels occ (from occupancy).
func newCutBox(lo, hi int, n uint64, occ [3]uint32) cutBox {
	bx := cutBox{lo: lo, hi: hi, n: n}
	rng := 0
	for c, o := range occ {
		if r := bits.Len32(o) - 1 - bits.TrailingZeros32(o); r > rng {
			rng, bx.sh = r, keyShift[c]
		}
	}
	bx.score = n * uint64(rng)
	return bx
}

// splitCells sorts the cells of a box of n pixels (n<<15 | key each) by
// their level of the channel at key shift sh, through tmp, and returns
// where to cut them and the pixels before the cut: between two levels
// (the boxes do not overlap), at the one nearest the weighted median. The
// channel must have two levels in the box.
func splitCells(cells, tmp []uint64, sh uint, n uint64) (int, uint64) {
	sh &= 63 // (masked: a shift by 64 or more needs no special case)
	// A stable counting sort on the channel (histBits levels): linear,
	// where a comparison sort cost a fifth of a small picture's encode.
	// Counting the pixels per level too places the cut before the cells
	// move.
	var count [histLevel + 1]int
	var weight [histLevel + 1]uint64
	for _, e := range cells {
		l := e >> sh & histLevel
		count[l]++
		weight[l] += e >> (3 * histBits)
	}
	last := histLevel
	for count[last] == 0 {
		last--
	}
	var acc, nA uint64
	cutL, bestD := 0, uint64(math.MaxUint64)
	for l, k := range count[:last] {
		if k == 0 {
			continue
		}
		acc += weight[l]
		d := max(acc*2, n) - min(acc*2, n)
		if d < bestD {
			cutL, nA, bestD = l+1, acc, d
		}
		if acc*2 >= n {
			break
		}
	}
	pos, cut := 0, 0
	for l, k := range count {
		count[l] = pos
		pos += k
		if l == cutL-1 {
			cut = pos
		}
	}
	tmp = tmp[:len(cells)]
	for _, e := range cells {
		l := e >> sh & histLevel
		tmp[count[l]] = e
		count[l]++
	}
	copy(cells, tmp)
	return cut, nA
}

// splitQueue holds the boxes that can still be split, as a binary heap:
// the largest score on top, and of equal scores the first box, as a scan
// of the boxes would pick (a scan cost as much as a split).
type splitQueue []struct {
	score uint64
	box   int
}

// above reports whether entry i goes above entry j.
func (q splitQueue) above(i, j int) bool {
	return q[i].score > q[j].score || q[i].score == q[j].score && q[i].box < q[j].box
}

// push adds a box, unless its score says it cannot be split.
func (q *splitQueue) push(score uint64, box int) {
	if score == 0 {
		return
	}
	*q = append(*q, struct {
		score uint64
		box   int
	}{score, box})
	h := *q
	for c := len(h) - 1; c > 0; {
		p := (c - 1) / 2
		if !h.above(c, p) {
			break
		}
		h[c], h[p] = h[p], h[c]
		c = p
	}
}

// pop removes the box to split next and returns it.
func (q *splitQueue) pop() int {
	h := *q
	top, n := h[0].box, len(h)-1
	h[0] = h[n]
	h = h[:n]
	for p := 0; ; {
		c := 2*p + 1
		if c >= n {
			break
		}
		if c+1 < n && h.above(c+1, c) {
			c++
		}
		if !h.above(c, p) {
			break
		}
		h[c], h[p] = h[p], h[c]
		p = c
	}
	*q = h
	return top
}

// quantize builds an adaptive palette of at most ncolors entries by median
// cut over the histogram of px, and whether px is all grey and all opaque.
func quantize(px *image.RGBA, ncolors int) (palette [][3]uint8, grey, opaque bool) {
	w, ht := px.Rect.Dx(), px.Rect.Dy()
	h := histogram{
		idx:  new([histKeys]uint16),
		bins: make([]hbin, 1, 4096),
		keys: make([]uint16, 1, 4096),
	}
	left := histChunk // pixels the chunk can still take
	grey = true
	for y := 0; y < ht; y++ {
		row := px.Pix[y*px.Stride : y*px.Stride+w*4]
		// Grey is told apart from the counting (it would slow that loop
		// by a sixth), a row at a time while the row is in cache, and
		// given up at the first row with colour.
		grey = grey && greyPixels(row)
		for len(row) > 0 {
			seg := row[:min(len(row), 4*left)]
			h.add(seg)
			row = row[len(seg):]
			if left -= len(seg) / 4; left == 0 {
				h.flush()
				left = histChunk
			}
		}
	}
	h.flush()

	// Median cut: boxes are ranges of the cells, each n<<15 | key so that
	// sorting moves 8 bytes a cell; always split the box with the largest
	// (pixel count × channel range), at its weighted median. Which cells
	// fall in which box does not depend on their order, so neither does
	// the palette.
	nb := len(h.bins) - 1
	cells := make([]uint64, 2*nb)
	cells, scratch := cells[:nb], cells[nb:]
	var total uint64
	for j, t := range h.totals[1:] {
		cells[j] = t.n<<(3*histBits) | uint64(h.keys[j+1])
		total += t.n
	}
	opaque = total == uint64(w)*uint64(ht) // every pixel drawn
	// (A box has a cell at least.)
	boxes := make([]cutBox, 1, max(min(ncolors, nb), 1))
	boxes[0] = newCutBox(0, nb, total, occupancy(cells))
	var queue splitQueue
	queue.push(boxes[0].score, 0)
	for len(boxes) < ncolors && len(queue) > 0 {
		best := queue.pop()
		bx := boxes[best]
		cut, nA := splitCells(cells[bx.lo:bx.hi], scratch, bx.sh, bx.n)
		cut += bx.lo
		a := newCutBox(bx.lo, cut, nA, occupancy(cells[bx.lo:cut]))
		b := newCutBox(cut, bx.hi, bx.n-nA, occupancy(cells[cut:bx.hi]))
		boxes[best] = a
		boxes = append(boxes, b)
		queue.push(a.score, best)
		queue.push(b.score, len(boxes)-1)
	}
	// The commonest colours get the shortest register numbers: every run
	// of a colour in a band starts with '#' and its number.
	slices.SortStableFunc(boxes, func(a, b cutBox) int {
		switch {
		case a.n > b.n:
			return -1
		case a.n < b.n:
			return 1
		}
		return 0
	})
	palette = make([][3]uint8, len(boxes))
	for i, bx := range boxes {
		var r, g, b uint64
		for _, e := range cells[bx.lo:bx.hi] {
			t := &h.totals[h.idx[e&(histKeys-1)]]
			r += t.r
			g += t.g
			b += t.b
		}
		if n := bx.n; n > 0 {
			palette[i] = [3]uint8{uint8((r + n/2) / n), uint8((g + n/2) / n), uint8((b + n/2) / n)}
		}
	}
	return palette, grey, opaque
}

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

// nearest finds a palette's nearest entry to a colour (squared RGB
// distance, weighted 2:4:3 for the eye), memoized per 18-bit colour. The
// RGB cube is cut into cells of 64, 32 and 16 levels a side; each keeps,
// once first needed, the entries that can be nearest to some colour in it
// (those no further from the cell than the best entry's furthest corner),
// found among those of the larger cell that holds it. Search scans, per
// 16-level cell, fewer still: of the 32-level cell's entries, those the
// one nearest the cell's middle is not nearer than everywhere in it
// (undominated). A handful of distances per search instead of 256.
type nearest struct {
	pal [][3]int32
	pa  *[256][3]int32 // pal, indexed by a uint8 entry without a bounds check
	lin *[256]linEntry // each entry's distance, expanded (see linEntry)
	// What is known of each 18-bit colour, indexed by its fine cell k
	// and its place j among the cell's 64 (k<<6|j): its nearest entry,
	// where known[k] has bit j, and the last second entry the ordered
	// dither took for it (sixelsmooth.go), where pknown[k] has bit j.
	// Flat tables, not per-cell blocks behind pointers: a hit is two
	// independent loads rather than a chain of three. Their pages are
	// touched only where a picture's colours fall.
	known, pknown *[4096]uint64
	near, partner *[1 << 18]uint8
	// ordered's last common-case colour (its 18-bit key lq-1; 0: none,
	// reset when that key's partner changes) and what it found there:
	// c1, the partner lv, lvec = lv−c1, lv2 = 16·|lvec|², lp = 16·c1.
	// Smooth areas change slowly: most pixels share the last one's key.
	lq      int
	lc1, lv uint8
	lvec    [3]int32
	lv2     int32
	lp      [3]int32
	// The candidates of each fine (16 levels a side), coarse (32) and
	// grand (64) cell, once made: where in slab they lie, as offset<<9 |
	// count (a count of 0, never a cell's own, for not yet made).
	// Offsets rather than slice headers: 16 KB of lists read where 96 KB
	// were.
	cells  [4096]uint32
	coarse [512]uint32
	grand  [64]uint32
	tight  [4096]uint32 // each fine cell's list for search (undominated)
	slab   []uint8      // every cell's candidates, one list after another
	all    []uint8
	lo     []int32 // scratch
}

// linEntry is an entry (R, G, B) as search measures it: its distance to
// a colour (r, g, b), expanded and less the colour's own 2r²+4g²+3b² (the
// same for every entry, so the order, ties included, is unchanged), is
// sq - (4R·r + 8G·g + 6B·b), and that sum is one product (dist).
type linEntry struct {
	dot uint64 // 4R | 8G<<21 | 6B<<42
	sq  int64  // 2R²+4G²+3B²
}

// linQuery returns the colour as dist takes it: r<<42 | g<<21 | b.
func linQuery(r, g, b int32) uint64 {
	return uint64(r)<<42 | uint64(g)<<21 | uint64(b)
}

// dist returns the entry's distance to the colour q (linQuery), less the
// colour's own constant. The product of the 21-bit fields holds
// 4R·r+8G·g+6B·b in bits 42..62: it and the lower sums 4R·b and
// 4R·g+8G·b are each below 2²¹, so nothing carries into or out of the
// field; bit 63 gets an even number (8G·r+6B·g) times 2⁶³, so stays
// clear, and the rest wraps away.
func (e *linEntry) dist(q uint64) int64 {
	return e.sq - int64(e.dot*q>>42)
}

// nearestWeights weighs the squared channel differences for the eye.
var nearestWeights = [3]int32{2, 4, 3}

// fineSq, coarseSq and grandSq hold, for a value v and a cell's interval
// [lo, lo+w-1] along one axis (w 16, 32 and 64), the smallest and largest
// squared distance from v to it, as min | max<<32, at (v-lo)&511: small
// tables shared by every palette and cell, rather than per-entry tables
// to make for each palette. Packed, one product weighs an axis's pair
// and one add sums two axes' (the weighted sums stay below 2²⁰, so the
// halves never meet).
var fineSq, coarseSq, grandSq = axisSqTable(16), axisSqTable(32), axisSqTable(64)

func axisSqTable(w int32) *[512]uint64 {
	t := new([512]uint64)
	for d := int32(-255); d <= 255; d++ {
		dn, dx := axisDist(d, 0, w-1)
		t[d&511] = uint64(dn) | uint64(dx)<<32
	}
	return t
}

func newNearest(pal [][3]int32) *nearest {
	all := make([]uint8, len(pal))
	for i := range all {
		all[i] = uint8(i)
	}
	n := &nearest{pal: pal, pa: new([256][3]int32), all: all, lo: make([]int32, len(pal)), slab: make([]uint8, 0, 4096),
		known: new([4096]uint64), pknown: new([4096]uint64), near: new([1 << 18]uint8), partner: new([1 << 18]uint8)}
	copy(n.pa[:], pal)
	n.lin = new([256]linEntry)
	for i, p := range pal {
		w := nearestWeights
		n.lin[i] = linEntry{
			dot: uint64(2*w[0]*p[0]) | uint64(2*w[1]*p[1])<<21 | uint64(2*w[2]*p[2])<<42,
			sq:  int64(w[0]*p[0]*p[0] + w[1]*p[1]*p[1] + w[2]*p[2]*p[2]),
		}
	}
	return n
}

// axisDist returns the smallest and largest squared distance along one
// axis from v to the interval [lo, hi].
func axisDist(v, lo, hi int32) (int32, int32) {
	var dmin int32
	switch {
	case v < lo:
		dmin = lo - v
	case v > hi:
		dmin = v - hi
	}
	dmax := max(v-lo, hi-v)
	return dmin * dmin, dmax * dmax
}

// candidates appends to the slab the entries of from that can be nearest
// to a colour in the cell from (r, g, b) on, of sides sq's (fineSq,
// coarseSq or grandSq): those whose smallest distance to the cell is at
// most the smallest over all entries of the largest distance, in from's
// order. (The same entries whichever larger cell's from holds them: the
// entry of that smallest largest distance is always among them.) It
// returns where they lie (see cells).
func (n *nearest) candidates(from []uint8, r, g, b int32, sq *[512]uint64) uint32 {
	lo := n.lo[:len(from)]
	bestMax := int32(1 << 30)
	pa, t := n.pa[:], sq[:]
	for j, i := range from {
		p := &pa[i]
		d := 2*t[(p[0]-r)&511] + 4*t[(p[1]-g)&511] + 3*t[(p[2]-b)&511]
		lo[j] = int32(uint32(d))
		bestMax = min(bestMax, int32(d>>32))
	}
	// Room for all of from, each written and kept by moving on past it
	// (no pass to count them first). from may lie in the slab, before
	// its end: it is not overwritten, and a grown slab leaves it valid.
	start := len(n.slab)
	n.slab = slices.Grow(n.slab, len(from))
	c := n.slab[start : start+len(from)]
	k := 0
	for j, d := range lo {
		c[k] = from[j]
		if d <= bestMax {
			k++
		}
	}
	n.slab = n.slab[:start+k]
	return uint32(start)<<9 | uint32(k)
}

// undominated appends to the slab the entries of the list s that the
// one nearest the middle of the cell from (r, g, b) to (r, g, b)+span is
// not strictly nearer than at every colour of the cell, in s's order,
// and returns where they lie. Those it leaves out are never the nearest
// nor tied with it there, so search finds the same entry among these: on
// a fine cell, from its coarse cell's list, about a third as many as the
// fine cell's own candidates.
func (n *nearest) undominated(s uint32, r, g, b, span int32) uint32 {
	start := len(n.slab)
	n.slab = slices.Grow(n.slab, int(s&511))
	from := n.slab[s>>9 : s>>9+s&511]
	c := n.slab[start : start+len(from)]
	pa, lin := n.pa[:], n.lin[:]
	jb, bd, q := from[0], int64(1<<62), linQuery(r+span/2, g+span/2, b+span/2)
	for _, i := range from {
		if d := lin[i].dist(q); d < bd {
			jb, bd = i, d
		}
	}
	// An entry's distance less jb's is linear in the colour, so least
	// at a corner of the cell: o, +span on red if o&4, on green if o&2,
	// on blue if o&1, wherever the entry lies above jb. There jb's own
	// distance is at[o]. (linQuery's fields add without carries.)
	var corner [8]uint64
	var at [8]int64
	q0 := linQuery(r, g, b)
	for o := range corner {
		corner[o] = q0 + uint64(int32(o>>2&1)*span)<<42 + uint64(int32(o>>1&1)*span)<<21 + uint64(int32(o&1)*span)
		at[o] = lin[jb].dist(corner[o])
	}
	pj := &pa[jb]
	k := 0
	for _, i := range from {
		p := &pa[i]
		o := (pj[0]-p[0])>>31&4 | (pj[1]-p[1])>>31&2 | (pj[2]-p[2])>>31&1
		c[k] = i
		if lin[i].dist(corner[o]) <= at[o] {
			k++
		}
	}
	n.slab = n.slab[:start+k]
	return uint32(start)<<9 | uint32(k)
}

// cell returns the candidates of the fine cell of (r, g, b), making them
// (and those of the larger cells that hold it) if not yet made. The
// ordered dither (sixelsmooth.go) picks a second entry among them too,
// so they must be exactly these entries: a tighter list that still held
// every nearest entry would change its picks.
func (n *nearest) cell(r, g, b int32) []uint8 {
	k, _ := key(r, g, b)
	s := n.cells[k&4095]
	if s == 0 {
		cs := n.coarseCell(r, g, b)
		s = n.candidates(n.slab[cs>>9:cs>>9+cs&511], r&^15, g&^15, b&^15, fineSq)
		n.cells[k&4095] = s
	}
	return n.slab[s>>9 : s>>9+s&511]
}

// coarseCell returns where the candidates of the coarse cell of (r, g, b)
// lie, making them (and the grand cell's) if not yet made.
func (n *nearest) coarseCell(r, g, b int32) uint32 {
	ck := int(r>>5)<<6 | int(g>>5)<<3 | int(b>>5)
	cs := n.coarse[ck&511]
	if cs == 0 {
		gk := int(r>>6)<<4 | int(g>>6)<<2 | int(b>>6)
		gs := n.grand[gk&63]
		if gs == 0 {
			gs = n.candidates(n.all, r&^63, g&^63, b&^63, grandSq)
			n.grand[gk&63] = gs
		}
		cs = n.candidates(n.slab[gs>>9:gs>>9+gs&511], r&^31, g&^31, b&^31, coarseSq)
		n.coarse[ck&511] = cs
	}
	return cs
}

// key returns the fine cell k of (r, g, b) and the colour's place j
// among the cell's 64 18-bit colours (slot's k<<6|j).
func key(r, g, b int32) (k int, j uint) {
	m := slot(r, g, b)
	return m >> 6, uint(m) & 63
}

// slot returns the place of the 18-bit colour of (r, g, b), each within
// 0..255, in the memo, k<<6|j (key): it interleaves the colour's bits
// (r7 g7 b7 r6 … b2), so a cell's colours, and nearby cells, lie
// together, and it takes three loads of one table.
func slot(r, g, b int32) int {
	return int(spread6[uint8(r)])<<2 | int(spread6[uint8(g)])<<1 | int(spread6[uint8(b)])
}

// spread6 holds each level's top six bits three places apart (bit 7 to
// 15, bit 6 to 12, …, bit 2 to 0), for slot.
var spread6 = func() (t [256]uint16) {
	for v := range t {
		for bit := 2; bit < 8; bit++ {
			t[v] |= uint16(v>>bit&1) << (3 * (bit - 2))
		}
	}
	return t
}()

func (n *nearest) index(r, g, b int32) int {
	m := slot(r, g, b)
	if n.known[m>>6&4095]>>(m&63)&1 != 0 {
		return int(n.near[m&(1<<18-1)])
	}
	return n.search(m>>6, uint(m&63), r, g, b)
}

// search finds the nearest entry to (r, g, b) among its cell's candidates
// (those undominated) and memoizes it at (k, j).
func (n *nearest) search(k int, j uint, r, g, b int32) int {
	best, bd := 0, int64(1<<62)
	lin := n.lin[:]
	q := linQuery(r, g, b)
	s := n.tight[k&4095]
	if s == 0 {
		s = n.undominated(n.coarseCell(r, g, b), r&^15, g&^15, b&^15, 15)
		n.tight[k&4095] = s
	}
	for _, i := range n.slab[s>>9 : s>>9+s&511] {
		if d := lin[i].dist(q); d < bd {
			best, bd = int(i), d
		}
	}
	m := (k<<6 | int(j)) & (1<<18 - 1)
	n.near[m] = uint8(best)
	n.known[m>>6] |= 1 << (j & 63)
	return best
}

// appendSixelRun appends n copies of sixel character ch, compressed with
// the repeat introducer when that is shorter.
func appendSixelRun(out []byte, ch byte, n int) []byte {
	if n > 3 {
		out = append(out, '!')
		out = appendCount(out, n)
		return append(out, ch)
	}
	for ; n > 0; n-- {
		out = append(out, ch)
	}
	return out
}

// appendCount appends n ≥ 0 in decimal, as strconv.AppendInt does; below
// 1000 (a register number, most runs) without its call and table.
func appendCount(out []byte, n int) []byte {
	switch {
	case n < 10:
		return append(out, byte('0'+n))
	case n < 100:
		return append(out, byte('0'+n/10), byte('0'+n%10))
	case n < 1000:
		return append(out, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
	}
	return strconv.AppendInt(out, int64(n), 10)
}

// sixelGap is the longest gap inside one colour's run of a band that is
// written as skipped sixels; a longer gap splits the run in two, and other
// colours' runs fill the space between on the same line.
const sixelGap = 10

// sixelNode is a run of one colour in a band: columns sx..ex.
type sixelNode struct{ c, sx, ex int }

// nodeScratch is bandNodes' reusable state.
type nodeScratch struct {
	start, last []int       // per colour: the open run's first and last column, -1 if none
	byC, bySx   []int32     // counting-sort buckets (colours, columns+1)
	tmp         []sixelNode // the first sort's output
	used        []uint8     // the band's colours
}

func newNodeScratch(np, w int) *nodeScratch {
	s := &nodeScratch{start: make([]int, np), last: make([]int, np), byC: make([]int32, np+1), bySx: make([]int32, w+1)}
	for i := range s.last {
		s.last[i] = -1
	}
	return s
}

// bandNodes splits each colour's columns in a band into runs at gaps
// longer than sixelGap, sorted by first column, then colour. It walks the
// columns once, through the colours each holds (cols), rather than every
// colour across the band, then sorts by a two-pass counting sort, which
// leaves sc.bySx[x] = how many runs start at or before column x.
func bandNodes(nodes []sixelNode, cols *bandCols, w int, sc *nodeScratch) []sixelNode {
	used := sc.used[:0] // the colours drawn in the band, as first met
	for x := 0; x < w; x++ {
		for _, v := range cols.col[x].colours() {
			c := int(v)
			if l := sc.last[c]; l < 0 {
				sc.start[c] = x
				used = append(used, v)
			} else if x-l-1 > sixelGap {
				nodes = append(nodes, sixelNode{c, sc.start[c], l})
				sc.start[c] = x
			}
			sc.last[c] = x
		}
	}
	for _, v := range used {
		c := int(v)
		nodes = append(nodes, sixelNode{c, sc.start[c], sc.last[c]})
		sc.last[c] = -1
	}
	sc.used = used
	// By colour, then (stable) by first column.
	clear(sc.byC)
	for _, n := range nodes {
		sc.byC[n.c+1]++
	}
	for i := 1; i < len(sc.byC); i++ {
		sc.byC[i] += sc.byC[i-1]
	}
	t := slices.Grow(sc.tmp[:0], len(nodes))[:len(nodes)]
	for _, n := range nodes {
		t[sc.byC[n.c]] = n
		sc.byC[n.c]++
	}
	clear(sc.bySx)
	for _, n := range t {
		sc.bySx[n.sx+1]++
	}
	for x := 1; x <= w; x++ {
		sc.bySx[x] += sc.bySx[x-1]
	}
	for _, n := range t {
		nodes[sc.bySx[n.sx]] = n
		sc.bySx[n.sx]++
	}
	sc.tmp = t
	return nodes
}

// packNodes writes a band's runs, as many per line as fit one after the
// other (each line starts at column 0 after '$'), and clears their bits.
// upTo[x] is how many runs start at or before column x (bandNodes'
// counting sort leaves it so).
func packNodes(out []byte, nodes []sixelNode, upTo []int32, bits []byte, w int, nxt []int32) []byte {
	// Each line takes, from column x on, the first run not yet written
	// (in nodes' order) that starts at or after x: the first starting
	// there is upTo[x-1], and nxt skips the runs written (each points at
	// or before the next run not written; path halving), rather than a
	// walk over every run left for every line.
	nxt = nxt[:len(nodes)+1]
	for i := range nxt {
		nxt[i] = int32(i)
	}
	find := func(i int) int {
		for int(nxt[i]) != i {
			nxt[i] = nxt[nxt[i]]
			i = int(nxt[i])
		}
		return i
	}
	from := func(x int) int { // the first run starting at or after x
		if x <= 0 {
			return find(0)
		}
		if x > w {
			return len(nodes)
		}
		return find(int(upTo[x-1]))
	}
	for line, done := 0, 0; done < len(nodes); line++ {
		if line > 0 {
			out = append(out, '$')
		}
		x, cur := 0, -1
		for i := find(0); i < len(nodes); i = from(x) {
			n := &nodes[i]
			if n.c != cur {
				out = append(out, '#')
				out = appendCount(out, n.c)
				cur = n.c
			}
			if n.sx > x {
				out = appendSixelRun(out, '?', n.sx-x)
			}
			span := bits[n.c*w+n.sx : n.c*w+n.ex+1]
			for j := 0; j < len(span); {
				v := span[j]
				k := j + 1
				for k < len(span) && span[k] == v {
					k++
				}
				if k-j == 1 {
					out = append(out, '?'+v)
				} else {
					out = appendSixelRun(out, '?'+v, k-j)
				}
				j = k
			}
			clear(span)
			x = n.ex + 1
			nxt[i] = int32(i + 1)
			done++
		}
	}
	return out
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
