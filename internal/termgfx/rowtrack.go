package termgfx

import "strconv"

// rowTracker follows the cursor row through Bubble Tea's renderer output
// (cursor home, CUP, CUU/CUD, newlines, erases) to learn which screen rows
// a frame rewrote. It keeps its state across writes, so a sequence split
// between two writes is still understood.
type rowTracker struct {
	row    int
	state  int
	params []byte
	dirty  rowSet
}

const (
	stGround = iota
	stEsc
	stCSI
	stString    // OSC, DCS, APC, PM, SOS: skipped up to ST or BEL
	stStringEsc // ESC seen inside a string
)

// maxTrackedRows bounds the row set; rows beyond it count as "all".
const maxTrackedRows = 4096

// rowSet is a set of rows.
type rowSet struct{ rows []bool }

func (s *rowSet) add(r int) {
	if r < 0 || r >= maxTrackedRows {
		return
	}
	for len(s.rows) <= r {
		s.rows = append(s.rows, false)
	}
	s.rows[r] = true
}

// intersects reports whether any row in [from, to) is in the set.
func (s rowSet) intersects(from, to int) bool {
	for r := max(from, 0); r < to && r < len(s.rows); r++ {
		if s.rows[r] {
			return true
		}
	}
	return false
}

// track scans p and returns the rows it printed on or erased, and whether
// it erased the whole screen (or everything below a row, reported as the
// rows from there to maxTrackedRows).
func (t *rowTracker) track(p []byte) (rowSet, bool) {
	t.dirty.rows = t.dirty.rows[:0]
	all := false
	for _, c := range p {
		switch t.state {
		case stGround:
			switch {
			case c == 0x1b:
				t.state = stEsc
			case c == '\n':
				t.row++
			case c >= 0x20 && c != 0x7f:
				t.dirty.add(t.row)
			}
		case stEsc:
			switch c {
			case '[':
				t.state, t.params = stCSI, t.params[:0]
			case ']', 'P', '_', '^', 'X':
				t.state = stString
			default:
				t.state = stGround
			}
		case stCSI:
			if c >= 0x40 && c <= 0x7e {
				if t.csi(c) {
					all = true
				}
				t.state = stGround
			} else if len(t.params) < 64 {
				t.params = append(t.params, c)
			}
		case stString:
			switch c {
			case 0x07:
				t.state = stGround
			case 0x1b:
				t.state = stStringEsc
			}
		case stStringEsc:
			if c == '\\' {
				t.state = stGround
			} else {
				t.state = stString
			}
		}
	}
	return t.dirty, all
}

// csi applies a control sequence; it returns true when the whole screen
// was cleared.
func (t *rowTracker) csi(final byte) bool {
	ps := string(t.params)
	n := func(def int) int {
		v, err := strconv.Atoi(ps)
		if err != nil || v <= 0 {
			return def
		}
		return v
	}
	switch final {
	case 'H', 'f':
		r := 1
		if ps != "" {
			f := ps
			for i := 0; i < len(ps); i++ {
				if ps[i] == ';' {
					f = ps[:i]
					break
				}
			}
			if v, err := strconv.Atoi(f); err == nil && v > 0 {
				r = v
			}
		}
		t.row = r - 1
	case 'A':
		t.row = max(t.row-n(1), 0)
	case 'B', 'E':
		t.row += n(1)
	case 'F':
		t.row = max(t.row-n(1), 0)
	case 'K', 'X', '@', 'P':
		t.dirty.add(t.row)
	case 'J':
		switch ps {
		case "", "0":
			for r := t.row; r < maxTrackedRows && r < t.row+512; r++ {
				t.dirty.add(r)
			}
		case "1":
			for r := 0; r <= t.row; r++ {
				t.dirty.add(r)
			}
		default:
			return true
		}
	case 'h', 'l':
		// Entering or leaving the alternate screen clears what we drew.
		if ps == "?1049" || ps == "?47" || ps == "?1047" {
			return true
		}
	case 'L', 'M', 'S', 'T', 'r':
		// Inserted/deleted lines, scrolling and margins move pixels too.
		return true
	}
	return false
}
