package termgfx

import (
	"io"
	"strconv"
	"strings"
	"sync"
)

// Overlay is an io.Writer for tea.WithOutput that lets pixel graphics live
// beside Bubble Tea v1's line renderer, which crops and diffs View() by
// line and so can neither carry a sixel sequence nor repaint one. It
// passes the renderer's bytes through unchanged and, around each write:
//
//   - before: erases the cells of a sixel graphic that was cleared or
//     replaced (erase-line does not remove pixels), deletes kitty images
//     that went away, and transmits a new kitty image (its placeholders
//     arrive in the renderer's bytes);
//   - after: paints the pending sixel graphic at its cell (save cursor,
//     CUP, graphic, restore cursor), and repaints it whenever the renderer
//     rewrote any row it covers.
//
// Rows are tracked by following the renderer's cursor movements, so the
// program must use the alternate screen. Inside tmux, kitty graphics are
// wrapped in passthrough sequences (tmux needs `allow-passthrough on`);
// sixel is sent as is for tmux 3.4+, which draws sixel itself.
//
// Overlay forwards Fd, Read and Close to the wrapped writer when it has
// them, so Bubble Tea still recognises a terminal (window size, raw mode).
type Overlay struct {
	mu    sync.Mutex
	w     io.Writer
	caps  Caps
	cur   *placement
	erase []cellRect // sixel areas to blank before the next frame
	kill  []uint32   // kitty ids to delete before the next frame
	rows  rowTracker
	buf   []byte
}

type placement struct {
	key      string
	row, col int // graphic origin on screen, 0-based
	frame    Frame
	sent     bool // kitty transmitted / sixel painted
}

type cellRect struct{ row, col, rows, cols int }

func (p *placement) rect() cellRect {
	return cellRect{p.row, p.col, max(p.frame.GraphicRows, 1), max(p.frame.GraphicCols, 1)}
}

// NewOverlay wraps the terminal's output w for a terminal with caps.
func NewOverlay(w io.Writer, caps Caps) *Overlay {
	return &Overlay{w: w, caps: caps}
}

// Place shows frame f with the pane's top-left cell at (row, col), 0-based
// screen coordinates. key identifies the picture and its rendering: placing
// the same key at the same cell again does nothing unless Invalidate was
// called. A text-mode frame (no Graphic) clears any graphic. A sixel
// graphic is painted right away (and again after any frame that rewrites
// its rows); a kitty image is transmitted right away.
func (o *Overlay) Place(key string, row, col int, f Frame) {
	if !f.Mode.IsGraphic() || f.Graphic == "" {
		o.Clear()
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	r, c := row+f.GraphicRow, col+f.GraphicCol
	if o.cur != nil && o.cur.key == key && o.cur.row == r && o.cur.col == c && o.cur.frame.Mode == f.Mode {
		return
	}
	o.dropLocked()
	o.cur = &placement{key: key, row: r, col: c, frame: f}
	// The View may not change at all (blank cells replacing blank cells,
	// or the same placeholders for a reused image id), in which case no
	// frame is written: paint or transmit now.
	_ = o.flushLocked(nil)
}

// Clear removes the graphic: a dialog opened, the selection moved, or the
// mode became a text mode.
func (o *Overlay) Clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dropLocked()
}

// Invalidate forgets what is on screen, after a resize or a screen clear:
// the graphic is painted (or transmitted) again with the next frame.
func (o *Overlay) Invalidate() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cur != nil {
		if o.cur.sent && o.cur.frame.Mode == ModeSixel {
			o.erase = append(o.erase, o.cur.rect())
		}
		o.cur.sent = false
	}
}

// Write passes the renderer's bytes through and paints around them.
func (o *Overlay) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.flushLocked(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read forwards to the wrapped writer when it is also a reader.
func (o *Overlay) Read(p []byte) (int, error) {
	if r, ok := o.w.(io.Reader); ok {
		return r.Read(p)
	}
	return 0, io.EOF
}

// Close forwards to the wrapped writer when it is a Closer.
func (o *Overlay) Close() error {
	if c, ok := o.w.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Fd returns the wrapped writer's file descriptor, or an invalid one.
func (o *Overlay) Fd() uintptr {
	if f, ok := o.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

// dropLocked schedules the removal of the current graphic.
func (o *Overlay) dropLocked() {
	if o.cur == nil {
		return
	}
	switch o.cur.frame.Mode {
	case ModeSixel:
		if o.cur.sent {
			o.erase = append(o.erase, o.cur.rect())
		}
	case ModeKitty:
		if o.cur.sent && o.cur.frame.ImageID != 0 {
			o.kill = append(o.kill, o.cur.frame.ImageID)
		}
	}
	o.cur = nil
}

// flushLocked writes the pre-frame work, frame p, and the post-frame
// painting as one write.
func (o *Overlay) flushLocked(p []byte) error {
	b := o.buf[:0]
	if len(o.erase) > 0 {
		b = append(b, "\x1b7\x1b[0m\x1b[?7l"...) // save, plain, no autowrap
		for _, r := range o.erase {
			spaces := strings.Repeat(" ", r.cols)
			for i := 0; i < r.rows; i++ {
				b = appendCUP(b, r.row+i, r.col)
				b = append(b, spaces...)
			}
		}
		b = append(b, "\x1b[?7h\x1b8"...)
		o.erase = o.erase[:0]
	}
	for _, id := range o.kill {
		b = append(b, o.wrap(KittyDelete(id))...)
	}
	o.kill = o.kill[:0]
	cur := o.cur
	if cur != nil && cur.frame.Mode == ModeKitty && !cur.sent {
		b = append(b, o.wrapKitty(cur.frame.Graphic)...)
		cur.sent = true
	}
	b = append(b, p...)
	dirty, all := o.rows.track(p)
	if cur != nil && cur.frame.Mode == ModeSixel {
		r := cur.rect()
		if !cur.sent || all || dirty.intersects(r.row, r.row+r.rows) {
			b = append(b, "\x1b7"...)
			b = appendCUP(b, r.row, r.col)
			b = append(b, cur.frame.Graphic...)
			b = append(b, "\x1b8"...)
			cur.sent = true
		}
	}
	o.buf = b[:0]
	if len(b) == 0 {
		return nil
	}
	_, err := o.w.Write(b)
	if cap(o.buf) > 4<<20 { // do not pin a huge graphic's buffer
		o.buf = nil
	}
	return err
}

// wrap wraps one escape sequence for tmux passthrough when inside tmux.
func (o *Overlay) wrap(seq string) string {
	if !o.caps.InTmux {
		return seq
	}
	return "\x1bPtmux;" + strings.ReplaceAll(seq, "\x1b", "\x1b\x1b") + "\x1b\\"
}

// wrapKitty wraps a kitty graphic for tmux when inside tmux.
func (o *Overlay) wrapKitty(g string) string {
	if !o.caps.InTmux {
		return g
	}
	return TmuxPassthrough(g)
}

// TmuxPassthrough wraps each escape string of g (the APC chunks of a kitty
// graphic) in its own tmux passthrough sequence, keeping every one small
// (tmux drops over-long ones).
func TmuxPassthrough(g string) string {
	var sb strings.Builder
	for _, part := range strings.SplitAfter(g, "\x1b\\") {
		if part != "" {
			sb.WriteString("\x1bPtmux;" + strings.ReplaceAll(part, "\x1b", "\x1b\x1b") + "\x1b\\")
		}
	}
	return sb.String()
}

func appendCUP(b []byte, row, col int) []byte {
	b = append(b, "\x1b["...)
	b = strconv.AppendInt(b, int64(row+1), 10)
	b = append(b, ';')
	b = strconv.AppendInt(b, int64(col+1), 10)
	return append(b, 'H')
}
