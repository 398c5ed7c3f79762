package preview

import (
	"strconv"
	"strings"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/pane"
)

// View draws the pane (or the full screen) at the size set by SetSize,
// focused as SetFocused said (common.Component).
func (m *Model) View() string {
	return strings.Join(m.Box(m.width, m.height, m.focused), "\n")
}

// Box draws the pane (or the full screen) w×h cells with its border, one
// line each: the title, the detail lines and the picture, or why there is
// none.
func (m *Model) Box(w, h int, focused bool) []string {
	st, spin := m.c.Styles, m.c.Spinner
	title := "Preview"
	if m.mode != ModeNone {
		title += " · " + string(m.Mode())
	}
	if m.have && m.info.Width > 0 {
		title += " · " + strconv.Itoa(m.info.Width) + "×" + strconv.Itoa(m.info.Height)
	}
	if m.full {
		if z := m.view.zoom; z > 1 {
			title += " · zoom " + zoomLabel(z)
		}
		title += " · esc back"
	}
	focused = focused || m.full
	if !m.sel.OK {
		return pane.Box(st, title, []string{st.Muted.Render("No snapshot selected.")}, w, h, focused)
	}
	lines := m.detailText()
	cols := max(0, w-2)
	s := m.sel.Row.Snapshot
	switch {
	case s.State == client.StateRequested:
		lines = append(lines, "", st.Warn.Render(spin+" waiting for the customer's picture…"))
	case m.mode == ModeNone:
		lines = append(lines, "", st.Muted.Render("pictures are off (image mode none)"))
	case m.err != nil:
		lines = append(lines, "")
		lines = append(lines, m.errorLines(m.err, cols)...)
	case m.have:
		lines = append(lines, m.frame.Lines...)
	default:
		lines = append(lines, "", st.Muted.Render(spin+" loading picture…"))
	}
	return pane.Box(st, title, lines, w, h, focused)
}

// detailText is the lines above the picture (DetailLines of them).
func (m *Model) detailText() []string {
	row := m.sel.Row
	s := row.Snapshot
	lines := []string{m.sel.Label + "  " + sanitize.Line(s.Type) + "  " + sanitize.Line(s.ID)}
	d := m.sel.When
	if row.Customer != "" {
		d += " · " + sanitize.Line(row.Customer)
	}
	if s.RequesterUserID != "" {
		d += " · by " + sanitize.Line(s.RequesterUserID)
	}
	lines = append(lines, m.c.Styles.Muted.Render(d))
	if m.full {
		lines = append(lines, m.pictureFacts())
	}
	return lines
}

// pictureFacts describes the picture for the full-screen view: its size as
// shown (after EXIF orientation), the file's size and type, and the zoom.
func (m *Model) pictureFacts() string {
	i := m.info
	if !m.have || i.Width <= 0 {
		return m.c.Styles.Muted.Render("…")
	}
	parts := []string{strconv.Itoa(i.Width) + "×" + strconv.Itoa(i.Height) + " px"}
	if i.Bytes > 0 {
		parts = append(parts, fmtBytes(int64(i.Bytes)))
	}
	if i.MimeType != "" {
		parts = append(parts, sanitize.Line(i.MimeType))
	}
	if i.Orientation > 1 {
		o := "EXIF orientation " + strconv.Itoa(i.Orientation)
		if i.Orientation >= 5 {
			o += " (stored " + strconv.Itoa(i.Height) + "×" + strconv.Itoa(i.Width) + ")"
		}
		parts = append(parts, o)
	}
	parts = append(parts, "zoom "+zoomLabel(m.view.zoom))
	return m.c.Styles.Muted.Render(strings.Join(parts, " · "))
}

// errorLines says why a picture cannot be shown, wrapped to the pane, with
// a hint for pictures refused for their size.
func (m *Model) errorLines(err error, cols int) []string {
	text := "✗ " + sanitize.Line(err.Error())
	var out []string
	for _, l := range wrapWords(text, max(10, cols)) {
		out = append(out, m.c.Styles.Bad.Render(l))
	}
	if tooBig(err) {
		hint := "too big to preview safely"
		if !m.cfg.NoLocalFiles {
			hint += "; o opens it in your viewer, s saves it"
		}
		for _, l := range wrapWords(hint, max(10, cols)) {
			out = append(out, m.c.Styles.Muted.Render(l))
		}
	}
	return out
}

// wrapWords breaks plain text into lines of at most w cells, at spaces
// where it can.
func wrapWords(s string, w int) []string {
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		wr := []rune(word)
		for len(wr) > w { // a word longer than the line: cut it
			if len(cur) > 0 {
				lines, cur = append(lines, string(cur)), nil
			}
			lines, wr = append(lines, string(wr[:w])), wr[w:]
		}
		switch {
		case len(cur) == 0:
			cur = wr
		case len(cur)+1+len(wr) <= w:
			cur = append(append(cur, ' '), wr...)
		default:
			lines, cur = append(lines, string(cur)), wr
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// fmtBytes formats a byte count: 812 B, 4.3 MB (decimal units, as file
// managers show them).
func fmtBytes(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 1, 64) + " kB"
	default:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	}
}
