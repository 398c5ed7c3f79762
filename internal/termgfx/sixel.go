package termgfx

import (
	"context"
	"image"

	"github.com/snapdash/snapdash/internal/imaging"
)

// renderSixel resizes the picture to the pixels of the cells it will cover
// and encodes it as a DEC sixel graphic with this package's encoder
// (sixelenc.go), about four times faster than go-sixel's; go-sixel's
// decoder checks it in the tests. (go-sixel's encoder Width/Height crop
// rather than scale, and its IsSupported and CellSize open /dev/tty: it is
// not used here.) Lines are blank cells the Overlay paints the graphic over.
func renderSixel(ctx context.Context, img image.Image, o Options, f *Frame) error {
	cw, ch := o.cellSize()
	paneW, paneH := o.Cols*cw, o.Rows*ch
	// A sixel band is 6 pixels tall; keep the graphic within whole bands so
	// no band spills below the pane.
	paneH -= paneH % 6
	if paneH < 6 {
		f.Lines = blankLines(o.Cols, o.Rows)
		return nil
	}
	b := img.Bounds()
	src, pw, ph := imaging.Layout(b.Dx(), b.Dy(), paneW, paneH, 1, o.Zoom, o.PanX, o.PanY)
	pw, ph = graphicSize(pw, ph, src.Dx(), src.Dy())
	if ph > 6 {
		ph -= ph % 6
	}
	px, err := imaging.Resample(ctx, img, src, pw, ph)
	if err != nil {
		return err
	}
	gfx, err := encodeSixelQ(ctx, px, o.SixelColors, o.Quality)
	if err != nil {
		return err
	}
	f.Graphic = gfx
	f.GraphicCols = min((pw+cw-1)/cw, o.Cols)
	f.GraphicRows = min((ph+ch-1)/ch, o.Rows)
	f.GraphicCol = (o.Cols - f.GraphicCols) / 2
	f.GraphicRow = (o.Rows - f.GraphicRows) / 2
	f.Lines = blankLines(o.Cols, o.Rows)
	return nil
}
