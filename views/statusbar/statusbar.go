// Package statusbar is the footer: the latest status message (progress,
// success or the server's own error) and the short help of the keys that
// apply now.
package statusbar

import (
	"slices"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	helpview "github.com/snapdash/snapdash/views/help"
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
	line2 := " " + h.ShortHelpView(helpview.Sanitized([][]key.Binding{keys})[0])
	return line1 + "\n" + pane.Fit(line2, w)
}

// Fit returns the bindings of keys that fit in the footer's key line of a
// terminal w cells wide (what View draws), in their order. When they do not
// all fit, the bindings in drop go first, in that order; then the others
// from the end of the line, except those in keep; then keep's, except its
// first (the help key, which says where the others went). A binding is
// dropped whole: the line is never cut with "…".
func Fit(h help.Model, keys []key.Binding, w int, keep, drop []key.Binding) []key.Binding {
	clean := helpview.Sanitized([][]key.Binding{keys, keep, drop})
	out, keep, drop := clean[0], clean[1], clean[2]
	h.Width = 0 // measure the whole line
	fits := func() bool { return 1+ansi.StringWidth(h.ShortHelpView(out)) <= w }
	in := func(b key.Binding, set []key.Binding) bool {
		return slices.ContainsFunc(set, func(s key.Binding) bool { return same(b, s) })
	}
	remove := func(pick func(key.Binding) bool, fromEnd bool) bool {
		for j := range out {
			i := j
			if fromEnd {
				i = len(out) - 1 - j
			}
			if out[i].Enabled() && pick(out[i]) {
				out = slices.Delete(out, i, i+1)
				return true
			}
		}
		return false
	}
	for _, d := range drop {
		if fits() {
			return out
		}
		remove(func(b key.Binding) bool { return same(b, d) && !in(b, keep) }, false)
	}
	for !fits() && remove(func(b key.Binding) bool { return !in(b, keep) }, true) {
	}
	for !fits() && len(keep) > 0 && remove(func(b key.Binding) bool { return in(b, keep[1:]) }, true) {
	}
	return out
}

// same reports whether a and b are the same binding: same keys and help.
func same(a, b key.Binding) bool {
	return a.Help() == b.Help() && slices.Equal(a.Keys(), b.Keys())
}

// HintAt returns the key hint drawn at column x of the key line View
// draws for keys (a click on it does what the key does).
func HintAt(keys []key.Binding, x int) (key.Binding, bool) {
	col := 1      // the line starts with a space
	const sep = 3 // " · "
	first := true
	for _, b := range helpview.Sanitized([][]key.Binding{keys})[0] {
		if !b.Enabled() {
			continue
		}
		if !first {
			col += sep
		}
		first = false
		w := ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
		if x >= col && x < col+w {
			return b, true
		}
		col += w
	}
	return key.Binding{}, false
}
