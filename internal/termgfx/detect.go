package termgfx

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// DefaultBudget is how long Detect waits for the terminal to answer.
const DefaultBudget = 200 * time.Millisecond

// DetectEnv guesses the terminal's capabilities from environment variables
// only (TERM, TERM_PROGRAM, COLORTERM, KITTY_WINDOW_ID, WEZTERM_*, TMUX,
// KONSOLE_VERSION, VTE_VERSION, WT_SESSION, ...). Over SSH only what the
// client forwards is visible, usually TERM alone; Query fills the gaps.
func DetectEnv(getenv func(string) string) Caps {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	term := strings.ToLower(getenv("TERM"))
	prog := getenv("TERM_PROGRAM")
	lprog := strings.ToLower(prog)
	c := Caps{Term: getenv("TERM"), InTmux: getenv("TMUX") != ""}
	if prog != "" {
		c.Term, c.Version = prog, getenv("TERM_PROGRAM_VERSION")
	}
	switch ct := strings.ToLower(getenv("COLORTERM")); ct {
	case "truecolor", "24bit":
		c.TrueColor = true
	}
	if strings.Contains(term, "direct") {
		c.TrueColor = true
	}

	detectKittyFamily(&c, term, lprog, getenv)
	detectByVersion(&c, getenv)
	detectSixelTerms(&c, term, lprog, getenv)
	return c
}

// detectKittyFamily: kitty and Ghostty speak the kitty graphics protocol;
// WezTerm is sent sixel (see there).
func detectKittyFamily(c *Caps, term, lprog string, getenv func(string) string) {
	kitty := getenv("KITTY_WINDOW_ID") != "" || term == "xterm-kitty" || lprog == "kitty"
	ghostty := lprog == "ghostty" || term == "xterm-ghostty" || getenv("GHOSTTY_RESOURCES_DIR") != ""
	wezterm := lprog == "wezterm" || getenv("WEZTERM_EXECUTABLE") != "" || getenv("WEZTERM_PANE") != ""
	switch {
	case kitty:
		c.Kitty, c.TrueColor = true, true
		if c.Term == "" || c.InTmux {
			c.Term = "kitty"
		}
	case ghostty:
		c.Kitty, c.TrueColor = true, true
	case wezterm:
		// WezTerm speaks the kitty protocol but not its Unicode
		// placeholders, which is what works inside Bubble Tea: use sixel.
		c.Sixel, c.TrueColor = true, true
		if c.Term == "" || c.InTmux {
			c.Term = "WezTerm"
		}
	}
}

// detectByVersion reads the version variables Konsole and VTE set.
func detectByVersion(c *Caps, getenv func(string) string) {
	if k := getenv("KONSOLE_VERSION"); k != "" {
		// Konsole draws sixel since 22.04 (KONSOLE_VERSION 220400).
		if v, err := strconv.Atoi(k); err == nil && v >= 220400 {
			c.Sixel = true
		}
		c.TrueColor = true
	}
	if v := getenv("VTE_VERSION"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 3600 {
			c.TrueColor = true
		}
	}
}

// detectSixelTerms: the terminals known by name to draw sixel, and those
// known to draw true colour.
func detectSixelTerms(c *Caps, term, lprog string, getenv func(string) string) {
	switch {
	case strings.HasPrefix(term, "foot"), term == "mlterm", strings.HasPrefix(term, "contour"),
		lprog == "mlterm", lprog == "contour":
		c.Sixel, c.TrueColor = true, true
	case lprog == "iterm.app" || getenv("ITERM_SESSION_ID") != "":
		c.Sixel, c.TrueColor = true, true
	case getenv("WT_SESSION") != "":
		// Windows Terminal: true colour always; sixel from 1.22, which
		// only the DA1 query can tell.
		c.TrueColor = true
	}
	if lprog == "vscode" || lprog == "hyper" {
		c.TrueColor = true
	}
}

// Detect merges DetectEnv with an active Query of the terminal (when in
// and out are not nil). A terminal that does not answer costs the budget
// and nothing else: the environment's guess is returned. Run it before the
// Bubble Tea program starts, with the terminal in raw mode (an SSH
// session's input already is), since the replies arrive on the input.
func Detect(getenv func(string) string, in io.Reader, out io.Writer, budget time.Duration) Caps {
	env := DetectEnv(getenv)
	if in == nil || out == nil {
		return env
	}
	q, _, _ := queryInput(in, out, budget, QueryStringFor(env.Term, env.InTmux))
	c := merge(env, q)
	if c.CellW == 0 || c.CellH == 0 {
		c.CellW, c.CellH = winsizeCell(out)
	}
	return c
}

// CellSize returns the size of one cell in pixels from a window's size in
// cells and in pixels, bounded by ClampCell, or zeros when the pixel size
// is unknown. Over SSH
// the client sends both in its pty request (wish: Pty.Window's Width,
// Height, WidthPixels, HeightPixels).
func CellSize(cols, rows, widthPx, heightPx int) (int, int) {
	if cols <= 0 || rows <= 0 || widthPx <= 0 || heightPx <= 0 {
		return 0, 0
	}
	w, h := widthPx/cols, heightPx/rows
	if w < 2 || h < 2 {
		return 0, 0
	}
	return ClampCell(w, h)
}

// WithWindowPixels fills in an unknown cell size from the window's size in
// cells and pixels (see CellSize).
func (c Caps) WithWindowPixels(cols, rows, widthPx, heightPx int) Caps {
	if c.CellW == 0 || c.CellH == 0 {
		c.CellW, c.CellH = CellSize(cols, rows, widthPx, heightPx)
	}
	return c
}

// merge combines environment guesses with query results; replies win
// where they are more specific.
func merge(env, q Caps) Caps {
	c := env
	c.Sixel = env.Sixel || q.Sixel
	c.Kitty = env.Kitty || q.Kitty
	c.TrueColor = env.TrueColor || q.TrueColor
	if q.CellW > 0 && q.CellH > 0 {
		c.CellW, c.CellH = q.CellW, q.CellH
	}
	if q.Term != "" && !(env.InTmux && strings.EqualFold(q.Term, "tmux") && env.Kitty) {
		c.Term, c.Version = q.Term, q.Version
	}
	// Terminals that answer the kitty query but lack Unicode placeholders.
	if noPlaceholders(c.Term) {
		c.Kitty = false
	}
	return c
}

// noPlaceholders reports terminals known to implement the kitty graphics
// protocol without Unicode placeholders, whose "OK" must not be trusted.
func noPlaceholders(term string) bool {
	t := strings.ToLower(term)
	return strings.HasPrefix(t, "wezterm") || strings.HasPrefix(t, "konsole")
}
