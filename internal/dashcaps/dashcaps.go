// Package dashcaps converts what the terminal detection of
// internal/termgfx found into the dashboard's public tui.Caps, field by
// field, at the one place the internal type meets the public one (the
// command line and the SSH server both detect terminals).
package dashcaps

import (
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/tui"
)

// Of returns c as tui.Options takes it.
func Of(c termgfx.Caps) tui.Caps {
	return tui.Caps{Sixel: c.Sixel, Kitty: c.Kitty, TrueColor: c.TrueColor, InTmux: c.InTmux,
		CellW: c.CellW, CellH: c.CellH, Term: c.Term, Version: c.Version}
}
