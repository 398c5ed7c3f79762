package imaging

import "errors"

// jpegLayout is what a walk over a JPEG's markers finds before any pixel
// is decoded: the frame, and how many scans the decoder would run.
type jpegLayout struct {
	// Width and Height are the first frame's size; Frames counts SOF
	// markers (a well-formed file has one).
	width, height, frames int
	// comps is the number of components of the first frame, and hmax/vmax
	// its largest sampling factors.
	comps, hmax, vmax int
	// progressive is true for SOF2 (and the other progressive SOFs).
	progressive bool
	// scans counts SOS markers in the whole file.
	scans int
}

var errJPEGStructure = errors.New("malformed JPEG marker structure")

// isStandaloneJPEGMarker reports markers that carry no length (ITU T.81
// B.1.1.3 and table B.1): TEM, RST0–7, SOI and EOI.
func isStandaloneJPEGMarker(m byte) bool {
	return m == 0x01 || (m >= 0xD0 && m <= 0xD9)
}

// isSOF reports the start-of-frame markers SOF0–3, 5–7, 9–11, 13–15
// (0xC4 is DHT, 0xC8 JPG, 0xCC DAC).
func isSOF(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
}

// walkJPEG walks every marker of data, as the standard lays them out:
// fill bytes (0xFF) may precede any marker, TEM and RST0–7 have no length,
// and after each SOS header the entropy-coded data runs to the next
// marker that is neither a stuffed zero nor a restart. Bytes between
// segments that are not a marker are skipped, as image/jpeg and libjpeg
// do, so the walk never counts fewer scans than a decoder would run. It
// reads no pixels and allocates nothing.
func walkJPEG(data []byte) (jpegLayout, error) {
	var l jpegLayout
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return l, errJPEGStructure
	}
	p := 2
	for p+1 < len(data) {
		if data[p] != 0xFF {
			p++ // extraneous byte between segments
			continue
		}
		m := data[p+1]
		if m == 0xFF { // fill byte
			p++
			continue
		}
		p += 2
		if m == 0x00 || isStandaloneJPEGMarker(m) {
			if m == 0xD9 { // EOI
				return l, nil
			}
			continue
		}
		if p+2 > len(data) {
			break
		}
		n := int(data[p])<<8 | int(data[p+1])
		if n < 2 || p+n > len(data) {
			break // truncated: the decoder fails here too
		}
		seg := data[p+2 : p+n]
		p += n
		switch {
		case isSOF(m):
			l.frames++
			if l.frames > 1 || len(seg) < 6 {
				continue
			}
			l.height, l.width = int(seg[1])<<8|int(seg[2]), int(seg[3])<<8|int(seg[4])
			l.comps = int(seg[5])
			l.progressive = m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE
			l.hmax, l.vmax = 1, 1
			for i := 0; i < l.comps && 6+3*i+2 < len(seg); i++ {
				f := seg[6+3*i+1]
				l.hmax, l.vmax = max(l.hmax, int(f>>4)), max(l.vmax, int(f&15))
			}
		case m == 0xDA: // SOS: skip the entropy-coded data that follows
			l.scans++
			for p+1 < len(data) {
				if data[p] == 0xFF {
					if b := data[p+1]; b != 0x00 && b != 0xFF && (b < 0xD0 || b > 0xD7) {
						break
					}
				}
				p++
			}
		}
	}
	if l.frames == 0 {
		return l, errJPEGStructure
	}
	return l, nil
}
