// Package pane holds the drawing helpers every snapdash pane shares: a box
// with its title in the top border, fitting lines to a width, and placing a
// dialog over a background. They work on plain or styled strings and do no
// more work than the visible cells need, because View runs every frame.
package pane

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
)

// Fit cuts or pads s (which may hold styling) to exactly w cells.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	switch {
	case sw == w:
		return s
	case sw < w:
		return s + strings.Repeat(" ", w-sw)
	}
	t := ansi.Truncate(s, w, "…")
	if tw := ansi.StringWidth(t); tw < w {
		t += strings.Repeat(" ", w-tw)
	}
	return t
}

// border is a set of box characters.
type border struct{ tl, t, tr, l, r, bl, b, br string }

var (
	rounded = border{"╭", "─", "╮", "│", "│", "╰", "─", "╯"}
	thick   = border{"┏", "━", "┓", "┃", "┃", "┗", "━", "┛"}
)

// Box draws lines inside a w x h border with title (plain text, sanitized
// here) in the top edge and
// returns the box's h lines. The focused pane gets a heavy border, so focus
// shows without colour too. Lines beyond the inner height are dropped;
// short content is padded.
func Box(st *theme.Styles, title string, lines []string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return nil
	}
	bd, edge, ts := rounded, st.Edge, st.Title
	if focused {
		bd, edge, ts = thick, st.EdgeFocused, st.TitleFocused
	}
	inner := w - 2
	out := make([]string, 0, h)
	t := ""
	if title != "" && inner > 4 {
		t = ansi.Truncate(" "+sanitize.Line(title)+" ", inner-2, "…")
	}
	tw := ansi.StringWidth(t)
	top := edge.Render(bd.tl + bd.t)
	if tw > 0 {
		top += ts.Render(t)
	}
	if rest := inner - 1 - tw; rest > 0 {
		top += edge.Render(strings.Repeat(bd.t, rest))
	}
	out = append(out, top+edge.Render(bd.tr))
	l, r := edge.Render(bd.l), edge.Render(bd.r)
	blank := strings.Repeat(" ", inner)
	for i := 0; i < h-2; i++ {
		if i < len(lines) {
			out = append(out, l+Fit(lines[i], inner)+r)
		} else {
			out = append(out, l+blank+r)
		}
	}
	return append(out, edge.Render(bd.bl+strings.Repeat(bd.b, inner)+bd.br))
}

// Overlay draws fg over bg with fg's top-left corner at (x, y), keeping the
// background visible around it. Both are newline-separated blocks.
func Overlay(bg, fg string, x, y int) string {
	bl := strings.Split(bg, "\n")
	fl := strings.Split(fg, "\n")
	if x < 0 {
		x = 0
	}
	if y < 0 {
		y = 0
	}
	for i, f := range fl {
		row := y + i
		if row >= len(bl) {
			break
		}
		line := bl[row]
		fw := ansi.StringWidth(f)
		left := ansi.Truncate(line, x, "")
		if lw := ansi.StringWidth(left); lw < x {
			left += strings.Repeat(" ", x-lw)
		}
		bl[row] = left + f + rightOf(line, x+fw)
	}
	return strings.Join(bl, "\n")
}

// rightOf returns the cells of line from column col on. A wide character
// that the column cuts in two is replaced by a space, so that the rest of
// the line keeps its columns (ansi.TruncateLeft keeps such a character
// whole, which pushed the line one cell wider than the screen).
func rightOf(line string, col int) string {
	want := ansi.StringWidth(line) - col
	if want <= 0 {
		return ""
	}
	right := ansi.TruncateLeft(line, col, "")
	if ansi.StringWidth(right) > want {
		right = ansi.TruncateLeft(line, col+1, "")
	}
	if rw := ansi.StringWidth(right); rw < want {
		right = strings.Repeat(" ", want-rw) + right
	}
	return right
}

// Center places fg in the middle of bg (w x h cells).
func Center(bg, fg string, w, h int) string {
	fw, fh := 0, strings.Count(fg, "\n")+1
	for _, l := range strings.Split(fg, "\n") {
		if lw := ansi.StringWidth(l); lw > fw {
			fw = lw
		}
	}
	return Overlay(bg, fg, (w-fw)/2, (h-fh)/2)
}

// Dialog draws a bordered dialog of inner width w with a title line.
func Dialog(st *theme.Styles, title, body string, w int) string {
	content := st.DialogTitle.Render(title) + "\n\n" + body
	return st.Dialog.Width(w).Render(content)
}

// Scroll keeps a cursor within n rows and the window of visible rows
// starting at off around it, for lists that draw only what fits. It
// returns the clamped cursor and offset.
func Scroll(cursor, off, n, visible int) (int, int) {
	cursor = max(0, min(cursor, n-1))
	visible = max(1, visible)
	if cursor < off {
		off = cursor
	}
	if cursor >= off+visible {
		off = cursor - visible + 1
	}
	return cursor, max(0, min(off, n-visible))
}
