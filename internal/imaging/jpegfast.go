package imaging

import (
	"context"
	"errors"
	"fmt"
	"image"
)

// A reduced-size JPEG decoder for previews. A 12-megapixel photo shown in a
// 120×40 pane needs a few hundred pixels across, yet image/jpeg runs the
// inverse DCT and colour conversion for all twelve million; this decoder
// still entropy-decodes every block (that cannot be skipped) but produces
// each 8×8 block directly at 1/8 (the DC term), 1/4 or 1/2 size, the
// reduction libjpeg calls DCT scaling. It handles baseline and extended
// sequential Huffman JPEGs with one interleaved scan (what cameras and
// phones write); anything else, and any error, falls back to image/jpeg.

var (
	errFastJPEG = errors.New("not a plain baseline JPEG")
	// errHuffTable is an invalid (over-subscribed) Huffman table.
	errHuffTable = fmt.Errorf("%w: invalid Huffman table", errFastJPEG)
	// errFastJPEGPanic marks a recovered panic: a bug, which the fuzz
	// targets report, although the caller still falls back safely.
	errFastJPEGPanic = fmt.Errorf("%w: internal error", errFastJPEG)
)

// unzigzag maps zig-zag order to natural order.
var unzigzag = [64]int{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

type jpegComp struct {
	id, h, v, tq int
	td, ta       int
	out          []byte // output plane
	stride       int
}

// huffTable decodes one Huffman table: a 9-bit lookahead table and the
// canonical code ranges for longer codes.
type huffTable struct {
	look    [512]uint16 // value<<8 | length, 0 = not in table
	maxcode [18]int32
	valptr  [17]int32
	mincode [17]int32
	vals    []uint8
	ok      bool
}

func (h *huffTable) build(counts [16]int, vals []uint8) error {
	*h = huffTable{vals: vals, ok: true}
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		// Canonical codes of length l are code..code+n-1 and must fit in
		// l bits (T.81 annex C): an over-subscribed table would index
		// past the lookup table.
		if code+n > 1<<l {
			return errHuffTable
		}
		h.valptr[l] = k
		h.mincode[l] = code
		if n == 0 {
			h.maxcode[l] = -1
		} else {
			for i := int32(0); i < n; i++ {
				c := code + i
				if l <= 9 {
					shift := 9 - l
					for s := int32(0); s < 1<<shift; s++ {
						h.look[c<<shift|s] = uint16(vals[k+i])<<8 | uint16(l)
					}
				}
			}
			h.maxcode[l] = code + n - 1
		}
		code = (code + n) << 1
		k += n
	}
	h.maxcode[17] = 1 << 30
	return nil
}

// bitReader reads entropy-coded bits, removing stuffed zero bytes and
// stopping at markers (after which it feeds zeros, counted, so a
// truncated scan is detected).
type bitReader struct {
	data   []byte
	pos    int
	acc    uint64
	n      uint
	marker bool
	padded int
}

func (b *bitReader) fill() {
	for b.n <= 56 {
		var c byte
		if b.marker || b.pos >= len(b.data) {
			b.padded++
		} else {
			c = b.data[b.pos]
			if c == 0xFF {
				if b.pos+1 < len(b.data) && b.data[b.pos+1] == 0 {
					b.pos += 2
				} else {
					b.marker = true
					c = 0
					b.padded++
				}
			} else {
				b.pos++
			}
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

func (b *bitReader) decode(h *huffTable) (int, error) {
	if b.n < 16 {
		b.fill()
	}
	if e := h.look[b.acc>>55]; e != 0 {
		l := uint(e & 0xFF)
		b.acc <<= l
		b.n -= l
		return int(e >> 8), nil
	}
	for l := uint(10); l <= 16; l++ {
		code := int32(b.acc >> (64 - l))
		if code <= h.maxcode[l] && h.maxcode[l] >= 0 {
			i := h.valptr[l] + code - h.mincode[l]
			if i < 0 || int(i) >= len(h.vals) {
				return 0, errFastJPEG
			}
			b.acc <<= l
			b.n -= l
			return int(h.vals[i]), nil
		}
	}
	return 0, errFastJPEG
}

// receive reads s bits and sign-extends them (JPEG's EXTEND).
func (b *bitReader) receive(s int) int32 {
	if s == 0 {
		return 0
	}
	if b.n < uint(s) {
		b.fill()
	}
	v := int32(b.acc >> (64 - uint(s)))
	b.acc <<= uint(s)
	b.n -= uint(s)
	if v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}

func (b *bitReader) skip(s int) {
	if b.n < uint(s) {
		b.fill()
	}
	b.acc <<= uint(s)
	b.n -= uint(s)
}

// restart consumes an RSTn marker and resets the reader.
func (b *bitReader) restart() error {
	b.acc, b.n = 0, 0
	b.marker = false
	for b.pos+1 < len(b.data) && b.data[b.pos] == 0xFF && b.data[b.pos+1] == 0xFF {
		b.pos++
	}
	if b.pos+1 >= len(b.data) || b.data[b.pos] != 0xFF || b.data[b.pos+1] < 0xD0 || b.data[b.pos+1] > 0xD7 {
		return errFastJPEG
	}
	b.pos += 2
	b.padded = 0
	return nil
}

// decodeJPEGReduced decodes data at 1/scale (scale 1, 2, 4 or 8). It returns
// errFastJPEG for anything it does not handle, so the caller can fall
// back. It checks the frame it is about to decode, before allocating:
// ErrTooManyPixels over maxPixels (0 means DefaultMaxPixels), and
// errFastJPEG when want is not zero and the frame's size differs from it
// (the size image/jpeg's DecodeConfig found and the limits passed).
func decodeJPEGReduced(ctx context.Context, data []byte, scale, maxPixels int, want image.Point) (img image.Image, err error) {
	if scale == 1 {
		// Full size gives image/jpeg's samples exactly, so only for the
		// files it would read as one frame of one scan: with a second
		// scan, image/jpeg would draw that one too.
		if jl, err := walkJPEG(data); err != nil || jl.frames != 1 || jl.scans != 1 {
			return nil, errFastJPEG
		}
	}
	return decodeJPEGFrame(ctx, data, scale, maxPixels, want)
}

// decodeJPEGFrame is decodeJPEGReduced once the caller knows a full-size
// decode (scale 1) is of a file of one frame and one scan.
func decodeJPEGFrame(ctx context.Context, data []byte, scale, maxPixels int, want image.Point) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil { // a corrupt file must never crash the program
			img, err = nil, fmt.Errorf("%w: %v", errFastJPEGPanic, r)
		}
	}()
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	if scale != 1 && scale != 2 && scale != 4 && scale != 8 {
		return nil, errFastJPEG
	}
	var (
		qt          [4][64]int32
		dc, ac      [4]huffTable
		comps       []jpegComp
		width       int
		height      int
		restartEach int
		adobe       = -1
	)
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, errFastJPEG
	}
	p := 2
	for {
		for p+1 < len(data) && data[p] == 0xFF && data[p+1] == 0xFF { // fill bytes
			p++
		}
		if p+2 > len(data) || data[p] != 0xFF {
			return nil, errFastJPEG
		}
		marker := data[p+1]
		if marker == 0xD9 || marker == 0x00 {
			return nil, errFastJPEG
		}
		if isStandaloneJPEGMarker(marker) { // TEM, RSTn, SOI: no length
			p += 2
			continue
		}
		if p+4 > len(data) {
			return nil, errFastJPEG
		}
		n := int(data[p+2])<<8 | int(data[p+3])
		if n < 2 || p+2+n > len(data) {
			return nil, errFastJPEG
		}
		seg := data[p+4 : p+2+n]
		p += 2 + n
		switch {
		case marker == 0xDB: // DQT
			for len(seg) > 0 {
				prec, id := seg[0]>>4, int(seg[0]&15)
				if id > 3 || prec > 1 || len(seg) < 1+64*(1+int(prec)) {
					return nil, errFastJPEG
				}
				for i := 0; i < 64; i++ {
					if prec == 0 {
						qt[id][i] = int32(seg[1+i])
					} else {
						qt[id][i] = int32(seg[1+2*i])<<8 | int32(seg[2+2*i])
					}
				}
				seg = seg[1+64*(1+int(prec)):]
			}
		case marker == 0xC4: // DHT
			for len(seg) > 0 {
				if len(seg) < 17 {
					return nil, errFastJPEG
				}
				class, id := seg[0]>>4, int(seg[0]&15)
				var counts [16]int
				total := 0
				for i := range counts {
					counts[i] = int(seg[1+i])
					total += counts[i]
				}
				if class > 1 || id > 3 || total > 256 || len(seg) < 17+total {
					return nil, errFastJPEG
				}
				vals := append([]uint8(nil), seg[17:17+total]...)
				t := &dc[id]
				if class == 1 {
					t = &ac[id]
				}
				if err := t.build(counts, vals); err != nil {
					return nil, err
				}
				seg = seg[17+total:]
			}
		case marker == 0xC0 || marker == 0xC1: // baseline / extended sequential, Huffman
			if len(seg) < 6 || seg[0] != 8 || comps != nil {
				return nil, errFastJPEG // one frame only
			}
			height, width = int(seg[1])<<8|int(seg[2]), int(seg[3])<<8|int(seg[4])
			nc := int(seg[5])
			if (nc != 1 && nc != 3) || len(seg) < 6+3*nc || width == 0 || height == 0 {
				return nil, errFastJPEG
			}
			if width*height > maxPixels {
				return nil, tooManyPixels(width, height, maxPixels)
			}
			if want != (image.Point{}) && (width != want.X || height != want.Y) {
				return nil, errFastJPEG
			}
			for i := 0; i < nc; i++ {
				c := seg[6+3*i:]
				comps = append(comps, jpegComp{id: int(c[0]), h: int(c[1] >> 4), v: int(c[1] & 15), tq: int(c[2] & 3)})
			}
			if nc == 3 && comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B' {
				return nil, errFastJPEG // RGB, not YCbCr (image/jpeg reads it so)
			}
		case marker >= 0xC2 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
			return nil, errFastJPEG // progressive, lossless, arithmetic: image/jpeg's job
		case marker == 0xDD: // DRI
			if len(seg) < 2 {
				return nil, errFastJPEG
			}
			restartEach = int(seg[0])<<8 | int(seg[1])
		case marker == 0xEE: // APP14 Adobe: transform 0 means RGB, not YCbCr
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				adobe = int(seg[11])
			}
		case marker == 0xDA: // SOS
			if len(comps) == 0 || len(seg) < 1 || int(seg[0]) != len(comps) || len(seg) < 1+2*len(comps)+3 {
				return nil, errFastJPEG
			}
			for i := range comps {
				id, tables := int(seg[1+2*i]), seg[2+2*i]
				if comps[i].id != id {
					return nil, errFastJPEG
				}
				comps[i].td, comps[i].ta = int(tables>>4), int(tables&15)
				if comps[i].td > 3 || comps[i].ta > 3 || !dc[comps[i].td].ok || !ac[comps[i].ta].ok {
					return nil, errFastJPEG
				}
			}
			if len(comps) == 3 && adobe == 0 {
				return nil, errFastJPEG
			}
			return decodeScan(ctx, data[p:], comps, &qt, &dc, &ac, width, height, restartEach, scale)
		}
	}
}
