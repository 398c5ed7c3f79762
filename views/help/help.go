// Package help is the full key help shown by `?`: every binding of the
// dashboard in columns, drawn by bubbles/help with the program's styles.
package help

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
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

// View draws the full help of km as a dialog at most maxW wide.
func View(st *theme.Styles, h help.Model, km help.KeyMap, maxW int, footer string) string {
	h.ShowAll = true
	h.Width = maxW - 6
	body := h.FullHelpView(km.FullHelp())
	if footer != "" {
		body += "\n\n" + st.Muted.Render(footer)
	}
	return pane.Dialog(st, "Keys", body, min(maxW-4, max(40, widest(km.FullHelp())+4)))
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
			cw = max(cw, len([]rune(h.Key))+1+len([]rune(h.Desc)))
		}
		w += cw + 4
	}
	return w
}
