package imaging

import (
	"image"
	"image/draw"
)

// jpegOrientation returns the EXIF orientation (tag 0x0112 in IFD0 of the
// APP1 "Exif" segment), or 0 when there is none. It walks the JPEG marker
// segments up to the start of scan and bounds-checks every read.
func jpegOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return 0
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			p += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan / end of image
			return 0
		}
		segLen := int(data[p+2])<<8 | int(data[p+3])
		if segLen < 2 || p+2+segLen > len(data) {
			return 0
		}
		seg := data[p+4 : p+2+segLen]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := exifOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		p += 2 + segLen
	}
	return 0
}

// exifOrientation reads the orientation tag from a TIFF structure.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var u16 func([]byte) int
	var u32 func([]byte) int
	switch string(t[:2]) {
	case "II":
		u16 = func(b []byte) int { return int(b[0]) | int(b[1])<<8 }
		u32 = func(b []byte) int { return int(b[0]) | int(b[1])<<8 | int(b[2])<<16 | int(b[3])<<24 }
	case "MM":
		u16 = func(b []byte) int { return int(b[1]) | int(b[0])<<8 }
		u32 = func(b []byte) int { return int(b[3]) | int(b[2])<<8 | int(b[1])<<16 | int(b[0])<<24 }
	default:
		return 0
	}
	if u16(t[2:4]) != 42 {
		return 0
	}
	ifd := u32(t[4:8])
	if ifd < 8 || ifd+2 > len(t) {
		return 0
	}
	n := u16(t[ifd : ifd+2])
	for i := 0; i < n; i++ {
		e := ifd + 2 + i*12
		if e+12 > len(t) {
			return 0
		}
		if u16(t[e:e+2]) != 0x0112 {
			continue
		}
		typ := u16(t[e+2 : e+4])
		var v int
		switch typ {
		case 3: // SHORT
			v = u16(t[e+8 : e+10])
		case 4: // LONG
			v = u32(t[e+8 : e+12])
		default:
			return 0
		}
		if v >= 1 && v <= 8 {
			return v
		}
		return 0
	}
	return 0
}

// orient applies EXIF orientation o (2..8) and returns a new RGBA picture.
func orient(src image.Image, o int) image.Image {
	sb := src.Bounds()
	w, h := sb.Dx(), sb.Dy()
	in, ok := src.(*image.RGBA)
	if !ok || sb.Min != (image.Point{}) {
		in = image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(in, in.Bounds(), src, sb.Min, draw.Src)
	}
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// srcOf maps a destination pixel to its source pixel.
	var srcOf func(x, y int) (int, int)
	switch o {
	case 2: // mirror horizontally
		srcOf = func(x, y int) (int, int) { return w - 1 - x, y }
	case 3: // rotate 180
		srcOf = func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }
	case 4: // mirror vertically
		srcOf = func(x, y int) (int, int) { return x, h - 1 - y }
	case 5: // transpose
		srcOf = func(x, y int) (int, int) { return y, x }
	case 6: // rotate 90 clockwise
		srcOf = func(x, y int) (int, int) { return y, h - 1 - x }
	case 7: // transverse
		srcOf = func(x, y int) (int, int) { return w - 1 - y, h - 1 - x }
	case 8: // rotate 90 counter-clockwise
		srcOf = func(x, y int) (int, int) { return w - 1 - y, x }
	default:
		return src
	}
	for y := 0; y < dh; y++ {
		row := out.Pix[y*out.Stride : y*out.Stride+dw*4]
		for x := 0; x < dw; x++ {
			sx, sy := srcOf(x, y)
			si := sy*in.Stride + sx*4
			copy(row[x*4:x*4+4], in.Pix[si:si+4])
		}
	}
	return out
}
