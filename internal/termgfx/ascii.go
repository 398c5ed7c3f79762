package termgfx

import (
	"context"
	"image"
	"strings"

	"github.com/qeesung/image2ascii/convert"

	"github.com/snapdash/snapdash/internal/imaging"
)

// renderASCII draws the picture as characters with image2ascii. The picture
// is downscaled here first (image2ascii's own Lanczos resize is slow on
// camera-sized pictures) to exactly the cells it will occupy, and
// image2ascii is told that fixed size with FitScreen off: left to itself it
// runs `stty size` and log.Fatal's when there is no terminal, as under SSH
// or in tests. Its coloured output ignores the colour profile, so the
// characters and colours come from Image2CharPixelMatrix and are styled
// here, only when Color is set.
func renderASCII(ctx context.Context, img image.Image, o Options, f *Frame) error {
	b := img.Bounds()
	src, dw, dh := imaging.Layout(b.Dx(), b.Dy(), o.Cols, o.Rows, o.cellAspect(), o.Zoom, o.PanX, o.PanY)
	px, err := imaging.Resample(ctx, img, src, dw, dh)
	if err != nil {
		return err
	}
	conv := convert.NewImageConverter()
	opts := convert.Options{
		Ratio:       1,
		FixedWidth:  dw,
		FixedHeight: dh,
		FitScreen:   false,
		Colored:     false,
	}
	matrix := conv.Image2CharPixelMatrix(px, &opts)
	if err := ctx.Err(); err != nil {
		return err
	}
	ox := (o.Cols - dw) / 2
	oy := (o.Rows - dh) / 2
	lines := make([]string, o.Rows)
	blank := strings.Repeat(" ", o.Cols)
	var sb strings.Builder
	for row := range lines {
		y := row - oy
		if y < 0 || y >= len(matrix) {
			lines[row] = blank
			continue
		}
		sb.Reset()
		sb.WriteString(blank[:ox])
		e := newSGREncoderFor(&sb, o, matchDeltaE)
		line := matrix[y]
		for x := 0; x < dw; x++ {
			ch := byte(' ')
			var c rgb
			if x < len(line) {
				ch = line[x].Char
				c = rgb{line[x].R, line[x].G, line[x].B}
			}
			// A space shows no foreground: it keeps whatever is set.
			if o.Color && ch != ' ' {
				e.fgOnly(string(rune(ch)), newTarget(c))
			} else {
				sb.WriteByte(ch)
			}
		}
		e.end()
		sb.WriteString(blank[:o.Cols-ox-dw])
		lines[row] = sb.String()
	}
	f.Lines = lines
	return nil
}
