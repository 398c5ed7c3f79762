package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/views/preview"
	"github.com/snapdash/snapdash/views/snapshots"
)

// previewRoom owns the preview: the picture of the selected snapshot
// (views/preview: loading, the cache, image modes, zoom), the full-screen
// preview (enter, a double click) and the image mode (i), and a pixel
// graphic's place on the terminal (the overlay). The root asks it to
// follow the selection once per Update (sync) and to draw its pane (box).
type previewRoom struct {
	*hub           // shared services (hub.go)
	*preview.Model // the picture pane

	// overlay is Options.Output when it paints pictures as pixels (sixel,
	// kitty); nil otherwise.
	overlay *termgfx.Overlay
	// snaps is the root's snapshots table: the selected row, its label
	// and its neighbours (prefetched).
	snaps *snapshots.Model
	// spinner is the root's spinner, whose first frame stands still in
	// the panes while a graphic is up (bodySpin).
	spinner *spinner.Model
	// pane is the preview pane's place in the root's layout now.
	pane func() rect
	// tooSmall reports whether the terminal is below the minimum size
	// (layout.go): nothing is drawn, so nothing loads.
	tooSmall func() bool
	// uncovered reports whether the root shows the preview pane now: the
	// main screen, laid out at a usable size, no dialog over it, not
	// quitting.
	uncovered func() bool
	// layout lays the root's panes out again, when the full-screen
	// preview opens or closes.
	layout func()
}

// pictureSize is the picture's area in cells: the preview pane inside its
// border, below the detail lines.
func (r *previewRoom) pictureSize() (cols, rows int) {
	p := r.pane()
	return max(0, p.w-2), max(0, p.h-2-r.DetailLines())
}

// selection is what the preview is asked to show now.
func (r *previewRoom) selection() preview.Selection {
	row, ok := r.snaps.Selected()
	cols, rows := r.pictureSize()
	sel := preview.Selection{Row: row, OK: ok, Cols: cols, Rows: rows, Off: r.tooSmall()}
	if ok {
		sel.Label = r.snaps.Label(row, r.opts.Now(), r.c.Spinner)
		sel.When = r.fmtTime(row.When())
		for _, d := range []int{1, -1} {
			s := *r.snaps
			s.Move(d)
			if n, ok := s.Selected(); ok && n.Snapshot.ID != row.Snapshot.ID {
				sel.Neighbours = append(sel.Neighbours, n)
			}
		}
	}
	return sel
}

// sync makes the preview follow the selection, then puts a pixel graphic
// where it belongs.
func (r *previewRoom) sync() tea.Cmd {
	cmd := r.Sync(r.selection())
	r.syncOverlay()
	return cmd
}

// graphicShown reports whether a pixel graphic (sixel, kitty) is on
// screen now, in the preview pane.
func (r *previewRoom) graphicShown() bool {
	f, _, have := r.Frame()
	return have && f.Graphic != "" && r.uncovered()
}

// syncOverlay hands a pixel graphic to the overlay at the pane's picture
// origin (computed from the layout now, so a pane that moved puts it in
// its new place), or clears it whenever it is not on screen: a dialog,
// help or the filter is open, the watch screen is up, the selection moved
// to a picture not loaded yet, or the mode became a text mode.
func (r *previewRoom) syncOverlay() {
	ov := r.overlay
	if ov == nil {
		return
	}
	if !r.graphicShown() {
		ov.Clear()
		return
	}
	f, key, _ := r.Frame()
	p := r.pane()
	ov.Place(key, p.y+1+r.DetailLines(), p.x+1, f)
}

// bodySpin is the spinner frame drawn in the panes. While a pixel graphic
// is on screen it stands still: every rewrite of a row the graphic covers
// makes the overlay paint it again (0.5–0.8 MB for a sixel), so a ticking
// spinner on those rows would resend the picture ten times a second. The
// footer, below the graphic, keeps spinning.
func (r *previewRoom) bodySpin(spin string) string {
	if !r.graphicShown() || len(r.spinner.Spinner.Frames) == 0 {
		return spin
	}
	still := r.spinner.Spinner.Frames[0]
	if r.st.NoColor {
		return still
	}
	return r.spinner.Style.Render(still)
}

// nextImageMode is the `i` key.
func (r *previewRoom) nextImageMode() {
	r.setStatusInfo("image mode: " + string(r.NextMode()))
}

// showFull opens or closes the full-screen preview, and lays the panes
// out for it.
func (r *previewRoom) showFull(on bool) {
	if r.Full() != on {
		r.SetFull(on)
		r.layout()
	}
}

// box draws the preview pane (or the full-screen preview) in b.
func (r *previewRoom) box(b rect, focused bool) []string {
	return r.Box(b.w, b.h, focused)
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
