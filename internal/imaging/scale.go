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
	// A reduction (on both axes) is an exact area average: every output
	// pixel is the mean of the source area it covers, the fractions at its
	// edges weighted. It is what the eye sees of the photo at that size:
	// no ringing, no aliasing, no drift (a box of whole pixels that drops
	// the remainder moves the picture by up to a third of a pixel, which
	// on sharp edges is a visible error).
	if r.Dx() >= dw && r.Dy() >= dh {
		err := areaResample(ctx, img, r, dst)
		return dst, err
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

// areaSpan is one output pixel's source pixels along an axis: from first,
// with 16.16 fixed-point weights summing to 1<<16.
type areaSpan struct {
	first int
	w     []int32
}

// areaSpans returns the spans of n output pixels over the source range
// [lo, hi) (in source pixels, possibly fractional; hi-lo ≥ n·0.5).
func areaSpans(lo, hi float64, n int) []areaSpan {
	out := make([]areaSpan, n)
	scale := (hi - lo) / float64(n)
	for o := range out {
		a0, a1 := lo+float64(o)*scale, lo+float64(o+1)*scale
		first := int(math.Floor(a0))
		last := int(math.Ceil(a1)) - 1
		ws := make([]int32, 0, last-first+1)
		var sum int32
		for i := first; i <= last; i++ {
			c := math.Min(a1, float64(i+1)) - math.Max(a0, float64(i))
			w := int32(math.Round(c / scale * (1 << 16)))
			ws = append(ws, w)
			sum += w
		}
		// Put the rounding remainder on the largest weight: exact total.
		big := 0
		for j, w := range ws {
			if w > ws[big] {
				big = j
			}
		}
		ws[big] += 1<<16 - sum
		out[o] = areaSpan{first, ws}
	}
	return out
}

// areaPlane area-averages the part [x0,x1)×[y0,y1) (fractional source
// pixel coordinates) of a picture of pw×ph pixels of nch interleaved 8-bit
// channels into dw×dh pixels of out (nch values each, 8.8 fixed point).
// Each worker filters the source rows its output rows need horizontally,
// keeping only the few it still needs, so memory stays a few rows
// whatever the sizes.
func areaPlane(ctx context.Context, pix []uint8, stride, nch, pw, ph int, x0, y0, x1, y1 float64, dw, dh int, out []uint16) error {
	xs, ys := areaSpans(x0, x1, dw), areaSpans(y0, y1, dh)
	ring := 0
	for _, sp := range ys {
		ring = max(ring, len(sp.w))
	}
	ring++
	rowLen := dw * nch
	return parallelRows(ctx, dh, func(a, b int) {
		rows := make([]uint32, ring*rowLen) // 8.16 fixed point
		have := make([]int, ring)
		for i := range have {
			have[i] = -1
		}
		acc := make([]uint64, rowLen)
		filtered := func(sy int) []uint32 {
			slot := sy % ring
			t := rows[slot*rowLen : (slot+1)*rowLen]
			if have[slot] == sy {
				return t
			}
			have[slot] = sy
			row := pix[min(sy, ph-1)*stride:]
			for x, sp := range xs {
				for c := 0; c < nch; c++ {
					var v uint32
					for j, w := range sp.w {
						v += uint32(w) * uint32(row[min(sp.first+j, pw-1)*nch+c])
					}
					t[x*nch+c] = v
				}
			}
			return t
		}
		for y := a; y < b; y++ {
			sp := ys[y]
			clear(acc)
			for j, w := range sp.w {
				t := filtered(sp.first + j)
				for i, v := range t {
					acc[i] += uint64(w) * uint64(v)
				}
			}
			o := out[y*rowLen : (y+1)*rowLen]
			for i, v := range acc {
				o[i] = uint16(min((v+1<<23)>>24, 0xFFFF)) // 8.32 → 8.8
			}
		}
	})
}

// areaResample area-averages the part r of img into dst (a reduction on
// both axes). JPEG's planes (luma and subsampled chroma, each over its
// own exact area) and Gray are read directly; RGBA and NRGBA channel by
// channel; anything else is converted first.
func areaResample(ctx context.Context, img image.Image, r image.Rectangle, dst *image.RGBA) error {
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	n := dw * dh
	switch s := img.(type) {
	case *image.YCbCr:
		b := s.Rect
		fx, fy := float64(r.Min.X-b.Min.X), float64(r.Min.Y-b.Min.Y)
		fx1, fy1 := float64(r.Max.X-b.Min.X), float64(r.Max.Y-b.Min.Y)
		yy, cb, cr := make([]uint16, n), make([]uint16, n), make([]uint16, n)
		if err := areaPlane(ctx, s.Y, s.YStride, 1, b.Dx(), b.Dy(), fx, fy, fx1, fy1, dw, dh, yy); err != nil {
			return err
		}
		hs, vs := chromaShift(s.SubsampleRatio)
		cw, ch := (b.Max.X+(1<<hs)-1)>>hs-b.Min.X>>hs, (b.Max.Y+(1<<vs)-1)>>vs-b.Min.Y>>vs
		off := func(v float64, sh uint, min0 int) float64 {
			return (v+float64(min0))/float64(int(1)<<sh) - float64(min0>>sh)
		}
		cx0, cx1 := off(fx, hs, b.Min.X), off(fx1, hs, b.Min.X)
		cy0, cy1 := off(fy, vs, b.Min.Y), off(fy1, vs, b.Min.Y)
		if err := areaPlane(ctx, s.Cb, s.CStride, 1, cw, ch, cx0, cy0, cx1, cy1, dw, dh, cb); err != nil {
			return err
		}
		if err := areaPlane(ctx, s.Cr, s.CStride, 1, cw, ch, cx0, cy0, cx1, cy1, dw, dh, cr); err != nil {
			return err
		}
		for i := range yy {
			// JFIF YCbCr → RGB on 8.8 fixed-point inputs.
			y1 := float32(yy[i]) / 256
			b1, r1 := float32(cb[i])/256-128, float32(cr[i])/256-128
			o := i * 4
			dst.Pix[o] = clamp8(y1 + 1.402*r1)
			dst.Pix[o+1] = clamp8(y1 - 0.344136*b1 - 0.714136*r1)
			dst.Pix[o+2] = clamp8(y1 + 1.772*b1)
			dst.Pix[o+3] = 0xFF
		}
		return nil
	case *image.Gray:
		b := s.Rect
		g := make([]uint16, n)
		if err := areaPlane(ctx, s.Pix, s.Stride, 1, b.Dx(), b.Dy(), float64(r.Min.X-b.Min.X), float64(r.Min.Y-b.Min.Y),
			float64(r.Max.X-b.Min.X), float64(r.Max.Y-b.Min.Y), dw, dh, g); err != nil {
			return err
		}
		for i, v := range g {
			c := uint8(min((uint32(v)+128)>>8, 255))
			dst.Pix[i*4], dst.Pix[i*4+1], dst.Pix[i*4+2], dst.Pix[i*4+3] = c, c, c, 0xFF
		}
		return nil
	case *image.RGBA:
		return area4(ctx, s.Pix, s.Stride, s.Rect, r, dst)
	case *image.NRGBA:
		return area4(ctx, s.Pix, s.Stride, s.Rect, r, dst)
	}
	// Other pixel types: convert the part shown (bounded by the decode
	// limits and the pixel budget), then average.
	rgba := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	stddraw.Draw(rgba, rgba.Rect, img, r.Min, stddraw.Src)
	return area4(ctx, rgba.Pix, rgba.Stride, rgba.Rect, rgba.Rect, dst)
}

// area4 area-averages a 4-bytes-per-pixel picture, channel by channel.
func area4(ctx context.Context, pix []uint8, stride int, b, r image.Rectangle, dst *image.RGBA) error {
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	out := make([]uint16, dw*dh*4)
	if err := areaPlane(ctx, pix, stride, 4, b.Dx(), b.Dy(), float64(r.Min.X-b.Min.X), float64(r.Min.Y-b.Min.Y),
		float64(r.Max.X-b.Min.X), float64(r.Max.Y-b.Min.Y), dw, dh, out); err != nil {
		return err
	}
	for y := 0; y < dh; y++ {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+dw*4]
		for i := range row {
			row[i] = uint8(min((uint32(out[y*dw*4+i])+128)>>8, 255))
		}
	}
	return nil
}

func clamp8(v float32) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}
