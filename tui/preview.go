package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/views/preview"
)

// pictureSize is the picture's area in cells: the preview pane inside its
// border, below the detail lines.
func (m *Model) pictureSize() (cols, rows int) {
	p := m.lay.prev
	return max(0, p.w-2), max(0, p.h-2-m.preview.DetailLines())
}

// selection is what the preview is asked to show now.
func (m *Model) selection() preview.Selection {
	r, ok := m.selectedRow()
	cols, rows := m.pictureSize()
	sel := preview.Selection{Row: r, OK: ok, Cols: cols, Rows: rows, Off: m.tooSmall()}
	if ok {
		sel.Label = m.snaps.Label(r, m.opts.Now(), m.c.Spinner)
		sel.When = m.fmtTime(r.When())
		for _, d := range []int{1, -1} {
			s := m.snaps
			s.Move(d)
			if n, ok := s.Selected(); ok && n.Snapshot.ID != r.Snapshot.ID {
				sel.Neighbours = append(sel.Neighbours, n)
			}
		}
	}
	return sel
}

// syncPreview makes the preview follow the selection, then puts a pixel
// graphic where it belongs.
func (m *Model) syncPreview() tea.Cmd {
	cmd := m.preview.Sync(m.selection())
	m.syncOverlay()
	return cmd
}

// graphicShown reports whether a pixel graphic (sixel, kitty) is on
// screen now, in the preview pane.
func (m *Model) graphicShown() bool {
	f, _, have := m.preview.Frame()
	return have && f.Graphic != "" && !m.dialogCovers() && m.screen == screenMain &&
		m.width > 0 && !m.tooSmall() && !m.quitting
}

// syncOverlay hands a pixel graphic to the overlay at the pane's picture
// origin (computed from the layout now, so a pane that moved puts it in
// its new place), or clears it whenever it is not on screen: a dialog,
// help or the filter is open, the watch screen is up, the selection moved
// to a picture not loaded yet, or the mode became a text mode.
func (m *Model) syncOverlay() {
	ov := m.overlay
	if ov == nil {
		return
	}
	if !m.graphicShown() {
		ov.Clear()
		return
	}
	f, key, _ := m.preview.Frame()
	p := m.lay.prev
	ov.Place(key, p.y+1+m.preview.DetailLines(), p.x+1, f)
}

// bodySpin is the spinner frame drawn in the panes. While a pixel graphic
// is on screen it stands still: every rewrite of a row the graphic covers
// makes the overlay paint it again (0.5–0.8 MB for a sixel), so a ticking
// spinner on those rows would resend the picture ten times a second. The
// footer, below the graphic, keeps spinning.
func (m *Model) bodySpin(spin string) string {
	if !m.graphicShown() || len(m.spinner.Spinner.Frames) == 0 {
		return spin
	}
	still := m.spinner.Spinner.Frames[0]
	if m.st.NoColor {
		return still
	}
	return m.spinner.Style.Render(still)
}

// nextImageMode is the `i` key.
func (m *Model) nextImageMode() {
	m.setStatusInfo("image mode: " + string(m.preview.NextMode()))
}

// setFull opens or closes the full-screen preview.
func (m *Model) setFull(on bool) {
	if m.preview.Full() != on {
		m.preview.SetFull(on)
		m.layout()
	}
}

// fullHelp is the help screen's key map while the full-screen preview is
// open: its own keys first, then the dashboard's.
type fullHelp struct {
	f preview.FullKeyMap
	k KeyMap
}

// ShortHelp implements help.KeyMap.
func (h fullHelp) ShortHelp() []key.Binding {
	return append(h.f.ShortHelp(), h.k.Approve, h.k.Discard, h.k.Help)
}

// FullHelp implements help.KeyMap.
func (h fullHelp) FullHelp() [][]key.Binding {
	k := h.k
	up, down, quit := k.Up, k.Down, k.Quit
	up.SetHelp(up.Help().Key, "previous snapshot (at fit)")
	down.SetHelp(down.Help().Key, "next snapshot (at fit)")
	// q goes back here; the other quit keys still quit.
	var qk []string
	for _, s := range quit.Keys() {
		if s != "q" {
			qk = append(qk, s)
		}
	}
	quit.SetHelp(strings.Join(qk, "/"), "quit")
	quit.SetEnabled(len(qk) > 0)
	return [][]key.Binding{
		{h.f.ZoomIn, h.f.ZoomOut, h.f.Fit, h.f.Pan, h.f.Back},
		{up, down, k.Top, k.Bottom},
		{k.Approve, k.Discard, k.Copy, k.Open, k.Save, k.ImageMode},
		{k.Help, quit},
	}
}

// previewBox draws the preview pane (or the full-screen preview) in r.
func (m *Model) previewBox(r rect) []string {
	return m.preview.Box(r.w, r.h, m.focus == focusPreview)
}
