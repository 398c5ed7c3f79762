package termgfx

import (
	"context"
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"

	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/lab"
)

// The sixel encoder. go-sixel is correct but spends most of its time in a
// per-pixel median cut and in walking every palette entry across the full
// width of every band; this one quantizes a 15-bit histogram instead of the
// pixels, maps each pixel through the histogram box it fell in, and emits
// each colour only over the span of the band where it occurs.

// histBits is the precision per channel of the quantizer's histogram.
const histBits = 5

// histKey returns the 15-bit histogram key of a colour.
func histKey(r, g, b uint8) int {
	return int(r>>(8-histBits))<<(2*histBits) | int(g>>(8-histBits))<<histBits | int(b>>(8-histBits))
}

// hbin is one non-empty histogram cell.
type hbin struct {
	key     int
	n       uint32
	r, g, b uint64   // sums of the exact channel values
	chans   [3]uint8 // the cell's quantized channels
}

// quantize builds an adaptive palette of at most ncolors entries by median
// cut over the histogram of px, and returns it with a 15-bit lookup table.
func quantize(px *image.RGBA, ncolors int) ([][3]uint8, []uint8, []lab.Color) {
	w, h := px.Rect.Dx(), px.Rect.Dy()
	idx := make([]int32, 1<<(3*histBits))
	for i := range idx {
		idx[i] = -1
	}
	bins := make([]hbin, 0, 4096)
	for y := 0; y < h; y++ {
		row := px.Pix[y*px.Stride : y*px.Stride+w*4]
		for i := 0; i < len(row); i += 4 {
			if row[i+3] < 128 {
				continue // transparent: not drawn
			}
			r, g, b := row[i], row[i+1], row[i+2]
			k := histKey(r, g, b)
			j := idx[k]
			if j < 0 {
				j = int32(len(bins))
				idx[k] = j
				bins = append(bins, hbin{key: k, chans: [3]uint8{r >> (8 - histBits), g >> (8 - histBits), b >> (8 - histBits)}})
			}
			e := &bins[j]
			e.n++
			e.r += uint64(r)
			e.g += uint64(g)
			e.b += uint64(b)
		}
	}
	// Median cut: boxes are ranges of bins; always split the box with the
	// largest (pixel count × channel range), at its weighted median.
	type box struct {
		lo, hi int // bins[lo:hi]
		n      uint64
		ch     int
		rng    int
	}
	measure := func(bx *box) {
		var mn, mx [3]uint8 = [3]uint8{255, 255, 255}, [3]uint8{}
		bx.n = 0
		for _, e := range bins[bx.lo:bx.hi] {
			bx.n += uint64(e.n)
			for c := 0; c < 3; c++ {
				mn[c] = min(mn[c], e.chans[c])
				mx[c] = max(mx[c], e.chans[c])
			}
		}
		bx.ch, bx.rng = 0, -1
		for c := 0; c < 3; c++ {
			if r := int(mx[c]) - int(mn[c]); r > bx.rng {
				bx.ch, bx.rng = c, r
			}
		}
	}
	boxes := []box{{lo: 0, hi: len(bins)}}
	measure(&boxes[0])
	for len(boxes) < ncolors {
		best, score := -1, uint64(0)
		for i, bx := range boxes {
			if bx.hi-bx.lo < 2 || bx.rng <= 0 {
				continue
			}
			if s := bx.n * uint64(bx.rng); s > score {
				best, score = i, s
			}
		}
		if best < 0 {
			break
		}
		bx := boxes[best]
		c := bx.ch
		part := bins[bx.lo:bx.hi]
		slices.SortFunc(part, func(a, b hbin) int { return int(a.chans[c]) - int(b.chans[c]) })
		var acc uint64
		cut := bx.lo + 1
		for i, e := range part {
			acc += uint64(e.n)
			if acc*2 >= bx.n {
				cut = bx.lo + i + 1
				break
			}
		}
		if cut >= bx.hi {
			cut = bx.hi - 1
		}
		a, b := box{lo: bx.lo, hi: cut}, box{lo: cut, hi: bx.hi}
		measure(&a)
		measure(&b)
		boxes[best] = a
		boxes = append(boxes, b)
	}
	// The commonest colours get the shortest register numbers: every run
	// of a colour in a band starts with '#' and its number.
	slices.SortStableFunc(boxes, func(a, b box) int {
		switch {
		case a.n > b.n:
			return -1
		case a.n < b.n:
			return 1
		}
		return 0
	})
	palette := make([][3]uint8, len(boxes))
	lut := make([]uint8, 1<<(3*histBits))
	// The Lab value of each histogram cell's mean colour stands for its
	// pixels when the encoder compares them with neighbouring colours.
	klab := make([]lab.Color, 1<<(3*histBits))
	for _, e := range bins {
		n := uint64(e.n)
		klab[e.key] = lab.FromRGB(uint8((e.r+n/2)/n), uint8((e.g+n/2)/n), uint8((e.b+n/2)/n))
	}
	for i, bx := range boxes {
		var n, r, g, b uint64
		for _, e := range bins[bx.lo:bx.hi] {
			n += uint64(e.n)
			r += e.r
			g += e.g
			b += e.b
			lut[e.key] = uint8(i)
		}
		if n > 0 {
			palette[i] = [3]uint8{uint8((r + n/2) / n), uint8((g + n/2) / n), uint8((b + n/2) / n)}
		}
	}
	return palette, lut, klab
}

// encodeSixelFast encodes a picture as a sixel DCS string with an
// adaptive palette of at most ncolors (2..256) registers, at fidelity.
func encodeSixelFast(ctx context.Context, px *image.RGBA, ncolors int) (string, error) {
	return encodeSixelQ(ctx, px, ncolors, QualityFidelity)
}

// encodeSixelQ encodes px with an adaptive palette at quality q. Each
// pixel, with the colour error carried from its neighbours added
// (Floyd–Steinberg), is drawn with the palette entry of the pixel to its
// left or above it in the band when that is within the quality's
// tolerance (CIE76 ΔE) of it (the same colour continues a run: fewer
// bytes), else with its nearest entry; what it misses by goes on to the
// pixels not yet drawn, so that neither the palette's steps nor the reuse
// show as bands or streaks. QualityBandwidth dithers with a fixed pattern
// instead (orderedRow): each row of a band offset by a share of the local
// palette spacing, the same along the row, so a smooth area is a few
// repeated sixels per band instead of noise.
func encodeSixelQ(ctx context.Context, px *image.RGBA, ncolors int, q Quality) (string, error) {
	tol := q.sixelTolerance()
	ordered := q == QualityBandwidth
	if ncolors < 2 || ncolors > 256 {
		ncolors = 256
	}
	w, h := px.Rect.Dx(), px.Rect.Dy()
	if w <= 0 || h <= 0 {
		return "", nil
	}
	palette, _, _ := quantize(px, ncolors)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	out := make([]byte, 0, w*h/3+len(palette)*20+64)
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
	shown := make([][3]int32, np)
	for i, c := range palette {
		for j := 0; j < 3; j++ {
			shown[i][j] = int32(((int(c[j])*100+127)/255*255 + 50) / 100)
		}
	}
	palLab := make([]lab.Color, np)
	for i, c := range shown {
		palLab[i] = lab.FromRGB(uint8(c[0]), uint8(c[1]), uint8(c[2]))
	}
	near := newNearest(shown)
	labs := newLabCache()
	// spread[i] is how far entry i is from its nearest other entry (RGB,
	// in levels): the amplitude of the ordered dither around it.
	spread := make([]int32, np)
	for i, a := range shown {
		best := int32(1 << 30)
		for j, b := range shown {
			if i == j {
				continue
			}
			dr, dg, db := a[0]-b[0], a[1]-b[1], a[2]-b[2]
			best = min(best, dr*dr+dg*dg+db*db)
		}
		spread[i] = min(int32(math.Sqrt(float64(best))+0.5), 24)
	}
	bits := make([]byte, np*w)
	minX := make([]int, np)
	maxX := make([]int, np)
	used := make([]int, 0, np)
	for i := range minX {
		minX[i] = -1
	}
	tol2 := tol * tol
	above := make([]uint8, w)
	// Carried error per channel, in 1/16 levels: this row's and the next.
	errCur := make([][3]int32, w+2)
	errNext := make([][3]int32, w+2)
	var nodes []sixelNode
	for y0 := 0; y0 < h; y0 += 6 {
		if y0 > 0 && y0%96 == 0 && ctx.Err() != nil {
			return "", ctx.Err()
		}
		if len(out) > MaxFrameBytes { // noise costs a run per colour per band
			return "", fmt.Errorf("%w: the sixel passed %s", ErrFrameTooLarge, imaging.HumanBytes(MaxFrameBytes))
		}
		used = used[:0]
		for dy := 0; dy < 6 && y0+dy < h; dy++ {
			bit := byte(1) << dy
			row := px.Pix[(y0+dy)*px.Stride : (y0+dy)*px.Stride+w*4]
			errCur, errNext = errNext, errCur
			clear(errNext)
			var prev uint8
			for x := 0; x < w; x++ {
				i := x * 4
				if row[i+3] < 128 {
					// Transparent: no sixel bit, the terminal's background
					// shows (P2=1); runs and carried errors stop here.
					above[max(x-1, 0)] = prev
					prev = 0
					continue
				}
				e := &errCur[x+1]
				r := clampCh(int32(row[i]) + (e[0]+8)>>4)
				g := clampCh(int32(row[i+1]) + (e[1]+8)>>4)
				b := clampCh(int32(row[i+2]) + (e[2]+8)>>4)
				if ordered {
					n0 := near.index(int32(row[i]), int32(row[i+1]), int32(row[i+2]))
					off := orderedRow[(y0+dy)%6] * spread[n0] / 64
					r = clampCh(int32(row[i]) + off)
					g = clampCh(int32(row[i+1]) + off)
					b = clampCh(int32(row[i+2]) + off)
				}
				c := near.index(r, g, b)
				if tol2 > 0 {
					// A colour already used just above (same sixel) or to
					// the left (same run) that looks the same costs fewer
					// bytes than this pixel's own.
					if (dy > 0 && c != int(above[x])) || (x > 0 && c != int(prev)) {
						l := labs.of(r, g, b)
						if x > 0 && c != int(prev) && lab.Dist2(palLab[prev], l) <= tol2 {
							c = int(prev)
						} else if dy > 0 && c != int(above[x]) && lab.Dist2(palLab[above[x]], l) <= tol2 {
							c = int(above[x])
						}
					}
				}
				d := shown[c]
				er, eg, eb := (r-d[0])*16, (g-d[1])*16, (b-d[2])*16
				if ordered {
					er, eg, eb = 0, 0, 0
				}
				errCur[x+2][0] += er * 7 / 16
				errCur[x+2][1] += eg * 7 / 16
				errCur[x+2][2] += eb * 7 / 16
				errNext[x][0] += er * 3 / 16
				errNext[x][1] += eg * 3 / 16
				errNext[x][2] += eb * 3 / 16
				errNext[x+1][0] += er * 5 / 16
				errNext[x+1][1] += eg * 5 / 16
				errNext[x+1][2] += eb * 5 / 16
				errNext[x+2][0] += er / 16
				errNext[x+2][1] += eg / 16
				errNext[x+2][2] += eb / 16
				if minX[c] < 0 {
					minX[c], maxX[c] = x, x
					used = append(used, c)
				} else if x < minX[c] {
					minX[c] = x
				} else if x > maxX[c] {
					maxX[c] = x
				}
				bits[c*w+x] |= bit
				if x > 0 {
					above[x-1] = prev
				}
				prev = uint8(c)
			}
			above[w-1] = prev
		}
		if y0 > 0 {
			out = append(out, '-')
		}
		nodes = bandNodes(nodes[:0], bits, w, used, minX, maxX)
		out = packNodes(out, nodes, bits, w)
		for _, c := range used {
			minX[c] = -1
		}
	}
	out = append(out, "\x1b\\"...)
	return string(out), nil
}

func clampCh(v int32) int32 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return v
}

// labCache returns Lab values of 18-bit colours (6 bits a channel, within
// ΔE 1 of the exact value), converting each colour the first time it is
// asked for: a picture meets a few thousand of the 262 144, and
// converting them all up front cost more than the whole encode.
type labCache struct {
	have []uint64 // bit per key
	val  []lab.Color
}

func newLabCache() *labCache {
	return &labCache{have: make([]uint64, 1<<18/64), val: make([]lab.Color, 1<<18)}
}

func (c *labCache) of(r, g, b int32) lab.Color {
	k := int(r>>2)<<12 | int(g>>2)<<6 | int(b>>2)
	if c.have[k>>6]&(1<<(k&63)) == 0 {
		ch := func(v int32) uint8 { v >>= 2; return uint8(v<<2 | v>>4) }
		c.val[k] = lab.FromRGB(ch(r), ch(g), ch(b))
		c.have[k>>6] |= 1 << (k & 63)
	}
	return c.val[k]
}

// nearest finds a palette's nearest entry to a colour (squared RGB
// distance, weighted 2:4:3 for the eye), memoized per 18-bit colour. The
// search walks the entries in order of green outward from the colour's
// green and stops each way once green alone is further than the best:
// a few dozen distances instead of 256.
type nearest struct {
	pal   [][3]int32
	byG   []int // palette indices sorted by green
	gs    []int32
	cache []int16
}

func newNearest(pal [][3]int32) *nearest {
	c := make([]int16, 1<<18)
	for i := range c {
		c[i] = -1
	}
	byG := make([]int, len(pal))
	for i := range byG {
		byG[i] = i
	}
	slices.SortFunc(byG, func(a, b int) int { return int(pal[a][1] - pal[b][1]) })
	gs := make([]int32, len(pal))
	for i, p := range byG {
		gs[i] = pal[p][1]
	}
	return &nearest{pal: pal, byG: byG, gs: gs, cache: c}
}

func (n *nearest) index(r, g, b int32) int {
	k := int(r>>2)<<12 | int(g>>2)<<6 | int(b>>2)
	if v := n.cache[k]; v >= 0 {
		return int(v)
	}
	best, bd := 0, int32(1<<30)
	try := func(j int) bool {
		p := n.pal[n.byG[j]]
		dg := p[1] - g
		if 4*dg*dg >= bd {
			return false
		}
		dr, db := p[0]-r, p[2]-b
		if d := 2*dr*dr + 4*dg*dg + 3*db*db; d < bd {
			best, bd = n.byG[j], d
		}
		return true
	}
	start, _ := slices.BinarySearch(n.gs, g)
	for lo, hi := start-1, start; lo >= 0 || hi < len(n.gs); lo, hi = lo-1, hi+1 {
		if lo >= 0 && !try(lo) {
			lo = -1 << 30
		}
		if hi < len(n.gs) && !try(hi) {
			hi = 1 << 30
		}
		if lo < 0 && hi >= len(n.gs) {
			break
		}
	}
	n.cache[k] = int16(best)
	return best
}

// appendSixelRun appends n copies of sixel character ch, compressed with
// the repeat introducer when that is shorter.
func appendSixelRun(out []byte, ch byte, n int) []byte {
	if n > 3 {
		out = append(out, '!')
		out = strconv.AppendInt(out, int64(n), 10)
		return append(out, ch)
	}
	for ; n > 0; n-- {
		out = append(out, ch)
	}
	return out
}

// sixelMatchDeltaE is the largest ΔE between a pixel and the palette entry
// of its neighbour at which the encoder draws it with that entry.
const sixelMatchDeltaE = 3.0

// sixelGap is the longest gap inside one colour's run of a band that is
// written as skipped sixels; a longer gap splits the run in two, and other
// colours' runs fill the space between on the same line.
const sixelGap = 10

// sixelNode is a run of one colour in a band: columns sx..ex.
type sixelNode struct{ c, sx, ex int }

// bandNodes splits each used colour's columns in a band into runs at gaps
// longer than sixelGap, sorted by first column.
func bandNodes(nodes []sixelNode, bits []byte, w int, used, minX, maxX []int) []sixelNode {
	for _, c := range used {
		row := bits[c*w : c*w+w]
		x, hi := minX[c], maxX[c]
		for x <= hi {
			sx, ex := x, x
			for x++; x <= hi; x++ {
				if row[x] == 0 {
					continue
				}
				if x-ex-1 > sixelGap {
					break
				}
				ex = x
			}
			nodes = append(nodes, sixelNode{c, sx, ex})
			for x <= hi && row[x] == 0 {
				x++
			}
		}
	}
	slices.SortFunc(nodes, func(a, b sixelNode) int {
		if a.sx != b.sx {
			return a.sx - b.sx
		}
		return a.c - b.c
	})
	return nodes
}

// packNodes writes a band's runs, as many per line as fit one after the
// other (each line starts at column 0 after '$'), and clears their bits.
func packNodes(out []byte, nodes []sixelNode, bits []byte, w int) []byte {
	done := 0
	head := 0
	for line := 0; done < len(nodes); line++ {
		if line > 0 {
			out = append(out, '$')
		}
		x, cur := 0, -1
		for i := head; i < len(nodes); i++ {
			n := &nodes[i]
			if n.c < 0 || n.sx < x {
				continue
			}
			if n.c != cur {
				out = append(out, '#')
				out = strconv.AppendInt(out, int64(n.c), 10)
				cur = n.c
			}
			if n.sx > x {
				out = appendSixelRun(out, '?', n.sx-x)
			}
			span := bits[n.c*w+n.sx : n.c*w+n.ex+1]
			run, prev := 0, byte(0)
			for j, v := range span {
				if j > 0 && v != prev {
					out = appendSixelRun(out, '?'+prev, run)
					run = 0
				}
				prev = v
				run++
				span[j] = 0
			}
			out = appendSixelRun(out, '?'+prev, run)
			x = n.ex + 1
			n.c = -1
			done++
		}
		for head < len(nodes) && nodes[head].c < 0 {
			head++
		}
	}
	return out
}

// orderedRow is the ordered dither's offset (in 64ths of the local palette
// spacing) for each row of a band: rows alternate above and below, so the
// pattern is the same along a row and each colour's sixels repeat.
var orderedRow = [6]int32{-27, 5, -16, 16, -5, 27}
