package tui

import (
	"context"
	"image"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/preview"
)

// previewState is the picture the preview pane shows or is loading.
type previewState struct {
	seq     int
	want    string // cache key of the frame wanted
	snapID  string
	opts    preview.Options
	loading bool
	frame   preview.Frame
	have    bool
	info    preview.Info
	err     error
	cancel  context.CancelFunc
	row     int // screen position of the picture, for the overlay
	col     int
}

// previewOptions returns the render options for the current pane size.
func (m *Model) previewOptions() preview.Options {
	cols, rows := m.pictureSize()
	c := m.opts.Caps
	return preview.Options{
		Cols: cols, Rows: rows, Mode: m.imageMode(),
		Color: !m.st.NoColor, TrueColor: c.TrueColor && !m.st.NoColor,
		CellW: c.CellW, CellH: c.CellH, Zoom: 1,
	}
}

// imageMode is the mode pictures are drawn in now: the chosen one, as the
// terminal supports it; half blocks are only colour, so without colour
// (NO_COLOR) they become ASCII.
func (m *Model) imageMode() preview.Mode {
	md := m.mode.Resolve(m.opts.Caps)
	if md == preview.ModeHalfblock && m.st.NoColor {
		md = preview.ModeASCII
	}
	return md
}

// resetPreview forgets the wanted picture and stops loading it.
func (m *Model) resetPreview() {
	if m.pv.cancel != nil {
		m.pv.cancel()
	}
	m.pv = previewState{seq: m.pv.seq + 1}
}

// syncPreview makes the preview follow the selection, the pane size and
// the image mode: from the cache at once, else after the selection rested.
func (m *Model) syncPreview() tea.Cmd {
	defer m.syncOverlay()
	r, ok := m.selectedRow()
	cols, rows := m.pictureSize()
	if m.mode == ImageModeNone || !ok || r.Snapshot.State == client.StateRequested ||
		cols <= 0 || rows <= 0 || m.tooSmall() || hasTempID(r.Snapshot.ID) {
		if m.pv.want != "" || m.pv.loading {
			m.resetPreview()
		}
		return nil
	}
	o := m.previewOptions()
	key := preview.Key(r.Snapshot.ID, o)
	if key == m.pv.want {
		return nil
	}
	m.resetPreview()
	m.pv.want, m.pv.snapID, m.pv.opts = key, r.Snapshot.ID, o
	if f, ok := m.cache.Get(key); ok {
		m.pv.frame, m.pv.have = f, true
		if e, ok := m.cache.GetImage(imageKey(r.Snapshot.ID)); ok {
			m.pv.info = e.Info
		}
		return nil
	}
	m.pv.loading = true
	seq := m.pv.seq
	return tea.Tick(m.opts.PreviewDelay, func(time.Time) tea.Msg { return PreviewDueMsg{Seq: seq} })
}

func hasTempID(id string) bool { return len(id) > 8 && id[:8] == "pending-" }

func imageKey(id string) string { return "img|" + id }

// onPreviewDue fetches, decodes and renders off the UI goroutine.
func (m *Model) onPreviewDue(msg PreviewDueMsg) tea.Cmd {
	if msg.Seq != m.pv.seq || !m.pv.loading {
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.pv.cancel = cancel
	api, cache, id, key, o, seq := m.api, m.cache, m.pv.snapID, m.pv.want, m.pv.opts, m.pv.seq
	return func() tea.Msg {
		defer cancel()
		var img image.Image
		var info preview.Info
		if e, ok := cache.GetImage(imageKey(id)); ok {
			img, info = e.Image, e.Info
		} else {
			data, err := api.Download(ctx, id)
			if err != nil {
				return PreviewMsg{Seq: seq, Key: key, SnapshotID: id, Err: err}
			}
			img, info, err = preview.Decode(ctx, data.Bytes, preview.Limits{})
			if err != nil {
				return PreviewMsg{Seq: seq, Key: key, SnapshotID: id, Err: err}
			}
			cache.PutImage(imageKey(id), img, info)
		}
		f, err := preview.Render(ctx, img, o)
		if err == nil {
			cache.Put(key, f)
		}
		return PreviewMsg{Seq: seq, Key: key, SnapshotID: id, Frame: f, Info: info, Err: err}
	}
}

func (m *Model) onPreview(msg PreviewMsg) tea.Cmd {
	if msg.Seq != m.pv.seq || msg.Key != m.pv.want {
		return nil // a picture nobody waits for any more (it is cached)
	}
	m.pv.loading = false
	m.pv.cancel = nil
	if msg.Err != nil {
		if m.ctx.Err() != nil {
			return nil
		}
		m.pv.err = msg.Err
		return nil
	}
	m.pv.frame, m.pv.info, m.pv.have = msg.Frame, msg.Info, true
	return nil
}

// syncOverlay hands a pixel graphic to the overlay, or clears it while a
// dialog covers the pane.
func (m *Model) syncOverlay() {
	ov := m.opts.Overlay
	if ov == nil {
		return
	}
	if !m.pv.have || m.pv.frame.Graphic == "" || m.dialog != dialogNone || m.tooSmall() {
		ov.Clear()
		return
	}
	ov.Place(m.pv.want, m.pv.row, m.pv.col, m.pv.frame)
}
