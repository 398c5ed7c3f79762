package imaging

import (
	"context"
	"image"
	"image/color"
	stddraw "image/draw"
	"math"
	"runtime"
	"sync"

	"golang.org/x/image/draw"
)

// Layout fits a picture of srcW×srcH physical pixels into a pane of
// paneW×paneH units, where one unit is unitAspect times as tall as it is
// wide, honouring zoom (≥1) and pan ([-1,1]). It returns the part of the
// source to show (relative to the source's origin) and the size in units
// it occupies. At zoom 1 the whole picture fits; zooming in grows it until
// it fills the pane, then crops around the pan centre.
func Layout(srcW, srcH, paneW, paneH int, unitAspect, zoom, panX, panY float64) (image.Rectangle, int, int) {
	if srcW <= 0 || srcH <= 0 || paneW <= 0 || paneH <= 0 {
		return image.Rectangle{}, 0, 0
	}
	if unitAspect <= 0 || math.IsNaN(unitAspect) || math.IsInf(unitAspect, 0) {
		unitAspect = 1
	}
	if !(zoom >= 1) || math.IsInf(zoom, 0) { // also catches NaN
		zoom = 1
	}
	if zoom > 64 {
		zoom = 64
	}
	panX, panY = clampPan(panX), clampPan(panY)
	sw, sh := float64(srcW), float64(srcH)
	pw, ph := float64(paneW), float64(paneH)
	dH0 := ph
	dW0 := dH0 * unitAspect * sw / sh
	if dW0 > pw {
		dW0 = pw
		dH0 = pw * sh / (sw * unitAspect)
	}
	zW, zH := dW0*zoom, dH0*zoom
	vw, vh := math.Min(zW, pw), math.Min(zH, ph)
	dw := clampInt(int(math.Round(vw)), 1, paneW)
	dh := clampInt(int(math.Round(vh)), 1, paneH)
	cw, ch := sw*vw/zW, sh*vh/zH
	cx := sw/2 + panX*(sw-cw)/2
	cy := sh/2 + panY*(sh-ch)/2
	x0 := clampInt(int(math.Round(cx-cw/2)), 0, srcW-1)
	y0 := clampInt(int(math.Round(cy-ch/2)), 0, srcH-1)
	x1 := clampInt(x0+int(math.Max(1, math.Round(cw))), x0+1, srcW)
	y1 := clampInt(y0+int(math.Max(1, math.Round(ch))), y0+1, srcH)
	return image.Rect(x0, y0, x1, y1), dw, dh
}

func clampPan(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Max(-1, math.Min(1, v))
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

// Resample returns the part r of img scaled to exactly dw×dh pixels. Large
// reductions first average fx×fy blocks straight from the decoded planes (a
// box filter: every source pixel is read once, in parallel, no aliasing),
// then golang.org/x/image/draw's Catmull-Rom kernel takes the remaining
// factor, below two, which keeps the result sharp.
func Resample(ctx context.Context, img image.Image, r image.Rectangle, dw, dh int) (*image.RGBA, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r = r.Add(img.Bounds().Min).Intersect(img.Bounds())
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	if r.Empty() || dw <= 0 || dh <= 0 {
		return dst, nil
	}
	src, sr := img, r
	// The box stage takes the integer part of the reduction on each axis
	// (they differ for text cells, which are twice as tall as wide),
	// leaving the kernel a ratio below 2; the kernel alone on a 12 MP
	// source costs seconds.
	fx, fy := max(r.Dx()/dw, 1), max(r.Dy()/dh, 1)
	boxed := fx >= 2 || fy >= 2
	if boxed {
		shrunk, err := boxShrink(ctx, img, r, fx, fy)
		if err != nil {
			return nil, err
		}
		src, sr = shrunk, shrunk.Bounds()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if sr.Dx() == dw && sr.Dy() == dh {
		stddraw.Draw(dst, dst.Bounds(), src, sr.Min, stddraw.Src)
		return dst, nil
	}
	// Catmull-Rom is sharp but costs tens of milliseconds at sixel/kitty
	// sizes (hundreds from a DCT-scaled 2000×1500). For those: after the
	// box stage the remaining ratio is small and the source already
	// averaged, so the 2×2 ApproxBiLinear looks the same (measured: same
	// sixel error, 4x faster); without it, BiLinear widens its support to
	// avoid aliasing (0.4/255 from Catmull-Rom, twice as fast).
	// The kernel scalers (CatmullRom, BiLinear) also hold a buffer of
	// dw × source height × 32 bytes: 150 MB for a 2300-pixel-wide graphic
	// from a 2000-pixel-tall source. Above a megapixel, ApproxBiLinear,
	// which needs none, keeps a render's memory to its output.
	var k draw.Interpolator = draw.CatmullRom
	if dw*dh > 64*1024 {
		k = draw.BiLinear
		if boxed || dw*dh > 1<<20 {
			k = draw.ApproxBiLinear
		}
	}
	k.Scale(dst, dst.Bounds(), src, sr, draw.Src, nil)
	return dst, nil
}

// boxShrink averages fx×fy blocks of r into a new picture of
// (r.Dx()/fx)×(r.Dy()/fy) pixels. JPEG's YCbCr, RGBA, NRGBA and Gray are
// read directly; anything else is first converted to RGBA.
func boxShrink(ctx context.Context, img image.Image, r image.Rectangle, fx, fy int) (image.Image, error) {
	ow, oh := r.Dx()/fx, r.Dy()/fy
	n := fx * fy
	switch s := img.(type) {
	case *image.YCbCr:
		out := image.NewRGBA(image.Rect(0, 0, ow, oh))
		hs, vs := chromaShift(s.SubsampleRatio)
		err := parallelRows(ctx, oh, func(y0, y1 int) {
			for oy := y0; oy < y1; oy++ {
				sy := r.Min.Y + oy*fy
				row := out.Pix[oy*out.Stride:]
				cy0, cy1 := sy>>vs-s.Rect.Min.Y>>vs, (sy+fy-1)>>vs-s.Rect.Min.Y>>vs
				for ox := 0; ox < ow; ox++ {
					sx := r.Min.X + ox*fx
					var ys int
					for y := sy; y < sy+fy; y++ {
						off := (y-s.Rect.Min.Y)*s.YStride + (sx - s.Rect.Min.X)
						for _, v := range s.Y[off : off+fx] {
							ys += int(v)
						}
					}
					cx0, cx1 := sx>>hs-s.Rect.Min.X>>hs, (sx+fx-1)>>hs-s.Rect.Min.X>>hs
					var cbs, crs, cn int
					for cy := cy0; cy <= cy1; cy++ {
						off := cy * s.CStride
						for cx := cx0; cx <= cx1; cx++ {
							cbs += int(s.Cb[off+cx])
							crs += int(s.Cr[off+cx])
						}
						cn += cx1 - cx0 + 1
					}
					rr, gg, bb := color.YCbCrToRGB(uint8((ys+n/2)/n), uint8((cbs+cn/2)/cn), uint8((crs+cn/2)/cn))
					i := ox * 4
					row[i], row[i+1], row[i+2], row[i+3] = rr, gg, bb, 0xFF
				}
			}
		})
		return out, err
	case *image.Gray:
		out := image.NewGray(image.Rect(0, 0, ow, oh))
		err := parallelRows(ctx, oh, func(y0, y1 int) {
			for oy := y0; oy < y1; oy++ {
				sy := r.Min.Y + oy*fy
				for ox := 0; ox < ow; ox++ {
					sx := r.Min.X + ox*fx
					var sum int
					for y := sy; y < sy+fy; y++ {
						off := s.PixOffset(sx, y)
						for _, v := range s.Pix[off : off+fx] {
							sum += int(v)
						}
					}
					out.Pix[oy*out.Stride+ox] = uint8((sum + n/2) / n)
				}
			}
		})
		return out, err
	case *image.RGBA:
		out := image.NewRGBA(image.Rect(0, 0, ow, oh))
		err := shrink4(ctx, s.Pix, s.Stride, s.PixOffset(r.Min.X, r.Min.Y), out.Pix, out.Stride, ow, oh, fx, fy)
		return out, err
	case *image.NRGBA:
		out := image.NewNRGBA(image.Rect(0, 0, ow, oh))
		err := shrink4(ctx, s.Pix, s.Stride, s.PixOffset(r.Min.X, r.Min.Y), out.Pix, out.Stride, ow, oh, fx, fy)
		return out, err
	}
	// Other pixel types (paletted GIF, 16-bit PNG, WebP with alpha):
	// convert one strip of fy rows at a time, so that a large picture is
	// never copied whole.
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	strip := image.NewRGBA(image.Rect(0, 0, ow*fx, fy))
	for oy := 0; oy < oh; oy++ {
		if oy%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		stddraw.Draw(strip, strip.Bounds(), img, image.Pt(r.Min.X, r.Min.Y+oy*fy), stddraw.Src)
		if err := shrink4(ctx, strip.Pix, strip.Stride, 0, out.Pix[oy*out.Stride:], out.Stride, ow, 1, fx, fy); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// shrink4 box-averages a 4-bytes-per-pixel buffer starting at offset base.
func shrink4(ctx context.Context, pix []byte, stride, base int, out []byte, ostride, ow, oh, fx, fy int) error {
	return parallelRows(ctx, oh, func(y0, y1 int) {
		n := fx * fy
		for oy := y0; oy < y1; oy++ {
			for ox := 0; ox < ow; ox++ {
				var s0, s1, s2, s3 int
				for y := 0; y < fy; y++ {
					off := base + (oy*fy+y)*stride + ox*fx*4
					p := pix[off : off+fx*4]
					for i := 0; i < len(p); i += 4 {
						s0 += int(p[i])
						s1 += int(p[i+1])
						s2 += int(p[i+2])
						s3 += int(p[i+3])
					}
				}
				o := oy*ostride + ox*4
				out[o] = uint8((s0 + n/2) / n)
				out[o+1] = uint8((s1 + n/2) / n)
				out[o+2] = uint8((s2 + n/2) / n)
				out[o+3] = uint8((s3 + n/2) / n)
			}
		}
	})
}

// chromaShift returns how many bits luma coordinates shift right to give
// chroma coordinates for a subsample ratio.
func chromaShift(r image.YCbCrSubsampleRatio) (h, v uint) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 1, 0
	case image.YCbCrSubsampleRatio420:
		return 1, 1
	case image.YCbCrSubsampleRatio440:
		return 0, 1
	case image.YCbCrSubsampleRatio411:
		return 2, 0
	case image.YCbCrSubsampleRatio410:
		return 2, 1
	}
	return 0, 0
}

// parallelRows runs fn over [0,rows) split into contiguous chunks, one per
// CPU, and reports ctx's error if it was cancelled meanwhile. Chunks check
// ctx so a cancelled render stops within one chunk row.
func parallelRows(ctx context.Context, rows int, fn func(y0, y1 int)) error {
	workers := runtime.GOMAXPROCS(0)
	if workers > rows/8 {
		workers = max(1, rows/8)
	}
	if workers == 1 {
		fn(0, rows)
		return ctx.Err()
	}
	var wg sync.WaitGroup
	step := (rows + workers - 1) / workers
	for y := 0; y < rows; y += step {
		y0, y1 := y, min(y+step, rows)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Split each worker's share further so cancellation is seen
			// promptly on very large pictures.
			for a := y0; a < y1; a += 16 {
				if ctx.Err() != nil {
					return
				}
				fn(a, min(a+16, y1))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
