package imaging

import "image"

// Per chroma value, its share (16.16 fixed point) of red, green and blue
// in color.YCbCrToRGB's formula: the same integers, looked up.
var crR, crG, cbG, cbB = func() (r, rg, bg, b [256]int32) {
	for i := range 256 {
		c := int32(i) - 128
		r[i], rg[i], bg[i], b[i] = 91881*c, -46802*c, -22554*c, 116130*c
	}
	return
}()

// clip16 is color.YCbCrToRGB's clamp of a 16.16 channel to a byte.
func clip16(v int32) uint8 {
	if uint32(v)&0xff000000 == 0 {
		return uint8(v >> 16)
	}
	return uint8(^(v >> 31))
}

// YCbCrToRGBA converts the w×h pixels of src from sp into dst's first w×h
// pixels (opaque), exactly as image/draw does (color.YCbCrToRGB), with
// each chroma sample's shares computed once for the pixels that share it.
// It reports false, converting nothing, for a subsampling it does not
// handle (4:1:1, 4:1:0) or an area outside either picture.
func YCbCrToRGBA(dst *image.RGBA, src *image.YCbCr, sp image.Point, w, h int) bool {
	var hs int // horizontal chroma subsampling shift (COffset has the vertical)
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio440:
	case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
		hs = 1
	default:
		return false
	}
	if w <= 0 || h <= 0 || !image.Rect(sp.X, sp.Y, sp.X+w, sp.Y+h).In(src.Rect) || dst.Rect.Dx() < w || dst.Rect.Dy() < h {
		return false
	}
	for y := 0; y < h; y++ {
		sy := sp.Y + y
		yrow := src.Y[src.YOffset(sp.X, sy):]
		// Pixel x's chroma is ci(x) = (sp.X+x)>>hs - sp.X>>hs past the
		// first pixel's.
		crow := src.COffset(sp.X, sy)
		cb, cr := src.Cb[crow:], src.Cr[crow:]
		out := dst.Pix[dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y+y):]
		out = out[: 4*w : 4*w]
		yrow = yrow[:w:w]
		x := 0
		if hs == 1 {
			// Two pixels to a chroma sample: its shares once per pair.
			if sp.X&1 != 0 { // the first pixel is the second of its pair
				putYCbCr(out[0:4:4], yrow[0], cb[0], cr[0])
				x = 1
			}
			for ; x+1 < w; x += 2 {
				ci := (sp.X+x)>>1 - sp.X>>1
				b, r := cb[ci], cr[ci]
				rr, gg, bb := crR[r], cbG[b]+crG[r], cbB[b]
				y0, y1 := int32(yrow[x])*0x10101, int32(yrow[x+1])*0x10101
				o := out[4*x : 4*x+8 : 4*x+8]
				o[0], o[1], o[2], o[3] = clip16(y0+rr), clip16(y0+gg), clip16(y0+bb), 0xff
				o[4], o[5], o[6], o[7] = clip16(y1+rr), clip16(y1+gg), clip16(y1+bb), 0xff
			}
		}
		if hs == 0 {
			cb, cr := cb[:w:w], cr[:w:w]
			for ; x < w; x++ {
				yy := int32(yrow[x]) * 0x10101
				b, r := cb[x], cr[x]
				o := out[4*x : 4*x+4 : 4*x+4]
				o[0], o[1], o[2], o[3] = clip16(yy+crR[r]), clip16(yy+cbG[b]+crG[r]), clip16(yy+cbB[b]), 0xff
			}
		}
		for ; x < w; x++ { // 4:2:2 and 4:2:0: an odd last pixel
			ci := (sp.X+x)>>hs - sp.X>>hs
			putYCbCr(out[4*x:4*x+4:4*x+4], yrow[x], cb[ci], cr[ci])
		}
	}
	return true
}

// putYCbCr writes one pixel's RGBA.
func putYCbCr(o []byte, y, b, r uint8) {
	yy := int32(y) * 0x10101
	o[0] = clip16(yy + crR[r])
	o[1] = clip16(yy + cbG[b] + crG[r])
	o[2] = clip16(yy + cbB[b])
	o[3] = 0xff
}
