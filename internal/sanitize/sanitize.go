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

func clean(s string, keepNL bool) string {
	if safe(s, keepNL) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	// A space right after something removed, following a space, is
	// dropped: "Mallory \x1b[31m Smith" reads "Mallory Smith", not with
	// a double space where the escape was.
	lastSpace, dropped := false, false
	write := func(r rune) {
		if r == ' ' && lastSpace && dropped {
			return
		}
		b.WriteRune(r)
		lastSpace, dropped = r == ' ', false
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			write(utf8.RuneError)
			i++
			continue
		case r == 0x1b: // ESC: skip the whole sequence
			i += escLen(s[i:])
			dropped = true
			continue
		case r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f || r == 0x98: // C1 CSI/OSC/DCS/PM/APC/SOS
			i += size
			i += stringEnd(s[i:], r == 0x9b)
			dropped = true
			continue
		case r == '\n' && keepNL:
			write('\n')
		case r == '\t' || r == '\n' || r == '\r':
			write(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// other C0/C1 controls are dropped
			dropped = true
		case isBidi(r):
			// bidirectional overrides can disguise text
			dropped = true
		case !unicode.IsPrint(r) && !unicode.IsSpace(r) && r != 0x200d:
			// unassigned or format characters
			dropped = true
		default:
			write(r)
		}
		i += size
	}
	return b.String()
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
