// Package statusbar is the footer: the latest status message (progress,
// success or the server's own error) and the short help of the keys that
// apply now.
package statusbar

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/pane"
)

// Kind is the kind of status message.
type Kind int

// Status kinds, each with its own symbol.
const (
	Info Kind = iota
	Progress
	OK
	Error
	// Notice is news for the reviewer (a picture arrived), highlighted.
	Notice
)

// Status is one message.
type Status struct {
	Kind Kind
	Text string
}

// View draws the two footer lines: status (with right-aligned extra text
// such as the filter and image mode) and the short help.
func View(st *theme.Styles, h help.Model, s Status, spin, extra string, keys []key.Binding, w int) string {
	var sym string
	style := st.StatusN
	switch s.Kind {
	case Progress:
		sym, style = spin+" ", st.Warn
	case OK:
		sym, style = "✓ ", st.StatusOK
	case Error:
		sym, style = "✗ ", st.StatusErr
	case Notice:
		sym, style = "★ ", st.Selected
	}
	extra = sanitize.Line(extra)
	ew := ansi.StringWidth(extra)
	msg := ""
	if s.Text != "" {
		msg = sym + sanitize.Line(s.Text)
	}
	var line1 string
	if mw := ansi.StringWidth(msg) + 2; mw+ew+1 > w {
		// The message matters more than the extra text: it gets the line.
		line1 = style.Render(pane.Fit(" "+msg, w))
	} else {
		line1 = style.Render(pane.Fit(" "+msg, w-ew-1)) + st.Muted.Render(extra) + " "
	}
	h.Width = w - 1
	line2 := " " + h.ShortHelpView(keys)
	return line1 + "\n" + pane.Fit(line2, w)
}
