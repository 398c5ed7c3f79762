package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/views/pane"
)

// Where dialogs go. A reviewer deciding on a picture must see it: a dialog
// is placed over the snapshots table, else over the panes beside or above
// the preview, and only when none has room over the whole body. In the
// full-screen preview the picture makes room for the dialog at its right.

// dialogSize measures the open dialog as drawn.
func (m *Model) dialogSize() (w, h int) { return measure(m.dialogView()) }

// measure returns the width and height of a drawn dialog.
func measure(d string) (w, h int) {
	if d == "" {
		return 0, 0
	}
	for _, l := range strings.Split(d, "\n") {
		w = max(w, ansi.StringWidth(l))
	}
	return w, strings.Count(d, "\n") + 1
}

// besideDialog reports whether the open dialog is one the full-screen
// preview makes room for (the help is read, not decided on).
func (m *Model) besideDialog() bool {
	_, help := m.dialog.(*helpDialog)
	_, footer := m.dialog.(footerLine)
	return m.dialog != nil && !help && !footer
}

// dialogSpot returns where the open dialog, drawn as d, goes (its top-left
// corner, in body coordinates), and whether it covers the picture.
func (m *Model) dialogSpot(d string) (x, y int, covers bool) {
	dw, dh := measure(d)
	l := m.lay
	bodyH := m.height - 3
	center := func(r rect) (int, int, bool) {
		if dw > r.w || dh > r.h {
			return 0, 0, false
		}
		return r.x + (r.w-dw)/2, r.y - 1 + (r.h-dh)/2, true
	}
	whole := rect{0, 1, m.width, bodyH}
	if _, help := m.dialog.(*helpDialog); help || m.screen != screenMain {
		x, y, _ := center(whole)
		return x, y, true
	}
	if m.preview.Full() {
		if l.side.w > 0 {
			if x, y, ok := center(l.side); ok {
				return x, y, false
			}
		}
		x, y, _ := center(whole)
		return x, y, true
	}
	free := []rect{l.snaps}
	if l.wide {
		free = append(free, rect{0, 1, l.prev.x, bodyH})
	} else {
		free = append(free, rect{0, 1, m.width, l.prev.y - 1})
	}
	for _, r := range free {
		if x, y, ok := center(r); ok {
			return x, y, false
		}
	}
	x, y, _ = center(whole)
	return max(0, x), max(0, y), true
}

// dialogCovers reports whether the open dialog hides the picture.
func (m *Model) dialogCovers() bool {
	if m.dialog == nil {
		return false
	}
	d := m.dialogView()
	if d == "" {
		return false // the filter or the command line: footer lines
	}
	_, _, covers := m.dialogSpot(d)
	return covers
}

// placeDialog draws the open dialog d over the body lines.
func (m *Model) placeDialog(body []string, d string) []string {
	x, y, _ := m.dialogSpot(d)
	return strings.Split(pane.Overlay(strings.Join(body, "\n"), d, x, y), "\n")
}
