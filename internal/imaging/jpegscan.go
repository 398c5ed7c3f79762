package imaging

import (
	"context"
	"image"
	"math"
)

// decodeScan decodes the entropy-coded segment that follows the SOS
// header, writing every block at 1/scale into planes, and wraps the planes
// as an image.YCbCr (or image.Gray).
func decodeScan(ctx context.Context, data []byte, comps []jpegComp, qt *[4][64]int32,
	dc, ac *[4]huffTable, width, height, restartEach, scale int) (image.Image, error) {
	hmax, vmax := 1, 1
	for _, c := range comps {
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return nil, errFastJPEG
		}
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	var ratio image.YCbCrSubsampleRatio
	if len(comps) == 1 {
		// A single-component scan is not interleaved: one block per MCU.
		comps[0].h, comps[0].v, hmax, vmax = 1, 1, 1, 1
	} else {
		if comps[1].h != 1 || comps[1].v != 1 || comps[2].h != 1 || comps[2].v != 1 {
			return nil, errFastJPEG
		}
		switch [2]int{comps[0].h, comps[0].v} {
		case [2]int{1, 1}:
			ratio = image.YCbCrSubsampleRatio444
		case [2]int{2, 1}:
			ratio = image.YCbCrSubsampleRatio422
		case [2]int{2, 2}:
			ratio = image.YCbCrSubsampleRatio420
		case [2]int{1, 2}:
			ratio = image.YCbCrSubsampleRatio440
		case [2]int{4, 1}:
			ratio = image.YCbCrSubsampleRatio411
		case [2]int{4, 2}:
			ratio = image.YCbCrSubsampleRatio410
		default:
			return nil, errFastJPEG
		}
	}
	bs := 8 / scale // output pixels per block side
	mcusX := (width + 8*hmax - 1) / (8 * hmax)
	mcusY := (height + 8*vmax - 1) / (8 * vmax)
	for i := range comps {
		c := &comps[i]
		c.stride = mcusX * c.h * bs
		c.out = make([]byte, c.stride*mcusY*c.v*bs)
	}
	var mat [][8]float32
	if scale > 1 {
		mat = reducedIDCT(bs)
	}
	br := bitReader{data: data}
	var preds [3]int32
	var coef [64]float32
	var blk [64]int32
	mcu := 0
	for my := 0; my < mcusY; my++ {
		if my%8 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for mx := 0; mx < mcusX; mx++ {
			if restartEach > 0 && mcu > 0 && mcu%restartEach == 0 {
				if err := br.restart(); err != nil {
					return nil, err
				}
				preds = [3]int32{}
			}
			mcu++
			for ci := range comps {
				c := &comps[ci]
				q := &qt[c.tq]
				for by := 0; by < c.v; by++ {
					for bx := 0; bx < c.h; bx++ {
						t, err := br.decode(&dc[c.td])
						if err != nil || t > 11 {
							return nil, errFastJPEG
						}
						preds[ci] += br.receive(t)
						dcv := preds[ci] * q[0]
						off := (my*c.v+by)*bs*c.stride + (mx*c.h+bx)*bs
						if bs == 1 {
							// 1/8: the block's mean is its DC term; the AC
							// terms are only read past.
							if _, err := br.blockAC(&ac[c.ta], q, nil); err != nil {
								return nil, err
							}
							c.out[off] = clampByte(128 + (dcv+4)>>3)
							continue
						}
						blk = [64]int32{}
						blk[0] = dcv
						rows, err := br.blockAC(&ac[c.ta], q, &blk)
						if err != nil {
							return nil, err
						}
						if bs == 8 {
							// Full size: image/jpeg's integer IDCT, so the
							// samples are exactly its own.
							idctFull(&blk, rows|1, rows == 0, c.out[off:], c.stride)
							continue
						}
						coef = [64]float32{}
						rows |= 1 // bit v set: row v has a non-zero term
						for v := 0; v < 8; v++ {
							if rows&(1<<v) != 0 {
								for i := v * 8; i < v*8+8; i++ {
									coef[i] = float32(blk[i])
								}
							}
						}
						idctReduced(&coef, rows, mat, bs, c.out[off:], c.stride)
					}
				}
			}
		}
		if br.padded > 64 { // ran far past the end of the scan: truncated
			return nil, errFastJPEG
		}
	}
	w, h := (width+scale-1)/scale, (height+scale-1)/scale
	if len(comps) == 1 {
		return &image.Gray{Pix: comps[0].out, Stride: comps[0].stride, Rect: image.Rect(0, 0, w, h)}, nil
	}
	return &image.YCbCr{
		Y: comps[0].out, Cb: comps[1].out, Cr: comps[2].out,
		YStride: comps[0].stride, CStride: comps[1].stride,
		SubsampleRatio: ratio, Rect: image.Rect(0, 0, w, h),
	}, nil
}

// blockAC reads a block's AC terms with table h and, unless blk is nil
// (a 1/8 decode needs the DC term alone), writes them dequantized by q
// into blk in natural order (the caller has cleared it). It returns the
// rows holding a term (bit v: row v), 0 for a block of its DC term alone.
// An EOB run (EOBn, progressive only: image/jpeg reads it as a run) or a
// run past the block's end is left to image/jpeg.
func (b *bitReader) blockAC(h *huffTable, q *[64]int32, blk *[64]int32) (rows uint8, err error) {
	for k := 1; k < 64; k++ {
		rs, err := b.decode(h)
		if err != nil {
			return 0, errFastJPEG
		}
		r, s := rs>>4, rs&15
		if s == 0 {
			if r == 0 {
				break // EOB
			}
			if r != 15 { // EOBn
				return 0, errFastJPEG
			}
			k += 15 // ZRL: sixteen zeros
			continue
		}
		if k += r; k > 63 {
			return 0, errFastJPEG
		}
		if blk == nil {
			b.skip(s)
			continue
		}
		nat := unzigzag[k]
		blk[nat] = b.receive(s) * q[k]
		rows |= 1 << (nat >> 3)
	}
	return rows, nil
}

// reducedIDCT returns the bs×8 matrix that turns 8 DCT terms into the
// means of bs equal groups of the 8 samples: the exact box average of the
// full inverse DCT, so 1/2 and 1/4 scale match decoding then averaging.
func reducedIDCT(bs int) [][8]float32 {
	m := make([][8]float32, bs)
	group := 8 / bs
	for g := 0; g < bs; g++ {
		for u := 0; u < 8; u++ {
			a := 0.5
			if u == 0 {
				a = 1 / math.Sqrt(8)
			}
			var sum float64
			for x := g * group; x < (g+1)*group; x++ {
				sum += math.Cos(float64(2*x+1) * float64(u) * math.Pi / 16)
			}
			m[g][u] = float32(a * sum / float64(group))
		}
	}
	return m
}

// idctReduced writes the bs×bs reduced block of coef (natural order) to
// out with the given stride; rows flags the non-zero coefficient rows.
func idctReduced(coef *[64]float32, rows uint8, mat [][8]float32, bs int, out []byte, stride int) {
	var tmp [8][4]float32 // tmp[v][gx]
	for v := 0; v < 8; v++ {
		if rows&(1<<v) == 0 {
			continue
		}
		r := coef[v*8 : v*8+8]
		for gx := 0; gx < bs; gx++ {
			m := &mat[gx]
			tmp[v][gx] = m[0]*r[0] + m[1]*r[1] + m[2]*r[2] + m[3]*r[3] + m[4]*r[4] + m[5]*r[5] + m[6]*r[6] + m[7]*r[7]
		}
	}
	for gy := 0; gy < bs; gy++ {
		m := &mat[gy]
		row := out[gy*stride : gy*stride+bs]
		for gx := 0; gx < bs; gx++ {
			var s float32
			for v := 0; v < 8; v++ {
				if rows&(1<<v) != 0 {
					s += m[v] * tmp[v][gx]
				}
			}
			row[gx] = clampByte(128 + int32(math.Round(float64(s))))
		}
	}
}

func clampByte(v int32) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}
