package termgfx

import (
	"context"
	"image"
	"image/draw"

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
	// Within a pixel of the picture's own size (the fit's rounding):
	// its own size, if the pane holds it.
	if sw, sh := src.Dx(), src.Dy(); sw <= paneW && sh <= paneH && sw-pw <= 1 && sh-ph <= 1 {
		pw, ph = sw, sh
	}
	// A height that is not whole bands leaves the last band's lower rows
	// transparent (P2=1): that band still ends within the pane (paneH is
	// whole bands), in the picture's own cells or, by under 6 px, in the
	// blank row below them, so a picture that fits is drawn pixel for
	// pixel rather than squeezed by a row or two.
	var px *image.RGBA
	if pw == src.Dx() && ph == src.Dy() {
		// Shown at its own size: converted, not resampled (JPEG's YCbCr
		// by imaging.YCbCrToRGBA, image/draw's pixels a quarter faster;
		// grey planes by image/draw). A PNG's
		// non-premultiplied colours are copied as they are, as
		// Resample keeps them: a half-transparent edge pixel, drawn
		// opaque, keeps its colour rather than darkening.
		px = image.NewRGBA(image.Rect(0, 0, pw, ph))
		if n, ok := img.(*image.NRGBA); ok {
			for y := 0; y < ph; y++ {
				o := n.PixOffset(b.Min.X+src.Min.X, b.Min.Y+src.Min.Y+y)
				copy(px.Pix[y*px.Stride:y*px.Stride+pw*4], n.Pix[o:o+pw*4])
			}
		} else if y, ok := img.(*image.YCbCr); !ok || !imaging.YCbCrToRGBA(px, y, src.Min.Add(b.Min), pw, ph) {
			draw.Draw(px, px.Rect, img, src.Min.Add(b.Min), draw.Src)
		}
	} else {
		var err error
		if px, err = imaging.Resample(ctx, img, src, pw, ph); err != nil {
			return err
		}
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
