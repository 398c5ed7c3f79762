package imaging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
)

// reduceAbove is the picture size (pixels) above which a full decode for a
// box is shrunk at once to scaleMargin times the box's size: the
// full-size pixels are then
// released instead of being cached (a 50 MP picture is 200 MB as RGBA).
const reduceAbove = 4_000_000

// shrinkLimit returns by how much a w×h picture can shrink on each side
// and still fill a bw×bh box: fitting scales by min(bw/w, bh/h), so any
// reduction up to max(w/bw, h/bh) keeps the pixels the box shows.
func shrinkLimit(w, h, bw, bh int) float64 {
	return math.Max(float64(w)/float64(bw), float64(h)/float64(bh))
}

// checkJPEGWork walks the JPEG's markers and refuses, before any decode,
// a file whose scans would cost far more than a camera's picture.
func checkJPEGWork(data []byte, cfg image.Config, lim Limits) (jpegLayout, error) {
	jl, err := walkJPEG(data)
	if err != nil {
		return jl, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if jl.scans > lim.MaxScans {
		return jl, fmt.Errorf("%w: %d scans (cameras write at most a few dozen), the limit is %d",
			ErrTooManyScans, jl.scans, lim.MaxScans)
	}
	work := int64(cfg.Width) * int64(cfg.Height) * int64(max(jl.scans, 1))
	if work > lim.MaxScanWork {
		return jl, fmt.Errorf("%w: %d scans of %.1f MP is too much decoding work (limit %.0f megapixel-scans)",
			ErrTooManyScans, jl.scans, float64(cfg.Width)*float64(cfg.Height)/1e6, float64(lim.MaxScanWork)/1e6)
	}
	return jl, nil
}

// decodeJPEGFast tries the reduced-size decoder for box and returns the
// picture and its reduction. It returns a nil picture (and no error) when
// the full decoder must do the work.
func decodeJPEGFast(ctx context.Context, data []byte, cfg image.Config, lim Limits, box image.Point) (image.Image, int, error) {
	s := jpegScale(cfg.Width, cfg.Height, box.X, box.Y)
	if s <= 1 {
		return nil, 1, nil
	}
	// Planes at 1/s² of full size, at most three bytes a pixel.
	release, err := lim.Budget.Acquire(ctx, 3*int64(cfg.Width)*int64(cfg.Height)/int64(s*s)+64<<10)
	if err != nil {
		return nil, 1, err
	}
	defer release()
	small, err := decodeJPEGReduced(ctx, data, s, lim.MaxPixels, image.Pt(cfg.Width, cfg.Height))
	if small, err = fastOrFallBack(ctx, small, err); small == nil {
		return nil, 1, err
	}
	// The frame decoded must be the one the header check passed: a file
	// whose fast-decoded frame differs is left to image/jpeg.
	if b := small.Bounds(); b.Dx() != (cfg.Width+s-1)/s || b.Dy() != (cfg.Height+s-1)/s {
		return nil, 1, nil
	}
	return small, s, nil
}

// fastOrFallBack sorts the fast decoder's outcome: the picture; or an
// error that ends the decode (over the pixel limit, or ctx done); or
// neither, for image/jpeg to decode the file instead.
func fastOrFallBack(ctx context.Context, img image.Image, err error) (image.Image, error) {
	switch {
	case err == nil:
		return img, nil
	case errors.Is(err, ErrTooManyPixels):
		return nil, err
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	return nil, nil
}

// decodeFull decodes with the standard decoders, within the budget, and
// shrinks a large picture to what box needs right away. It returns the
// picture and the reduction applied (1 for none).
func decodeFull(ctx context.Context, data []byte, format string, cfg image.Config, jl jpegLayout,
	orientation int, lim Limits, box image.Point) (image.Image, int, error) {
	px := int64(cfg.Width) * int64(cfg.Height)
	f := 1
	if box.X > 0 && box.Y > 0 && px > reduceAbove {
		// Keep scaleMargin pixels per shown pixel, as for a reduced JPEG
		// decode: the render's exact area average then decides each
		// shown pixel, not this shrink's whole-pixel blocks.
		f = max(int(shrinkLimit(cfg.Width, cfg.Height, box.X, box.Y)/scaleMargin), 1)
	}
	cost := decodeCost(data, format, cfg, jl)
	if f > 1 {
		cost += 4 * px / int64(f*f) // the reduced copy
	}
	if orientation > 1 {
		cost += 8 * px / int64(f*f) // orient's RGBA input and output
	}
	release, err := lim.Budget.Acquire(ctx, cost)
	if err != nil {
		if errors.Is(err, ErrOverBudget) {
			return nil, 1, fmt.Errorf("%w (a %dx%d %s)", err, cfg.Width, cfg.Height, format)
		}
		return nil, 1, err
	}
	defer release()
	var img image.Image
	if format == "jpeg" && jl.frames == 1 && jl.scans == 1 {
		// A plain baseline JPEG (what cameras and phones write) decodes
		// here to image/jpeg's exact samples, about 1.6 times faster;
		// anything else falls back to image/jpeg. (jl is the marker walk
		// decodeJPEGReduced would make: one frame, one scan.)
		img, err = decodeJPEGFrame(ctx, data, 1, lim.MaxPixels, image.Pt(cfg.Width, cfg.Height))
		if img, err = fastOrFallBack(ctx, img, err); err != nil {
			return nil, 1, err
		}
	}
	if img == nil {
		img, _, err = image.Decode(&ctxReader{ctx: ctx, r: bytes.NewReader(data)})
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, 1, ctx.Err()
		}
		return nil, 1, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	b := img.Bounds()
	// Some decoders (GIF frames) may disagree with the header; trust the
	// pixels, but never more than the limit.
	if int64(b.Dx())*int64(b.Dy()) > int64(lim.MaxPixels) {
		return nil, 1, tooManyPixels(b.Dx(), b.Dy(), lim.MaxPixels)
	}
	if f > 1 && b.Dx() >= f && b.Dy() >= f {
		small, err := boxShrink(ctx, img, image.Rect(0, 0, b.Dx()/f*f, b.Dy()/f*f), f, f)
		if err != nil {
			return nil, 1, err
		}
		return small, f, nil
	}
	return img, 1, nil
}

// decodeCost estimates the peak bytes the standard decoder allocates for a
// picture, from its header: the pixels it returns plus its working
// buffers (a progressive JPEG keeps every DCT coefficient, four bytes per
// sample; an interlaced PNG assembles its passes).
func decodeCost(data []byte, format string, cfg image.Config, jl jpegLayout) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	const slack = 1 << 20
	switch format {
	case "jpeg":
		// Samples per pixel over all components, with chroma subsampled.
		spp := 1.0
		if jl.comps > 1 && jl.hmax > 0 && jl.vmax > 0 {
			spp += float64(jl.comps-1) / float64(jl.hmax*jl.vmax)
		}
		if jl.comps == 4 {
			spp = 4 + 4 // CMYK, converted to RGBA
		}
		bytesPP := spp
		if jl.progressive {
			bytesPP = 5 * spp
		}
		return int64(float64(px)*bytesPP) + slack
	case "png":
		bpp := int64(4)
		switch cfg.ColorModel {
		case color.GrayModel, color.AlphaModel:
			bpp = 1
		case color.Gray16Model, color.Alpha16Model:
			bpp = 2
		case color.RGBA64Model, color.NRGBA64Model:
			bpp = 8
		}
		if _, ok := cfg.ColorModel.(color.Palette); ok {
			bpp = 1
		}
		n := px * bpp * 3 / 2
		if len(data) > 28 && data[28] == 1 { // IHDR interlace method: Adam7
			n += px * bpp
		}
		return n + slack
	case "gif":
		return 2*px + slack
	}
	return 6*px + slack // webp, bmp: RGBA or YCbCr with alpha, and buffers
}

// ctxReader fails reads once ctx is done, so a standard decoder, which
// reads its input as it goes, stops soon after a cancel rather than
// running a slow decode to the end. Reads are kept short (a progressive
// scan can be a few bytes, each visiting every block), so the check runs
// often.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > 512 {
		p = p[:512]
	}
	return c.r.Read(p)
}
