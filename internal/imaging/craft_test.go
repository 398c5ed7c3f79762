package imaging

import (
	"bytes"
	"context"
	"runtime"
)

// Builders for crafted JPEGs: the hostile files of the tests, made from
// their parts so that each test says what it is made of.

// seg returns a marker segment with its length.
func seg(marker byte, payload []byte) []byte {
	n := len(payload) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
}

// sofGray is a one-component frame header (SOF0, or SOF2 when progressive).
func sofGray(w, h int, progressive bool) []byte {
	m := byte(0xC0)
	if progressive {
		m = 0xC2
	}
	return seg(m, []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 1, 1, 0x11, 0})
}

// dqtFlat is one quantization table of ones.
func dqtFlat() []byte {
	return seg(0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...))
}

// dht is one Huffman table (class 0 DC, 1 AC) with counts[i] codes of
// length i+1 and the given values.
func dht(class, id byte, counts [16]byte, vals ...byte) []byte {
	p := append([]byte{class<<4 | id}, counts[:]...)
	return seg(0xC4, append(p, vals...))
}

// oneCode is a table with a single one-bit code ("0") for v.
func oneCode(class byte, v byte) []byte {
	return dht(class, 0, [16]byte{1}, v)
}

// sosGray starts a scan of component 1 over zig-zag ss..se.
func sosGray(ss, se byte) []byte {
	return seg(0xDA, []byte{1, 1, 0x00, ss, se, 0})
}

// zeroScanGray is a baseline gray picture whose every block is a DC of 0
// and an end of block: two zero bits a block, so the entropy data is zeros.
func zeroScanGray(w, h int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	b.Write(dqtFlat())
	b.Write(oneCode(0, 0x00)) // DC: size 0
	b.Write(oneCode(1, 0x00)) // AC: end of block
	b.Write(sofGray(w, h, false))
	b.Write(sosGray(0, 63))
	blocks := ((w + 7) / 8) * ((h + 7) / 8)
	b.Write(make([]byte, (blocks*2+7)/8+1))
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// progressiveBomb is a progressive gray picture with one DC scan and then
// acScans AC scans whose data is one end-of-band run per 16384 blocks:
// a few bytes each, yet every scan visits every block.
func progressiveBomb(w, h, acScans int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	b.Write(dqtFlat())
	b.Write(sofGray(w, h, true))
	b.Write(oneCode(0, 0x00)) // DC: size 0
	b.Write(oneCode(1, 0xE0)) // AC: EOB run of 2^14 + 14 extra bits
	blocks := ((w + 7) / 8) * ((h + 7) / 8)
	b.Write(sosGray(0, 0))
	b.Write(make([]byte, blocks/8+1))
	runs := blocks/16384 + 1
	for i := 0; i < acScans; i++ {
		b.Write(sosGray(1, 63))
		b.Write(make([]byte, (runs*15+7)/8+1))
	}
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// measure runs fn and returns the bytes it allocated.
func measure(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// ctxBg is the context of calls that are not cancelled.
var ctxBg = context.Background()
