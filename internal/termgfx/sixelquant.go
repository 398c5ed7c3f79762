package termgfx

import (
	"encoding/binary"
	"image"
	"math"
	"math/bits"
	"slices"
)

// The sixel encoder's palette: a 15-bit histogram of the picture, cut
// by median into at most 256 boxes (sixelenc.go draws with it).

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
