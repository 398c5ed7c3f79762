package tui

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/views/snapshots"
)

// previewState is the picture the preview pane shows or is loading, plus
// what outlives a selection: the loader (jobs in flight, errors, infos)
// and the full-screen view's zoom and pan.
type previewState struct {
	seq     int    // bumps whenever the wanted picture changes (debounce)
	want    string // cache key of the frame wanted
	snapID  string
	opts    termgfx.Options
	loading bool // want is being fetched, decoded or rendered
	// frame is what the pane shows, drawn for frameKey: want once it is
	// loaded; while zooming or panning, the previous frame of the same
	// picture stays up until the new one is ready.
	frame    termgfx.Frame
	frameKey string
	have     bool
	info     imaging.Info
	err      error

	ld   *loader
	view fullView
}

// fullView is the full-screen preview's zoom and pan, for one snapshot.
type fullView struct {
	snapID     string
	zoom       float64 // 0 or 1: fit
	panX, panY float64 // -1..1, see termgfx.Options
	wasFull    bool    // the full-screen view was open at the last sync
}

// previewOptions returns the render options for the current pane size
// (and, full screen, the zoom and pan).
func (m *Model) previewOptions() termgfx.Options {
	cols, rows := m.pictureSize()
	c := m.opts.Caps
	o := termgfx.Options{
		Cols: cols, Rows: rows, Mode: m.imageMode(),
		Color: !m.st.NoColor, TrueColor: c.TrueColor && !m.st.NoColor,
		CellW: c.CellW, CellH: c.CellH, Zoom: 1,
	}
	if m.fullPreview && m.pv.view.zoom > 1 {
		o.Zoom, o.PanX, o.PanY = m.pv.view.zoom, m.pv.view.panX, m.pv.view.panY
	}
	return o
}

// imageMode is the mode pictures are drawn in now: the chosen one, as the
// terminal supports it; half blocks are only colour, so without colour
// (NO_COLOR) they become ASCII.
func (m *Model) imageMode() termgfx.Mode {
	md := m.mode.Resolve(m.opts.Caps)
	if md == termgfx.ModeHalfblock && m.st.NoColor {
		md = termgfx.ModeASCII
	}
	return md
}

// detailLines is how many text lines sit above the picture: state, type
// and id; time, customer and requester; full screen, the picture's size,
// bytes and type too.
func (m *Model) detailLines() int {
	if m.fullPreview {
		return 3
	}
	return 2
}

// resetPreview forgets the wanted picture. Jobs are not cancelled here:
// prefetch decides which ones are still worth finishing.
func (m *Model) resetPreview() {
	m.pv = previewState{seq: m.pv.seq + 1, ld: m.pv.ld, view: m.pv.view}
}

// hasPicture reports whether a row has a picture to show.
func hasPicture(r snapshots.Row) bool {
	return r.Snapshot.State != client.StateRequested && !hasTempID(r.Snapshot.ID)
}

// syncPreview makes the preview follow the selection, the pane size, the
// image mode and the zoom: from the cache at once (no command, so the next
// View already shows it), else after the selection rested. It also starts
// prefetching the neighbours and cancels the jobs nobody needs any more.
func (m *Model) syncPreview() tea.Cmd {
	defer m.syncOverlay()
	r, ok := m.selectedRow()
	cols, rows := m.pictureSize()
	if m.mode == ImageModeNone || !ok || !hasPicture(r) || cols <= 0 || rows <= 0 || m.tooSmall() {
		if m.pv.want != "" || m.pv.loading || m.pv.have || m.pv.err != nil {
			m.resetPreview()
		}
		return m.prefetch()
	}
	v := &m.pv.view
	if v.snapID != r.Snapshot.ID || m.fullPreview != v.wasFull {
		// Another picture, or the full-screen view opened or closed: fit.
		*v = fullView{snapID: r.Snapshot.ID, zoom: 1, wasFull: m.fullPreview}
	}
	o := m.previewOptions()
	key := termgfx.Key(r.Snapshot.ID, o)
	var cmd tea.Cmd
	if key != m.pv.want {
		cmd = m.wantPicture(r.Snapshot.ID, key, o)
	}
	return tea.Batch(cmd, m.prefetch())
}

// wantPicture makes key the wanted frame: shown now when cached, else
// adopted from a prefetch in flight, else fetched after PreviewDelay (at
// once when the decoded picture is cached: no download to spare).
func (m *Model) wantPicture(id, key string, o termgfx.Options) tea.Cmd {
	old := m.pv
	m.resetPreview()
	m.pv.want, m.pv.snapID, m.pv.opts = key, id, o
	ld := m.loader()
	clear(ld.tried)
	if f, ok := m.cache.Get(key); ok {
		m.show(key, f, ld.infos[id])
		return nil
	}
	if err := ld.failed[id]; err != nil {
		m.pv.err = err
		return nil
	}
	if old.have && old.snapID == id && old.frame.Mode == o.Mode &&
		old.frame.Cols == o.Cols && old.frame.Rows == o.Rows {
		// Zoom or pan of the picture on screen: keep it until the new
		// rendering is ready rather than flash "loading".
		m.pv.frame, m.pv.frameKey, m.pv.have, m.pv.info = old.frame, old.frameKey, true, old.info
	}
	m.pv.loading = true
	if ld.jobs[key] != nil {
		return nil // a prefetch is already on it
	}
	if e, ok := m.cache.GetImage(imageKey(id)); ok && e.Info.Covers(o.PixelBox()) {
		return m.startJob(id, key, o, false)
	}
	seq := m.pv.seq
	return m.opts.Tick(m.opts.PreviewDelay, func(time.Time) tea.Msg { return PreviewDueMsg{Seq: seq} })
}

// show puts a rendered frame in the pane.
func (m *Model) show(key string, f termgfx.Frame, info imaging.Info) {
	m.pv.frame, m.pv.frameKey, m.pv.have, m.pv.info = f, key, true, info
	m.pv.loading, m.pv.err = false, nil
}

func hasTempID(id string) bool { return len(id) > 8 && id[:8] == "pending-" }

// onPreviewDue starts loading the wanted picture once the selection rested.
func (m *Model) onPreviewDue(msg PreviewDueMsg) tea.Cmd {
	if msg.Seq != m.pv.seq || !m.pv.loading || m.loader().jobs[m.pv.want] != nil {
		return nil
	}
	return m.startJob(m.pv.snapID, m.pv.want, m.pv.opts, false)
}

// onPreview takes a job's result: the frame is already cached; it is shown
// when it is the one wanted now.
func (m *Model) onPreview(msg PreviewMsg) tea.Cmd {
	ld := m.loader()
	j := ld.jobs[msg.Key]
	current := j != nil && j.n == msg.Seq
	if current {
		delete(ld.jobs, msg.Key)
	}
	switch {
	case msg.Err == nil:
		ld.remember(msg.SnapshotID, msg.Info)
	case permanent(msg.Err):
		ld.fail(msg.SnapshotID, msg.Err)
	}
	if msg.Key != m.pv.want {
		return nil // prefetched, or nobody waits for it any more
	}
	if msg.Err != nil {
		if !current || m.ctx.Err() != nil || errors.Is(msg.Err, context.Canceled) {
			return nil // a cancelled job; another one is on it
		}
		m.pv.loading, m.pv.have, m.pv.err = false, false, msg.Err
		return nil
	}
	m.show(msg.Key, msg.Frame, msg.Info)
	return nil
}

// permanent reports whether an error comes from the picture itself, so
// trying again cannot help.
func permanent(err error) bool {
	return errors.Is(err, imaging.ErrUnsupported) || errors.Is(err, imaging.ErrTooLarge) ||
		errors.Is(err, imaging.ErrTooManyPixels)
}

// graphicShown reports whether a pixel graphic (sixel, kitty) is on
// screen now, in the preview pane.
func (m *Model) graphicShown() bool {
	return m.pv.have && m.pv.frame.Graphic != "" && m.dialog == dialogNone && m.screen == screenMain &&
		m.width > 0 && !m.tooSmall() && !m.quitting
}

// syncOverlay hands a pixel graphic to the overlay at the pane's picture
// origin (computed from the layout now, so a pane that moved puts it in
// its new place), or clears it whenever it is not on screen: a dialog,
// help or the filter is open, the watch screen is up, the selection moved
// to a picture not loaded yet, or the mode became a text mode.
func (m *Model) syncOverlay() {
	ov := m.opts.Overlay
	if ov == nil {
		return
	}
	if !m.graphicShown() {
		ov.Clear()
		return
	}
	p := m.lay.prev
	ov.Place(m.pv.frameKey, p.y+1+m.detailLines(), p.x+1, m.pv.frame)
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

// nextImageMode is the `i` key: the next mode the terminal supports that
// draws differently from the current one (without colour, half blocks
// are drawn as ASCII, so they are skipped).
func (m *Model) nextImageMode() {
	shown := m.imageMode()
	md := m.mode
	for range 4 {
		md = md.Next(m.opts.Caps)
		m.mode = md
		if m.imageMode() != shown {
			break
		}
	}
	m.setStatusInfo("image mode: " + string(m.imageMode()))
}
