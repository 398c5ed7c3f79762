package tui

// Minimum terminal size; below it the dashboard says how big it needs to be.
const (
	MinWidth  = 70
	MinHeight = 20
)

// rect is a pane's outer position and size in cells (y from the screen top).
type rect struct{ x, y, w, h int }

// layoutT is where every pane goes for the current size and toggles.
type layoutT struct {
	inter, snaps, prev, events rect
	watch                      rect
	// side is the strip right of the full-screen picture that a dialog
	// takes while it is open.
	side rect
	wide bool
}

// layout computes the panes from the window size and hands each its size.
// Narrow screens stack the table over the preview; from 110 columns the
// preview gets its own column; the events pane takes the bottom strip.
func (m *Model) layout() {
	w, h := m.width, m.height
	if m.tooSmall() {
		return
	}
	bodyY, bodyH := 1, h-3 // header above, status and help below
	var l layoutT
	// The watch screen takes the whole body; the panes keep their sizes
	// for when it closes.
	l.watch = rect{0, bodyY, w, bodyH}
	m.watch.table.SetSize(max(0, w-2), max(0, bodyH-2))
	if m.showEvents {
		eh := max(5, bodyH/4)
		if m.preview.Full() {
			eh = 0
		}
		if eh > 0 {
			l.events = rect{0, bodyY + bodyH - eh, w, eh}
			bodyH -= eh
		}
	}
	switch {
	case m.preview.Full():
		l.prev = rect{0, bodyY, w, bodyH}
		if m.besideDialog() {
			if dw, _ := m.dialogSize(); dw > 0 && w-dw-2 >= 24 {
				l.prev.w = w - dw - 2
				l.side = rect{l.prev.w, bodyY, w - l.prev.w, bodyH}
			}
		}
	case w >= 110:
		l.wide = true
		iw := min(34, max(24, w/5))
		pw := (w - iw) * 9 / 20
		l.inter = rect{0, bodyY, iw, bodyH}
		l.snaps = rect{iw, bodyY, w - iw - pw, bodyH}
		l.prev = rect{w - pw, bodyY, pw, bodyH}
	default:
		iw := min(30, max(22, w/4))
		sh := max(6, bodyH*9/20)
		l.inter = rect{0, bodyY, iw, bodyH}
		l.snaps = rect{iw, bodyY, w - iw, sh}
		l.prev = rect{iw, bodyY + sh, w - iw, bodyH - sh}
	}
	m.lay = l
	m.inter.SetSize(max(0, l.inter.w-2), max(0, l.inter.h-2))
	m.snaps.SetSize(max(0, l.snaps.w-2), max(0, l.snaps.h-2))
	m.events.SetSize(max(0, l.events.w-2), max(0, l.events.h-2))
	if m.dialog != nil {
		m.dialog.SetSize(w, m.height)
	}
	if m.preview.overlay != nil {
		m.preview.overlay.Invalidate()
	}
}

func (m *Model) tooSmall() bool {
	return m.width > 0 && (m.width < MinWidth || m.height < MinHeight)
}
