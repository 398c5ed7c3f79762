// The inverse DCT below is image/jpeg's (Go 1.26, src/image/jpeg/dct.go),
// Copyright 2025 The Go Authors, under Go's BSD-style licence: the same
// fixed-point arithmetic, so a full-size decode here gives image/jpeg's
// samples exactly (TestFullDecodeMatchesImageJPEG).

package imaging

// Fixed-point constants of image/jpeg's IDCT, 60 fraction bits: cos and
// sin of 1π/16 and 3π/16, √2·cos 6π/16 and the like.
const (
	idctCos1         = 1130768441178740757
	idctSin1         = 224923827593068887
	idctCos3         = 958619196450722178
	idctSin3         = 640528868967736374
	idctSqrt2inv     = 815238614083298888
	idctSqrt2invCos6 = 311978311033955632
	idctSqrt2invSin6 = 753182269664427492
	idctRound18      = 1 << (59 - 18)
	idctRound12      = 1 << (59 - 12)
	idctRound8       = 1 << (59 - 8)
	idctRound14      = 1 << (59 - 14)
	kCos6x18         = int32((idctSqrt2invCos6 + idctRound18) >> (60 - 18))
	kSin6x18         = int32((idctSqrt2invSin6 + idctRound18) >> (60 - 18))
	kSqrt2inv8       = int32((idctSqrt2inv + idctRound8) >> (60 - 8))
	kCos3x12         = int32((idctCos3 + idctRound12) >> (60 - 12))
	kSin3x12         = int32((idctSin3 + idctRound12) >> (60 - 12))
	kCos1x12         = int32((idctCos1 + idctRound12) >> (60 - 12))
	kSin1x12         = int32((idctSin1 + idctRound12) >> (60 - 12))
	kCos6x12         = int32((idctSqrt2invCos6 + idctRound12) >> (60 - 12))
	kSin6x12         = int32((idctSqrt2invSin6 + idctRound12) >> (60 - 12))
	kSqrt2inv14      = int32((idctSqrt2inv + idctRound14) >> (60 - 14))
)

// dctBox rotates (x0, x1) by the angle of (kcos, ksin) with three
// multiplications.
func dctBox(x0, x1, kcos, ksin int32) (y0, y1 int32) {
	ksum := kcos * (x0 + x1)
	y0 = ksum + (ksin-kcos)*x1
	y1 = ksum - (kcos+ksin)*x0
	return y0, y1
}

// idctFull turns a dequantized block (natural order) into samples and
// writes them, level-shifted and clipped, to out with the given stride.
// rows has bit i set when row i holds a non-zero term (an all-zero row
// stays zero through the row pass); a block with only its DC term is a
// flat block of the value the full transform gives it.
func idctFull(b *[64]int32, rows uint8, dcOnly bool, out []byte, stride int) {
	if dcOnly {
		v := clampByte(((b[0]<<17+1<<19)>>2)>>18 + 128)
		for y := 0; y < 8; y++ {
			row := out[y*stride : y*stride+8 : y*stride+8]
			for x := range row {
				row[x] = v
			}
		}
		return
	}
	for i := 0; i < 8; i++ {
		if rows&(1<<i) == 0 {
			continue
		}
		x := b[8*i : 8*i+8 : 8*i+8]
		x0, x7, x2, x5, x1, x6, x3, x4 := x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]
		x0 <<= 17
		x1 <<= 17
		x0, x1 = x0+x1, x0-x1
		x2, x3 = dctBox(x2, x3, kCos6x18, -kSin6x18)
		x1, x2 = x1+x2, x1-x2
		x0, x3 = x0+x3, x0-x3
		x4 <<= 7
		x7 <<= 7
		x7, x4 = x7+x4, x7-x4
		x6 = x6 * kSqrt2inv8
		x5 = x5 * kSqrt2inv8
		x7, x5 = x7+x5, x7-x5
		x4, x6 = x4+x6, x4-x6
		x4, x7 = dctBox(x4>>2, x7>>2, kCos3x12, -kSin3x12)
		x5, x6 = dctBox(x5>>2, x6>>2, kCos1x12, -kSin1x12)
		x0, x7 = x0+x7, x0-x7
		x1, x6 = x1+x6, x1-x6
		x2, x5 = x2+x5, x2-x5
		x3, x4 = x3+x4, x3-x4
		x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7] = x0, x1, x2, x3, x4, x5, x6, x7
	}
	for i := 0; i < 8; i++ {
		x0, x7, x2, x5 := b[0*8+i], b[1*8+i], b[2*8+i], b[3*8+i]
		x1, x6, x3, x4 := b[4*8+i], b[5*8+i], b[6*8+i], b[7*8+i]
		x0 += 1 << 19
		x0, x1 = (x0+x1)>>2, (x0-x1)>>2
		x2, x3 = dctBox(x2>>13, x3>>13, kCos6x12, -kSin6x12)
		x1, x2 = x1+x2, x1-x2
		x0, x3 = x0+x3, x0-x3
		x7, x4 = x7+x4, x7-x4
		x5 = (x5 >> 13) * kSqrt2inv14
		x6 = (x6 >> 13) * kSqrt2inv14
		x7, x5 = x7+x5, x7-x5
		x4, x6 = x4+x6, x4-x6
		x4, x7 = dctBox(x4>>14, x7>>14, kCos3x12, -kSin3x12)
		x5, x6 = dctBox(x5>>14, x6>>14, kCos1x12, -kSin1x12)
		x0, x7 = x0+x7, x0-x7
		x1, x6 = x1+x6, x1-x6
		x2, x5 = x2+x5, x2-x5
		x3, x4 = x3+x4, x3-x4
		o := out[i:]
		o[0] = clampByte(x0>>18 + 128)
		o[stride] = clampByte(x1>>18 + 128)
		o[2*stride] = clampByte(x2>>18 + 128)
		o[3*stride] = clampByte(x3>>18 + 128)
		o[4*stride] = clampByte(x4>>18 + 128)
		o[5*stride] = clampByte(x5>>18 + 128)
		o[6*stride] = clampByte(x6>>18 + 128)
		o[7*stride] = clampByte(x7>>18 + 128)
	}
}
