// Package sanitize makes strings from the server, from files and from the
// user's environment safe to draw in a terminal: no escape sequence, control
// character or bidirectional override from outside may reach the screen.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s as one printable line: escape sequences are removed, other
// control characters (newlines and tabs included) become a space, invalid
// UTF-8 becomes U+FFFD, and bidirectional controls are dropped.
func Line(s string) string {
	return clean(s, false)
}

// Text is like Line but keeps newlines, for multi-line messages.
func Text(s string) string {
	return clean(s, true)
}

// Truncate sanitizes s as a line and cuts it to at most n runes, ending with
// an ellipsis when it was cut.
func Truncate(s string, n int) string {
	s = Line(s)
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	if n == 1 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}

func safe(s string, keepNL bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			if keepNL && c == '\n' {
				continue
			}
			return false
		}
	}
	return true
}

// clean sanitizes s one rune or one escape sequence at a time.
func clean(s string, keepNL bool) string {
	if safe(s, keepNL) {
		return s
	}
	var c cleaner
	c.b.Grow(len(s))
	for i := 0; i < len(s); {
		if b := s[i]; b >= 0x20 && b < 0x7f { // printable ASCII: kept
			c.write(rune(b))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1: // invalid UTF-8: one byte
			c.write(utf8.RuneError)
		case r == 0x1b: // ESC: skip the whole sequence
			size = escLen(s[i:])
			c.dropped = true
		case isC1String(r): // skip up to the string's end
			size += stringEnd(s[i+size:], r == 0x9b)
			c.dropped = true
		default:
			c.rune(r, keepNL)
		}
		i += size
	}
	return c.b.String()
}

// isC1String reports whether r is a C1 control opening a control string or
// sequence: CSI, OSC, DCS, PM, APC or SOS.
func isC1String(r rune) bool {
	return r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f || r == 0x98
}

// cleaner builds clean's result. A space right after something removed,
// following a space, is dropped: "Mallory \x1b[31m Smith" reads "Mallory
// Smith", not with a double space where the escape was.
type cleaner struct {
	b strings.Builder
	// lastSpace: the last rune written is a space; dropped: something was
	// removed since.
	lastSpace, dropped bool
}

func (c *cleaner) write(r rune) {
	if r == ' ' && c.lastSpace && c.dropped {
		return
	}
	c.b.WriteRune(r)
	c.lastSpace, c.dropped = r == ' ', false
}

// rune writes one decoded rune that does not start a sequence: kept,
// turned into a space, or dropped.
func (c *cleaner) rune(r rune, keepNL bool) {
	switch {
	case r == '\n' && keepNL:
		c.write('\n')
	case r == '\t' || r == '\n' || r == '\r':
		c.write(' ')
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		c.dropped = true // other C0/C1 controls
	case isBidi(r):
		c.dropped = true // bidirectional overrides can disguise text
	case !unicode.IsPrint(r) && !unicode.IsSpace(r) && r != 0x200d:
		c.dropped = true // unassigned or format characters
	default:
		c.write(r)
	}
}

func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// escLen returns the length of the escape sequence at the start of s (which
// begins with ESC), or 1 when it is a lone ESC.
func escLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
		for i := 2; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
			if s[i] < 0x20 || s[i] > 0x3f && s[i] < 0x40 {
				return i
			}
		}
		return len(s)
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: until ST or BEL
		return 2 + stringEnd(s[2:], false)
	default:
		// two-byte sequences (ESC 7, ESC c, ESC ( B ...)
		i := 1
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) {
			i++
		}
		return i
	}
}

// stringEnd returns how many bytes of s belong to a control string that ends
// with BEL, ESC \ or C1 ST; csi makes it stop at a CSI final byte instead.
func stringEnd(s string, csi bool) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if csi {
			if c >= 0x40 && c <= 0x7e {
				return i + 1
			}
			continue
		}
		switch {
		case c == 0x07:
			return i + 1
		case c == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c:
			return i + 2
		}
	}
	return len(s)
}
