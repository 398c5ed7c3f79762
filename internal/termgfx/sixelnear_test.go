package termgfx

import (
	"math/rand/v2"
	"testing"
)

// TestNearestMatchesBruteForce checks the encoder's memoized nearest-entry
// search (cells of candidates cut from a shared slab) against a search of
// every entry, over random palettes and colours, asked in random order so
// cells are made and revisited interleaved.
func TestNearestMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, np := range []int{2, 16, 97, 256} {
		pal := make([][3]int32, np)
		for i := range pal {
			pal[i] = [3]int32{rng.Int32N(256), rng.Int32N(256), rng.Int32N(256)}
		}
		n := newNearest(pal)
		for k := 0; k < 20000; k++ {
			// Multiples of 4: the memo keeps one answer per 18-bit colour,
			// the nearest to the first colour asked in it.
			r, g, b := rng.Int32N(64)*4, rng.Int32N(64)*4, rng.Int32N(64)*4
			best, bd := 0, int32(1<<30)
			for i, p := range pal {
				dr, dg, db := p[0]-r, p[1]-g, p[2]-b
				if d := 2*dr*dr + 4*dg*dg + 3*db*db; d < bd {
					best, bd = i, d
				}
			}
			if got := n.index(r, g, b); got != best {
				t.Fatalf("%d entries: nearest to (%d,%d,%d) = %d, want %d", np, r, g, b, got, best)
			}
		}
	}
}

// TestLinEntryExact checks search's one-product distance (linEntry.dist)
// against the weighted squared distance at the extremes of every channel,
// where a carry between its 21-bit fields would show first.
func TestLinEntryExact(t *testing.T) {
	ex := []int32{0, 1, 2, 127, 128, 253, 254, 255}
	for _, R := range ex {
		for _, G := range ex {
			for _, B := range ex {
				n := newNearest([][3]int32{{R, G, B}})
				for _, r := range ex {
					for _, g := range ex {
						for _, b := range ex {
							dr, dg, db := int64(R-r), int64(G-g), int64(B-b)
							want := 2*dr*dr + 4*dg*dg + 3*db*db - int64(2*r*r+4*g*g+3*b*b)
							if got := n.lin[0].dist(linQuery(r, g, b)); got != want {
								t.Fatalf("entry (%d,%d,%d), colour (%d,%d,%d): %d, want %d", R, G, B, r, g, b, got, want)
							}
						}
					}
				}
			}
		}
	}
}
