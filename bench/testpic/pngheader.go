package testpic

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// PNGHeader returns a PNG signature and IHDR chunk claiming w×h 8-bit RGB
// pixels, followed by junk: enough to pass a MIME sniff and DecodeConfig,
// never enough to decode. Tests of the size limits use it to claim a huge
// picture in a few hundred bytes.
func PNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.Write(bytes.Repeat([]byte{0xde, 0xad}, 300))
	return b.Bytes()
}
