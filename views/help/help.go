// Package help is the full key help shown by `?`: every binding of the
// dashboard in columns, drawn by bubbles/help with the program's styles.
package help

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/pane"
)

// New returns a bubbles help model styled by st, for the footer and `?`.
func New(st *theme.Styles) help.Model {
	h := help.New()
	h.ShortSeparator = " · "
	h.Styles = help.Styles{
		Ellipsis:       st.HelpSep,
		ShortKey:       st.HelpKey,
		ShortDesc:      st.HelpDesc,
		ShortSeparator: st.HelpSep,
		FullKey:        st.HelpKey,
		FullDesc:       st.HelpDesc,
		FullSeparator:  st.HelpSep,
	}
	return h
}

// View draws the full help of km as a dialog at most maxW wide. Key names
// come from the user's config file: they are sanitized like any text from
// outside. When km's columns are too wide for maxW they are poured into
// columns of at most maxRows keys (0: no limit), so no column is cut.
func View(st *theme.Styles, h help.Model, km help.KeyMap, maxW, maxRows int, footer string) string {
	h.ShowAll = true
	h.Width = maxW - 6
	groups := Sanitized(km.FullHelp())
	if widest(groups)+4 > maxW-4 && maxRows > 0 {
		groups = pour(groups, maxRows)
	}
	body := h.FullHelpView(groups)
	if footer != "" {
		body += "\n\n" + st.Muted.Render(sanitize.Text(footer))
	}
	// Wide enough for the footer line too, so it does not wrap.
	w := max(40, widest(groups)+4, ansi.StringWidth(sanitize.Text(footer))+2)
	return pane.Dialog(st, "Keys", body, min(maxW-4, w))
}

// Sanitized returns copies of the bindings with their help texts made safe
// to draw; keys and enabled state are kept.
func Sanitized(groups [][]key.Binding) [][]key.Binding {
	out := make([][]key.Binding, len(groups))
	for i, g := range groups {
		out[i] = make([]key.Binding, len(g))
		for j, b := range g {
			h := b.Help()
			b.SetHelp(sanitize.Line(h.Key), sanitize.Line(h.Desc))
			out[i][j] = b
		}
	}
	return out
}

func widest(groups [][]key.Binding) int {
	w := 0
	for _, g := range groups {
		cw := 0
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			cw = max(cw, ansi.StringWidth(h.Key)+1+ansi.StringWidth(h.Desc))
		}
		w += cw + 4
	}
	return w
}

// pour flows the enabled bindings of groups, in order, into columns of at
// most rows bindings each.
func pour(groups [][]key.Binding, rows int) [][]key.Binding {
	var out [][]key.Binding
	var col []key.Binding
	for _, g := range groups {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			if len(col) == rows {
				out, col = append(out, col), nil
			}
			col = append(col, b)
		}
	}
	if len(col) > 0 {
		out = append(out, col)
	}
	return out
}
