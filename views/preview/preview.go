// Package preview is the preview pane: the selected snapshot's details
// and its picture, loaded in the background (download, decode, render),
// cached, prefetched for the neighbours, and the full-screen view with
// zoom and pan. The root hands it what is selected (Sync) and its answers
// (Update); the picture work itself is internal/imaging and
// internal/termgfx.
package preview

import (
	"context"
	"errors"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/snapshots"
)

// ModeNone is the mode that shows no pictures.
const ModeNone termgfx.Mode = "none"

// API is what the preview downloads pictures with; *client.Client
// satisfies it.
type API interface {
	Download(ctx context.Context, snapshotID string) (client.Image, error)
}

// Config is what one program's preview needs besides its Common.
type Config struct {
	// Ctx ends every job when the program ends.
	Ctx context.Context
	API API
	// Cache holds downloaded bytes, decoded pictures and rendered frames.
	Cache *termgfx.Cache
	// Caps is what the terminal supports; Mode the chosen mode (auto
	// picks from Caps; ModeNone shows no pictures).
	Caps termgfx.Caps
	Mode termgfx.Mode
	// Quality trades fidelity for bytes ("" is fidelity).
	Quality termgfx.Quality
	// Delay is how long the selection must rest before a picture is
	// fetched; Tick schedules that rest (tea.Tick when nil).
	Delay time.Duration
	Tick  func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	// NoLocalFiles: the viewer and saving are not offered (SSH).
	NoLocalFiles bool
}

// DueMsg fires when the selection has rested long enough to fetch.
type DueMsg struct{ Seq int }

// FrameMsg carries a rendered picture (or why there is none).
type FrameMsg struct {
	Seq        int
	Key        string
	SnapshotID string
	Frame      termgfx.Frame
	Info       imaging.Info
	Err        error
}

// Selection is what the preview is asked to show: the selected row with
// its state label and time as the table shows them, its neighbours (to
// prefetch), and the picture area in cells.
type Selection struct {
	Row        snapshots.Row
	OK         bool
	Label      string // the state as the table draws it
	When       string // the row's time, formatted
	Neighbours []snapshots.Row
	Cols, Rows int
	// Off is set when no picture may be drawn now (terminal too small).
	Off bool
}

// Model is the preview of one program.
type Model struct {
	c    *common.Common
	cfg  Config
	mode termgfx.Mode
	full bool
	sel  Selection

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

	width, height int  // the pane's outer size (SetSize), border included
	focused       bool // the pane has the keyboard (SetFocused)
}

// fullView is the full-screen preview's zoom and pan, for one snapshot.
type fullView struct {
	snapID     string
	zoom       float64 // 0 or 1: fit
	panX, panY float64 // -1..1, see termgfx.Options
	wasFull    bool    // the full-screen view was open at the last sync
}

// New returns the preview of a program.
func New(c *common.Common, cfg Config) *Model {
	if cfg.Tick == nil {
		cfg.Tick = tea.Tick
	}
	if cfg.Ctx == nil {
		cfg.Ctx = context.Background()
	}
	return &Model{c: c, cfg: cfg, mode: cfg.Mode, ld: newLoader()}
}

// Full reports whether the full-screen view is open.
func (m *Model) Full() bool { return m.full }

// SetFull opens or closes the full-screen view.
func (m *Model) SetFull(on bool) { m.full = on }

// DetailLines is how many text lines sit above the picture: state, type
// and id; time, customer and requester; full screen, the picture's size,
// bytes and type too.
func (m *Model) DetailLines() int {
	if m.full {
		return 3
	}
	return 2
}

// Mode is the mode pictures are drawn in now: the chosen one, as the
// terminal supports it; half blocks are only colour, so without colour
// (NO_COLOR) they become ASCII.
func (m *Model) Mode() termgfx.Mode {
	md := m.mode.Resolve(m.cfg.Caps)
	if md == termgfx.ModeHalfblock && m.c.Styles.NoColor {
		md = termgfx.ModeASCII
	}
	return md
}

// SetMode chooses the picture mode (auto, none or a mode).
func (m *Model) SetMode(md termgfx.Mode) { m.mode = md }

// Chosen is the mode chosen (auto, none or a mode).
func (m *Model) Chosen() termgfx.Mode { return m.mode }

// NextMode is the `i` key: the next mode the terminal supports that draws
// differently from the current one (without colour, half blocks are drawn
// as ASCII, so they are skipped). It returns the mode now shown.
func (m *Model) NextMode() termgfx.Mode {
	shown := m.Mode()
	md := m.mode
	for range 4 {
		md = md.Next(m.cfg.Caps)
		m.mode = md
		if m.Mode() != shown {
			break
		}
	}
	return m.Mode()
}

// Loading reports whether the shown picture is being loaded.
func (m *Model) Loading() bool { return m.loading }

// Err is why the shown picture cannot be drawn, if it cannot.
func (m *Model) Err() error { return m.err }

// Frame returns the frame on screen and its cache key.
func (m *Model) Frame() (termgfx.Frame, string, bool) { return m.frame, m.frameKey, m.have }

// Zoom returns the full-screen zoom (1: fit) and pan.
func (m *Model) Zoom() (zoom, panX, panY float64) { return m.view.zoom, m.view.panX, m.view.panY }

// Jobs is how many pictures are being loaded (shown or prefetched).
func (m *Model) Jobs() int { return len(m.ld.jobs) }

// Failed returns why snapshot id's picture cannot be shown, once known.
func (m *Model) Failed(id string) error { return m.ld.failed[id] }

// options returns the render options for the current picture area (and,
// full screen, the zoom and pan).
func (m *Model) options() termgfx.Options {
	c := m.cfg.Caps
	o := termgfx.Options{
		Cols: m.sel.Cols, Rows: m.sel.Rows, Mode: m.Mode(),
		Color: !m.c.Styles.NoColor, TrueColor: c.TrueColor && !m.c.Styles.NoColor,
		CellW: c.CellW, CellH: c.CellH, Zoom: 1, Quality: m.cfg.Quality,
	}
	if m.full && m.view.zoom > 1 {
		o.Zoom, o.PanX, o.PanY = m.view.zoom, m.view.panX, m.view.panY
	}
	return o
}

// reset forgets the wanted picture. Jobs are not cancelled here: prefetch
// decides which ones are still worth finishing.
func (m *Model) reset() {
	m.seq++
	m.want, m.snapID, m.opts, m.loading = "", "", termgfx.Options{}, false
	m.frame, m.frameKey, m.have, m.info, m.err = termgfx.Frame{}, "", false, imaging.Info{}, nil
}

// HasPicture reports whether a row has a picture to show.
func HasPicture(r snapshots.Row) bool {
	return r.Snapshot.State != client.StateRequested && !hasTempID(r.Snapshot.ID)
}

func hasTempID(id string) bool { return len(id) > 8 && id[:8] == "pending-" }

// Sync makes the preview follow the selection, the picture area, the
// image mode and the zoom: from the cache at once (no command, so the next
// View already shows it), else after the selection rested. It also starts
// prefetching the neighbours and cancels the jobs nobody needs any more.
func (m *Model) Sync(sel Selection) tea.Cmd {
	m.sel = sel
	r := sel.Row
	if m.mode == ModeNone || !sel.OK || !HasPicture(r) || sel.Cols <= 0 || sel.Rows <= 0 || sel.Off {
		if m.want != "" || m.loading || m.have || m.err != nil {
			m.reset()
		}
		return m.prefetch()
	}
	v := &m.view
	if v.snapID != r.Snapshot.ID || m.full != v.wasFull {
		// Another picture, or the full-screen view opened or closed: fit.
		*v = fullView{snapID: r.Snapshot.ID, zoom: 1, wasFull: m.full}
	}
	o := m.options()
	key := termgfx.Key(r.Snapshot.ID, o)
	var cmd tea.Cmd
	if key != m.want {
		cmd = m.wantPicture(r.Snapshot.ID, key, o)
	}
	return tea.Batch(cmd, m.prefetch())
}

// wantPicture makes key the wanted frame: shown now when cached, else
// adopted from a prefetch in flight, else fetched after the rest delay (at
// once when the decoded picture is cached: no download to spare).
func (m *Model) wantPicture(id, key string, o termgfx.Options) tea.Cmd {
	old := *m
	m.reset()
	m.want, m.snapID, m.opts = key, id, o
	ld := m.ld
	clear(ld.tried)
	if f, ok := m.cfg.Cache.Get(key); ok {
		m.show(key, f, ld.infos[id])
		return nil
	}
	if err := ld.failed[id]; err != nil {
		m.err = err
		return nil
	}
	if old.have && old.snapID == id && old.frame.Mode == o.Mode &&
		old.frame.Cols == o.Cols && old.frame.Rows == o.Rows {
		// Zoom or pan of the picture on screen: keep it until the new
		// rendering is ready rather than flash "loading".
		m.frame, m.frameKey, m.have, m.info = old.frame, old.frameKey, true, old.info
	}
	m.loading = true
	if ld.jobs[key] != nil {
		return nil // a prefetch is already on it
	}
	if e, ok := m.cfg.Cache.GetImage(imageKey(id)); ok && e.Info.Covers(o.PixelBox()) {
		return m.startJob(id, key, o, false)
	}
	seq := m.seq
	return m.cfg.Tick(m.cfg.Delay, func(time.Time) tea.Msg { return DueMsg{Seq: seq} })
}

// show puts a rendered frame in the pane.
func (m *Model) show(key string, f termgfx.Frame, info imaging.Info) {
	m.frame, m.frameKey, m.have, m.info = f, key, true, info
	m.loading, m.err = false, nil
}

// Update takes the preview's own messages: the rest delay ended, a job
// finished; and, while the full screen is open, its keys (as Key, which
// also says whether a key was the preview's).
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case DueMsg:
		if msg.Seq != m.seq || !m.loading || m.ld.jobs[m.want] != nil {
			return m, nil
		}
		return m, m.startJob(m.snapID, m.want, m.opts, false)
	case FrameMsg:
		m.onFrame(msg)
	case tea.KeyMsg:
		if m.full {
			m.Key(msg)
		}
	}
	return m, nil
}

// SetSize sets the pane's outer size, its border included: View draws
// the box itself.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// SetFocused says whether the pane has the keyboard (its border shows it).
func (m *Model) SetFocused(f bool) { m.focused = f }

// ShortHelp implements help.KeyMap: the full-screen keys that apply now
// (KeyMap), which the footer shows while the full screen is open.
func (m *Model) ShortHelp() []key.Binding { return m.KeyMap().ShortHelp() }

// FullHelp implements help.KeyMap: every full-screen key, as the help
// lists them whether or not they apply at this zoom.
func (m *Model) FullHelp() [][]key.Binding { return DefaultFullKeyMap().FullHelp() }

var _ common.Component[*Model] = (*Model)(nil)

// onFrame takes a job's result: the frame is already cached; it is shown
// when it is the one wanted now.
func (m *Model) onFrame(msg FrameMsg) {
	ld := m.ld
	j := ld.jobs[msg.Key]
	current := j != nil && j.n == msg.Seq
	if current {
		delete(ld.jobs, msg.Key)
	}
	switch {
	case msg.Err == nil:
		ld.remember(msg.SnapshotID, msg.Info)
	case Permanent(msg.Err):
		ld.fail(msg.SnapshotID, msg.Err)
	}
	if msg.Key != m.want {
		return // prefetched, or nobody waits for it any more
	}
	if msg.Err != nil {
		if !current || m.cfg.Ctx.Err() != nil || errors.Is(msg.Err, context.Canceled) {
			return // a cancelled job; another one is on it
		}
		m.loading, m.have, m.err = false, false, msg.Err
		return
	}
	m.show(msg.Key, msg.Frame, msg.Info)
}

// Permanent reports whether an error comes from the picture itself, so
// trying again cannot help.
func Permanent(err error) bool {
	return errors.Is(err, imaging.ErrUnsupported) || tooBig(err)
}

// tooBig reports whether a picture was refused for what it would cost.
func tooBig(err error) bool {
	return errors.Is(err, imaging.ErrTooLarge) || errors.Is(err, imaging.ErrTooManyPixels) ||
		errors.Is(err, imaging.ErrTooManyScans) || errors.Is(err, imaging.ErrOverBudget)
}

// Close gives the picture cache's memory back to the shared budget.
func (m *Model) Close() { m.cfg.Cache.Close() }

// Decoded returns the info of snapshot id's decoded picture in the cache,
// if it is there (its Scale says at what fraction it was decoded).
func (m *Model) Decoded(id string) (imaging.Info, bool) {
	e, ok := m.cfg.Cache.GetImage(imageKey(id))
	return e.Info, ok
}

// Purge empties the picture cache.
func (m *Model) Purge() { m.cfg.Cache.Purge() }

// Cached reports whether the frame of key is in the cache.
func (m *Model) Cached(key string) bool { return m.cfg.Cache.Contains(key) }

// Settled reports whether the wanted picture (or why it cannot be shown)
// is on screen and no job is running.
func (m *Model) Settled() bool {
	return m.want != "" && !m.loading && (m.err != nil || m.have && m.frameKey == m.want) && len(m.ld.jobs) == 0
}

// Wanted is the cache key of the frame wanted now ("" when none).
func (m *Model) Wanted() string { return m.want }

// Loads reports whether a job is loading a picture of snapshot id.
func (m *Model) Loads(id string) bool {
	for _, j := range m.ld.jobs {
		if j.snapID == id {
			return true
		}
	}
	return false
}

// KeyFor is the cache key of snapshot id's frame at fit in the current
// picture area and mode, as a prefetch would render it.
func (m *Model) KeyFor(id string) string {
	o := m.options()
	o.Zoom, o.PanX, o.PanY = 1, 0, 0
	return termgfx.Key(id, o)
}
