package termgfx

import (
	"slices"
)

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
