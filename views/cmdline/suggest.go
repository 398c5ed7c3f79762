package cmdline

import (
	"slices"
	"strings"

	"github.com/snapdash/snapdash/internal/sanitize"
)

// unknown is the error line for an unknown command name, with the close
// matches.
func (m Model) unknown(name string) string {
	msg := "unknown command: " + sanitize.Truncate(name, 30)
	if s := m.suggest(name); len(s) > 0 {
		return msg + " — did you mean: " + strings.Join(s, ", ") + "?"
	}
	return msg + " — tab lists the commands"
}

// suggest returns up to four command names close to name: a prefix of it
// or it of them, containing it, or a few edits away.
func (m Model) suggest(name string) []string {
	name = strings.ToLower(name)
	type scored struct {
		name string
		d    int
	}
	var out []scored
	for _, c := range m.cmds {
		best := -1
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			n = strings.ToLower(n)
			d := distance(name, n)
			switch {
			case len(name) >= 2 && (strings.HasPrefix(n, name) || (len(n) >= 2 && strings.HasPrefix(name, n))):
				d = 0
			case len(name) >= 3 && strings.Contains(n, name):
				d = 1
			case d > 2 || d == 2 && len([]rune(n)) < 5:
				continue
			}
			if best < 0 || d < best {
				best = d
			}
		}
		if best >= 0 {
			out = append(out, scored{sanitize.Line(c.Name), best})
		}
	}
	slices.SortStableFunc(out, func(a, b scored) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	names := make([]string, 0, 4)
	for _, s := range out {
		// A command the typed word begins (or is begun by) is the one
		// meant: the merely similar ones would be noise beside it.
		if len(names) == 4 || s.d > 0 && out[0].d == 0 {
			break
		}
		names = append(names, s.name)
	}
	return names
}

// distance is the edit distance between a and b, by runes, where swapping
// two neighbours ("hepl" for "help") is one edit, as typos go.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the matrix: two back, one back, current.
	pp := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(rb)]
}
