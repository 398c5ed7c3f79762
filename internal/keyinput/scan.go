// Package keyinput sits between a terminal's input and Bubble Tea's input
// parser, so that keys mean what the terminal sent whatever way the bytes
// were grouped into reads.
//
// Bubble Tea v1 reads ESC followed by another byte as one alt+key
// ("\x1b\x1by" is alt+esc then y; "\x1by" is alt+y) and turns a sequence
// split across two reads into letters ("\x1b[" then "A" is alt+[ then A).
// The dashboard binds no alt key, and an Escape must always cancel, so the
// Reader re-groups the bytes before Bubble Tea sees them:
//
//   - an ESC that begins no complete, known sequence (CSI, SS3, SGR or X10
//     mouse, bracketed paste, or a terminal's OSC/DCS/APC/PM reply) is an
//     Escape: it is handed over as the last byte of a read, which Bubble
//     Tea reads as a lone Escape, and the bytes after it are keys of their
//     own;
//   - a sequence (or a UTF-8 character) cut off at the end of a read is held
//     until its rest arrives, so it is completed, never turned into letters;
//     if nothing completes it within Options.Wait it is handed over as
//     above (an Escape and keys);
//   - a bracketed paste is held until its end marker (at most
//     Options.PasteWait after its last byte; then it is closed), so its text
//     always arrives as one paste and never as keys;
//   - terminal replies (OSC, DCS, APC, PM strings) are dropped: no key
//     produces them, and a late one would otherwise type its text.
package keyinput

import "unicode/utf8"

const esc = 0x1b

// pasteStart and pasteEnd bracket a paste.
const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// kind is what a token at the front of the input is.
type kind int

const (
	complete   kind = iota // a key, a character or a whole sequence
	escape                 // an ESC that is an Escape key on its own
	incomplete             // the input ends before the token does
	drop                   // a terminal reply, dropped
	paste                  // a whole bracketed paste
)

// next reports the token at the front of b (len(b) > 0) and its length.
func next(b []byte) (int, kind) {
	if b[0] != esc {
		if b[0] < utf8.RuneSelf {
			return 1, complete
		}
		if !utf8.FullRune(b) {
			return 0, incomplete
		}
		_, n := utf8.DecodeRune(b)
		return n, complete
	}
	if len(b) == 1 {
		return 0, incomplete
	}
	switch b[1] {
	case '[':
		return csi(b)
	case 'O': // SS3: ESC O and one final byte (F1-F4, keypad arrows)
		if len(b) < 3 {
			return 0, incomplete
		}
		if b[2] >= 0x40 && b[2] <= 0x7e {
			return 3, complete
		}
		return 1, escape
	case ']': // OSC, ended by BEL or ST (ESC \)
		for j := 2; j < len(b); j++ {
			switch {
			case b[j] == 0x07:
				return j + 1, drop
			case b[j] == esc && j+1 == len(b):
				return 0, incomplete
			case b[j] == esc && b[j+1] == '\\':
				return j + 2, drop
			case b[j] == esc:
				return 1, escape
			}
		}
		return 0, incomplete
	case 'P', '_', '^': // DCS, APC, PM, ended by ST
		for j := 2; j+1 < len(b); j++ {
			if b[j] == esc && b[j+1] == '\\' {
				return j + 2, drop
			}
		}
		return 0, incomplete
	}
	return 1, escape
}

// csi reports the CSI sequence at the front of b (b starts with ESC [).
func csi(b []byte) (int, kind) {
	if len(b) >= 3 && b[2] == 'M' { // X10 mouse: three raw bytes follow
		if len(b) < 6 {
			return 0, incomplete
		}
		return 6, complete
	}
	j := 2
	for j < len(b) && b[j] >= 0x30 && b[j] <= 0x3f { // parameters
		j++
	}
	for j < len(b) && b[j] >= 0x20 && b[j] <= 0x2f { // intermediates
		j++
	}
	if j == len(b) {
		return 0, incomplete
	}
	if b[j] < 0x40 || b[j] > 0x7e {
		return 1, escape // not a sequence: an Escape, then keys
	}
	n := j + 1
	if string(b[:n]) != pasteStart {
		return n, complete
	}
	for k := n; k+len(pasteEnd) <= len(b); k++ {
		if b[k] == esc && string(b[k:k+len(pasteEnd)]) == pasteEnd {
			return k + len(pasteEnd), paste
		}
	}
	return 0, incomplete
}

// token is one piece of output: bytes Bubble Tea parses as one key,
// sequence or paste. last marks a token that must end the read it is in (a
// lone Escape, which Bubble Tea only reads as Escape at the end of a read,
// and a paste, which is handed over on its own).
type token struct {
	b    []byte
	last bool
}

// scan splits b into tokens and returns the incomplete rest. With flush
// the rest is given up on: a cut-off sequence's ESC is an Escape and its
// bytes are keys; an unfinished paste is closed.
func scan(b []byte, flush bool) (toks []token, rest []byte) {
	for len(b) > 0 {
		n, k := next(b)
		if k == incomplete {
			if !flush {
				return toks, b
			}
			switch {
			case len(b) >= len(pasteStart) && string(b[:len(pasteStart)]) == pasteStart:
				t := append(append([]byte(nil), b...), pasteEnd...)
				return append(toks, token{b: t, last: true}), nil
			case b[0] == esc:
				n, k = 1, escape
			default:
				n, k = 1, complete // a cut UTF-8 character: Bubble Tea reports the byte
			}
		}
		switch k {
		case complete:
			toks = append(toks, token{b: append([]byte(nil), b[:n]...)})
		case escape:
			toks = append(toks, token{b: []byte{esc}, last: true})
		case paste:
			toks = append(toks, token{b: append([]byte(nil), b[:n]...), last: true})
		case drop:
		}
		b = b[n:]
	}
	return toks, nil
}
