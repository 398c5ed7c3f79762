// Package termgfx renders decoded pictures for a terminal pane: as ASCII
// art, as half-block cells, as a sixel graphic or through the kitty
// graphics protocol with Unicode placeholders. It also detects what the
// terminal supports (from the environment and by asking it), provides an
// io.Writer wrapper that paints pixel graphics over the Bubble Tea frame,
// and caches rendered frames and decoded pictures. Decoding and scaling
// live in internal/imaging.
//
// Nothing in this package writes to stdout or keeps package-level mutable
// state; every function is safe to call from a tea.Cmd goroutine.
package termgfx

import (
	"fmt"
	"strings"
)

// Mode selects how a picture is drawn in the terminal.
type Mode string

// The rendering modes. ModeAuto is resolved with Auto before rendering.
const (
	// ModeAuto picks the best mode the terminal supports.
	ModeAuto Mode = "auto"
	// ModeASCII draws characters from a brightness ramp, optionally coloured.
	ModeASCII Mode = "ascii"
	// ModeHalfblock draws two pixels per cell with '▀' and fg/bg colours.
	ModeHalfblock Mode = "halfblock"
	// ModeSixel paints a DEC sixel graphic over blank cells.
	ModeSixel Mode = "sixel"
	// ModeKitty uses the kitty graphics protocol with Unicode placeholders.
	ModeKitty Mode = "kitty"
)

// Modes lists every mode in the order the `i` key cycles through them.
var modeOrder = [...]Mode{ModeASCII, ModeHalfblock, ModeSixel, ModeKitty}

// ParseMode parses a mode name as given on the command line or in the
// config file. It is case-insensitive; "" means auto, and "blocks" or
// "half" are accepted for halfblock.
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return ModeAuto, nil
	case "ascii", "text":
		return ModeASCII, nil
	case "halfblock", "half", "blocks", "block":
		return ModeHalfblock, nil
	case "sixel":
		return ModeSixel, nil
	case "kitty":
		return ModeKitty, nil
	}
	return "", fmt.Errorf("unknown image mode %q (want auto, ascii, halfblock, sixel or kitty)", s)
}

// String returns the mode's name.
func (m Mode) String() string { return string(m) }

// IsGraphic reports whether the mode paints pixels (sixel, kitty) rather
// than only text cells.
func (m Mode) IsGraphic() bool { return m == ModeSixel || m == ModeKitty }

// Supported reports whether the terminal described by c can show mode m.
// ASCII and halfblock work everywhere; auto is always supported.
func (m Mode) Supported(c Caps) bool {
	switch m {
	case ModeAuto, ModeASCII, ModeHalfblock:
		return true
	case ModeSixel:
		return c.Sixel
	case ModeKitty:
		return c.Kitty
	}
	return false
}

// Next returns the mode after m among the modes the terminal supports, for
// the key that cycles image modes. Auto is first resolved with Auto(c), so
// the first press moves away from what the user is currently seeing. The
// cycle is ascii → halfblock → sixel → kitty → ascii, skipping what c lacks.
func (m Mode) Next(c Caps) Mode {
	if m == ModeAuto || !m.Supported(c) {
		m = Auto(c)
	}
	idx := 0
	for i, v := range modeOrder {
		if v == m {
			idx = i
		}
	}
	for step := 1; step <= len(modeOrder); step++ {
		cand := modeOrder[(idx+step)%len(modeOrder)]
		if cand.Supported(c) {
			return cand
		}
	}
	return ModeASCII
}

// Resolve returns m, or Auto(c) when m is auto or not supported by c.
func (m Mode) Resolve(c Caps) Mode {
	if m == ModeAuto || !m.Supported(c) {
		return Auto(c)
	}
	return m
}

// Auto picks the best mode for the terminal: kitty, then sixel, then
// halfblock (true colour or 256 colours), and ASCII only for a terminal
// that is known to be dumb.
func Auto(c Caps) Mode {
	switch {
	case c.Kitty:
		return ModeKitty
	case c.Sixel:
		return ModeSixel
	case c.Term == "dumb" || c.Term == "linux" && !c.TrueColor:
		// The Linux console has no glyph for '▀' in many fonts and only 16
		// colours; a dumb terminal has no colours at all.
		return ModeASCII
	default:
		return ModeHalfblock
	}
}

// Caps describes what the terminal can display.
type Caps struct {
	// Sixel is true when the terminal paints DEC sixel graphics.
	Sixel bool
	// Kitty is true when the terminal speaks the kitty graphics protocol
	// (with Unicode placeholders).
	Kitty bool
	// TrueColor is true when 24-bit SGR colours are shown faithfully.
	TrueColor bool
	// InTmux is true when running inside tmux; kitty graphics are then
	// wrapped in tmux passthrough sequences.
	InTmux bool
	// CellW and CellH are the size of one cell in pixels, 0 when unknown.
	CellW, CellH int
	// Term is the terminal's name: TERM_PROGRAM, the XTVERSION reply or
	// TERM, whichever is most specific.
	Term string
	// Version is the terminal's version when known.
	Version string
}

// String summarises the capabilities for the status bar and logs.
func (c Caps) String() string {
	var parts []string
	if c.Term != "" {
		t := c.Term
		if c.Version != "" {
			t += " " + c.Version
		}
		parts = append(parts, t)
	}
	var feats []string
	if c.Kitty {
		feats = append(feats, "kitty")
	}
	if c.Sixel {
		feats = append(feats, "sixel")
	}
	if c.TrueColor {
		feats = append(feats, "truecolor")
	}
	if c.InTmux {
		feats = append(feats, "tmux")
	}
	if len(feats) > 0 {
		parts = append(parts, strings.Join(feats, ","))
	}
	if c.CellW > 0 && c.CellH > 0 {
		parts = append(parts, fmt.Sprintf("cell %dx%d", c.CellW, c.CellH))
	}
	if len(parts) == 0 {
		return "unknown terminal"
	}
	return strings.Join(parts, " ")
}
