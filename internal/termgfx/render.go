package termgfx

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/snapdash/snapdash/internal/imaging"
)

// Default cell size in pixels, used for pixel modes when the terminal did
// not report one (a common 10×20 font cell).
const (
	DefaultCellW = 10
	DefaultCellH = 20
)

// Options describe how to render a picture into a pane.
type Options struct {
	// Cols and Rows are the pane size in cells.
	Cols, Rows int
	// Mode is the rendering mode; auto is treated as halfblock, so resolve
	// it with Mode.Resolve first.
	Mode Mode
	// Color makes ASCII output coloured (SGR foreground per character).
	Color bool
	// TrueColor selects 24-bit SGR colours; otherwise the nearest xterm
	// 256-colour palette entry is used (halfblock, coloured ASCII).
	TrueColor bool
	// Colors16 limits colours (when TrueColor is false) to the 16 ANSI
	// colours (SGR 30–37, 90–97 and their backgrounds), dithered, for
	// terminals without the 256-colour palette.
	Colors16 bool
	// CellW and CellH are the cell size in pixels when known; 0 assumes a
	// 1:2 cell (10×20 px for the pixel modes).
	CellW, CellH int
	// Zoom is 1 to fit the whole picture; above 1 it zooms in.
	Zoom float64
	// PanX and PanY move the view centre when zoomed: -1 shows the left
	// (top) edge, 1 the right (bottom) edge.
	PanX, PanY float64
	// ImageID is the kitty image id (1..2^32-1); 0 means 1. Ids below 256
	// are encoded as a 256-colour foreground, which survives terminals and
	// multiplexers without true colour.
	ImageID uint32
	// SixelColors is the palette size for sixel (2..256, default 256).
	SixelColors int
	// Quality trades fidelity for bytes; "" is QualityFidelity.
	Quality Quality
}

// Frame is a rendered picture, ready for View and the Overlay.
type Frame struct {
	// Lines are exactly Rows strings, each exactly Cols cells wide, that go
	// in View(): the picture itself for ascii and halfblock, placeholder
	// cells for kitty, blank cells for sixel.
	Lines []string
	// Graphic is the escape sequence the Overlay paints: a sixel DCS drawn
	// at the pane origin plus (GraphicRow, GraphicCol), or the kitty
	// transmit APC. Empty for text modes.
	Graphic string
	// GraphicRow and GraphicCol offset the sixel graphic inside the pane,
	// in cells, to centre it.
	GraphicRow, GraphicCol int
	// GraphicRows and GraphicCols are the cells the graphic covers.
	GraphicRows, GraphicCols int
	// ImageID is the kitty image id used (kitty mode only).
	ImageID uint32
	// Mode is the mode used.
	Mode Mode
	// Cols and Rows are the pane size rendered for.
	Cols, Rows int
}

// String joins the lines, for a View.
func (f Frame) String() string { return strings.Join(f.Lines, "\n") }

// Size returns how many bytes the frame holds, for the cache.
func (f Frame) Size() int64 {
	n := len(f.Graphic) + 64
	for _, l := range f.Lines {
		n += len(l) + 16
	}
	return int64(n)
}

// Render draws img into a pane of o.Cols×o.Rows cells. It honours ctx
// between the expensive stages. A pane with no area gives an empty Frame.
func Render(ctx context.Context, img image.Image, o Options) (Frame, error) {
	if img == nil {
		return Frame{}, errors.New("preview: nil picture")
	}
	if o.Mode == ModeAuto || o.Mode == "" {
		o.Mode = ModeHalfblock
	}
	f := Frame{Mode: o.Mode, Cols: max(o.Cols, 0), Rows: max(o.Rows, 0)}
	if o.Cols <= 0 || o.Rows <= 0 {
		return f, nil
	}
	if err := ctx.Err(); err != nil {
		return f, err
	}
	if img.Bounds().Empty() {
		f.Lines = blankLines(o.Cols, o.Rows)
		return f, nil
	}
	if err := checkTextFrame(o.Cols, o.Rows); err != nil {
		return f, err
	}
	var err error
	switch o.Mode {
	case ModeASCII:
		err = renderASCII(ctx, img, o, &f)
	case ModeHalfblock:
		err = renderHalfblock(ctx, img, o, &f)
	case ModeSixel:
		err = renderSixel(ctx, img, o, &f)
	case ModeKitty:
		err = renderKitty(ctx, img, o, &f)
	default:
		return f, fmt.Errorf("preview: unknown mode %q", o.Mode)
	}
	if err == nil && f.Size() > MaxFrameBytes {
		err = fmt.Errorf("%w: %s, the limit is %s", ErrFrameTooLarge, imaging.HumanBytes(f.Size()), imaging.HumanBytes(MaxFrameBytes))
	}
	if err != nil {
		return Frame{Mode: o.Mode, Cols: o.Cols, Rows: o.Rows}, err
	}
	return f, nil
}

// PixelBox returns how many source pixels, in square-pixel units, the
// pane shows across and down at o.Zoom: Cols×CellW by Rows×CellH for
// sixel and kitty; for text modes one sample per cell column and the same
// aspect (Rows×CellH/CellW down). Pass it to imaging.DecodeForBox and
// imaging.Info.Covers.
func (o Options) PixelBox() image.Point {
	if o.Cols <= 0 || o.Rows <= 0 {
		return image.Point{}
	}
	z := o.Zoom
	if !(z >= 1) || math.IsInf(z, 0) {
		z = 1
	}
	z = math.Min(z, 64)
	var w, h float64
	switch o.Mode {
	case ModeSixel, ModeKitty:
		cw, ch := o.cellSize()
		w, h = float64(o.Cols*cw), float64(o.Rows*ch)
	default:
		w, h = float64(o.Cols), float64(o.Rows)*o.cellAspect()
	}
	return image.Pt(int(math.Ceil(w*z)), int(math.Ceil(h*z)))
}

// cellSize returns the cell size to assume for pixel modes, within the
// bounds of ClampCell whatever the options say.
func (o Options) cellSize() (int, int) {
	if o.CellW > 0 && o.CellH > 0 {
		return ClampCell(o.CellW, o.CellH)
	}
	return DefaultCellW, DefaultCellH
}

// cellAspect returns a cell's height divided by its width.
func (o Options) cellAspect() float64 {
	w, h := o.cellSize()
	return float64(h) / float64(w)
}

func blankLines(cols, rows int) []string {
	lines := make([]string, rows)
	blank := strings.Repeat(" ", cols)
	for i := range lines {
		lines[i] = blank
	}
	return lines
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Fit returns the cells, at most o.Cols×o.Rows, that a w×h picture fills
// at zoom 1 in o.Mode: the pane to render it into so that it has no blank
// margin, as `snapdash show` prints it.
func Fit(w, h int, o Options) (cols, rows int) {
	if w <= 0 || h <= 0 || o.Cols <= 0 || o.Rows <= 0 {
		return 0, 0
	}
	switch o.Mode {
	case ModeSixel, ModeKitty:
		cw, ch := o.cellSize()
		_, pw, ph := imaging.Layout(w, h, o.Cols*cw, o.Rows*ch, 1, 1, 0, 0)
		pw, ph = graphicSize(pw, ph, w, h)
		return min((pw+cw-1)/cw, o.Cols), min((ph+ch-1)/ch, o.Rows)
	case ModeASCII:
		_, dw, dh := imaging.Layout(w, h, o.Cols, o.Rows, o.cellAspect(), 1, 0, 0)
		return dw, dh
	default:
		_, dw, dh := imaging.Layout(w, h, o.Cols, o.Rows*2, o.cellAspect()/2, 1, 0, 0)
		return dw, (dh + 1) / 2
	}
}
