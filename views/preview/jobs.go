package preview

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// Bounds of the picture loader.
const (
	// decodeSlots is how many pictures are decoded and rendered at once
	// per program (the shown one and the prefetched neighbours share
	// them), which bounds the memory a burst of large pictures takes.
	decodeSlots = 2
	// maxRemembered bounds the per-snapshot infos and errors kept.
	maxRemembered = 2048
)

// loader owns the picture jobs of one program. It lives in the Model and
// is only touched on the program's Update goroutine; the jobs themselves run in
// tea.Cmds and share only the cache (safe for concurrent use) and the
// decode slots.
type loader struct {
	jobs   map[string]*loadJob     // in flight, by frame key
	infos  map[string]imaging.Info // snapshot id -> picture info
	failed map[string]error        // snapshot id -> why its picture cannot be shown
	// tried holds the frame keys prefetched for the current selection, so
	// that a prefetch failing for a passing reason (network) is not retried
	// on every message; a new selection clears it.
	tried map[string]bool
	slots chan struct{}
	next  int
}

// loadJob is one picture being fetched, decoded and rendered for a frame
// key. Each has its own context, cancelled when the key is no longer the
// shown picture or a neighbour of it.
type loadJob struct {
	n        int
	snapID   string
	prefetch bool
	cancel   context.CancelFunc
}

func newLoader() *loader {
	return &loader{
		jobs: map[string]*loadJob{}, infos: map[string]imaging.Info{}, failed: map[string]error{},
		tried: map[string]bool{}, slots: make(chan struct{}, decodeSlots),
	}
}

func (l *loader) remember(id string, info imaging.Info) {
	if len(l.infos) >= maxRemembered {
		clear(l.infos)
	}
	l.infos[id] = info
}

func (l *loader) fail(id string, err error) {
	if len(l.failed) >= maxRemembered {
		clear(l.failed)
	}
	l.failed[id] = err
}

func imageKey(id string) string { return "img|" + id }
func bytesKey(id string) string { return "file|" + id }

// startJob loads the frame key of snapshot id in a tea.Cmd.
func (m *Model) startJob(id, key string, o termgfx.Options, prefetch bool) tea.Cmd {
	ld := m.ld
	ctx, cancel := context.WithCancel(m.cfg.Ctx)
	ld.next++
	j := &loadJob{n: ld.next, snapID: id, prefetch: prefetch, cancel: cancel}
	ld.jobs[key] = j
	api, cache, slots, n := m.cfg.API, m.cfg.Cache, ld.slots, j.n
	return func() tea.Msg {
		defer cancel()
		f, info, err := loadFrame(ctx, api, cache, slots, id, o)
		if err == nil {
			cache.Put(key, f)
		}
		return FrameMsg{Seq: n, Key: key, SnapshotID: id, Frame: f, Info: info, Err: err}
	}
}

// loadFrame downloads (unless cached), decodes (unless a decoded picture
// big enough is cached) and renders one picture. The download runs
// outside the decode slots, so a slow network does not hold them.
func loadFrame(ctx context.Context, api API, cache *termgfx.Cache, slots chan struct{}, id string,
	o termgfx.Options) (termgfx.Frame, imaging.Info, error) {
	e, haveImg := cache.GetImage(imageKey(id))
	haveImg = haveImg && e.Info.Covers(o.PixelBox())
	var data []byte
	if !haveImg {
		var ok bool
		if data, ok = cache.GetBytes(bytesKey(id)); !ok {
			file, err := api.Download(ctx, id)
			if err != nil {
				return termgfx.Frame{}, imaging.Info{}, err
			}
			data = file.Bytes
			cache.PutBytes(bytesKey(id), data)
		}
	}
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
	case <-ctx.Done():
		return termgfx.Frame{}, imaging.Info{}, ctx.Err()
	}
	img, info := e.Image, e.Info
	if !haveImg {
		// DecodeConfig first: over the byte or pixel limit, nothing is
		// allocated and the pane says why. A text-size pane gets a JPEG
		// decoded straight to a fraction of its size.
		var err error
		img, info, err = imaging.DecodeForBox(ctx, data, imaging.Limits{Budget: cache.Budget()}, o.PixelBox())
		if err != nil {
			return termgfx.Frame{}, info, err
		}
		cache.PutImage(imageKey(id), img, info)
	}
	f, err := termgfx.Render(ctx, img, o)
	return f, info, err
}

// neighbour is a row next to the selection, to prefetch.
type neighbour struct {
	id, key string
}

// neighbours returns the selection's neighbours that have a picture,
// keyed for options o at fit (moving resets the zoom).
func (m *Model) neighbours(o termgfx.Options) []neighbour {
	o.Zoom, o.PanX, o.PanY = 1, 0, 0
	var out []neighbour
	for _, r := range m.sel.Neighbours {
		if r.Snapshot.ID == m.snapID || !HasPicture(r) {
			continue
		}
		out = append(out, neighbour{id: r.Snapshot.ID, key: termgfx.Key(r.Snapshot.ID, o)})
	}
	return out
}

// prefetch keeps the jobs worth finishing (the shown picture and its two
// neighbours, as rendered now) and cancels the rest: the selection moved
// far, the mode or the pane changed. Once the shown picture is settled it
// starts loading the neighbours into the cache, so that moving to one
// repaints within the same Update, without a command.
func (m *Model) prefetch() tea.Cmd {
	ld := m.ld
	var near []neighbour
	if m.want != "" {
		near = m.neighbours(m.opts)
	}
	for key, j := range ld.jobs {
		keep := key == m.want
		for _, n := range near {
			keep = keep || key == n.key
		}
		if !keep {
			j.cancel()
			delete(ld.jobs, key)
		}
	}
	if m.loading || (!m.have && m.err == nil) {
		return nil // the shown picture first
	}
	o := m.opts
	o.Zoom, o.PanX, o.PanY = 1, 0, 0
	var cmds []tea.Cmd
	for _, n := range near {
		if ld.jobs[n.key] != nil || ld.failed[n.id] != nil || ld.tried[n.key] || m.cfg.Cache.Contains(n.key) {
			continue
		}
		ld.tried[n.key] = true
		cmds = append(cmds, m.startJob(n.id, n.key, o, true))
	}
	return tea.Batch(cmds...)
}
