package termgfx

import (
	"slices"
	"strconv"
)

// How the sixel encoder writes a band: each colour's runs, several to a
// line.

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
