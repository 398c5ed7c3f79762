// Package imaging decodes snapshot pictures within limits (encoded bytes,
// pixels, scans), applies their EXIF orientation, and scales them. A fast
// reduced-size decoder handles plain baseline JPEGs by DCT scaling.
//
// Nothing in this package writes to stdout or keeps package-level mutable
// state; every function is safe to call from a tea.Cmd goroutine.
package imaging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"

	// Registered decoders: the formats a camera snapshot may arrive in.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// Default decode limits.
const (
	// DefaultMaxBytes is the largest encoded picture Decode accepts.
	DefaultMaxBytes int64 = 32 << 20
	// DefaultMaxPixels is the largest picture (width × height) Decode accepts.
	DefaultMaxPixels = 50_000_000
)

// Limits bounds what Decode accepts, so a hostile or broken file cannot
// exhaust memory. Zero fields take the defaults.
type Limits struct {
	// MaxBytes caps the encoded size (default 32 MiB).
	MaxBytes int64
	// MaxPixels caps width × height (default 50 000 000).
	MaxPixels int
}

// DefaultLimits returns the limits used when a field of Limits is zero.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxPixels: DefaultMaxPixels}
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	return l
}

// Info describes a decoded picture.
type Info struct {
	// Width and Height are the displayed size, after EXIF orientation.
	Width, Height int
	// Bytes is the encoded size.
	Bytes int
	// MimeType is derived from the detected format, e.g. "image/jpeg".
	MimeType string
	// Format is the decoder's name: "jpeg", "png", "gif", "webp", "bmp".
	Format string
	// Orientation is the EXIF orientation applied (1 when none).
	Orientation int
	// Scale is 1 for a full decode, or 4 or 8 when DecodeForBox
	// returned a picture reduced that many times on each side.
	Scale int
}

// Errors returned by Decode; test with errors.Is.
var (
	// ErrTooLarge is returned when the encoded data exceeds Limits.MaxBytes.
	ErrTooLarge = errors.New("picture file too large")
	// ErrTooManyPixels is returned when width × height exceeds Limits.MaxPixels.
	ErrTooManyPixels = errors.New("picture has too many pixels")
	// ErrUnsupported is returned for data that is not a picture in a known format.
	ErrUnsupported = errors.New("unsupported or corrupt picture")
)

// Decode decodes an encoded picture. It reads the header first and refuses,
// without allocating the pixels, files over lim.MaxBytes or pictures over
// lim.MaxPixels; it applies the EXIF orientation of JPEGs; and it checks
// ctx before and after the expensive decode, so a cancelled tea.Cmd stops
// early. Errors are clear enough to show in the preview pane.
func Decode(ctx context.Context, data []byte, lim Limits) (image.Image, Info, error) {
	return decode(ctx, data, lim, image.Point{})
}

// DecodeForBox is Decode for showing the picture in a box of box.X×box.Y
// square pixels (termgfx.Options.PixelBox): a large JPEG is decoded
// straight to the smallest size that still fills the box (1/4 or 1/8 of
// full size, by DCT scaling), several times faster than a full decode.
// Info still reports the picture's full size, and Info.Scale the reduction
// (4 or 8); decode again when a bigger box is needed (Info.Covers). Other
// formats, and JPEGs the reduced decoder does not handle (progressive,
// CMYK), are decoded in full. A zero box decodes in full.
func DecodeForBox(ctx context.Context, data []byte, lim Limits, box image.Point) (image.Image, Info, error) {
	return decode(ctx, data, lim, box)
}

// Covers reports whether a picture decoded with this Info (perhaps reduced
// by DecodeForBox) has enough pixels to fill box; when it does not (a
// bigger pane, a deeper zoom), decode again with DecodeForBox(box).
func (i Info) Covers(box image.Point) bool {
	if i.Scale <= 1 {
		return true
	}
	if box.X <= 0 || box.Y <= 0 || i.Width <= 0 || i.Height <= 0 {
		return true
	}
	return jpegScale(i.Width, i.Height, box.X, box.Y) >= i.Scale
}

func decode(ctx context.Context, data []byte, lim Limits, box image.Point) (image.Image, Info, error) {
	lim = lim.withDefaults()
	info := Info{Bytes: len(data), Orientation: 1, Scale: 1}
	if err := ctx.Err(); err != nil {
		return nil, info, err
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, info, fmt.Errorf("%w: %s exceeds the %s limit", ErrTooLarge, HumanBytes(int64(len(data))), HumanBytes(lim.MaxBytes))
	}
	if len(data) == 0 {
		return nil, info, fmt.Errorf("%w: empty file", ErrUnsupported)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, info, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	info.Format = format
	info.MimeType = "image/" + format
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, info, fmt.Errorf("%w: %dx%d picture", ErrUnsupported, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(lim.MaxPixels) {
		return nil, info, fmt.Errorf("%w: %dx%d is %.1f MP, the limit is %.1f MP", ErrTooManyPixels,
			cfg.Width, cfg.Height, float64(cfg.Width)*float64(cfg.Height)/1e6, float64(lim.MaxPixels)/1e6)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	if err := ctx.Err(); err != nil {
		return nil, info, err
	}
	var img image.Image
	orientation := 0
	if format == "jpeg" {
		orientation = jpegOrientation(data)
	}
	if format == "jpeg" && box.X > 0 && box.Y > 0 {
		// The box is in displayed orientation; the decoder works before
		// rotation.
		bw, bh := box.X, box.Y
		if orientation >= 5 {
			bw, bh = bh, bw
		}
		if s := jpegScale(cfg.Width, cfg.Height, bw, bh); s > 1 {
			if small, err := decodeJPEGReduced(ctx, data, s); err == nil {
				img, info.Scale = small, s
			} else if ctx.Err() != nil {
				return nil, info, ctx.Err()
			}
		}
	}
	if img == nil {
		img, _, err = image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, info, fmt.Errorf("%w: %v", ErrUnsupported, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, info, err
	}
	b := img.Bounds()
	// Some decoders (GIF frames) may disagree with the header; trust the
	// pixels, but never more than the limit.
	if int64(b.Dx())*int64(b.Dy()) > int64(lim.MaxPixels) {
		return nil, info, fmt.Errorf("%w: %dx%d", ErrTooManyPixels, b.Dx(), b.Dy())
	}
	if orientation > 1 && orientation <= 8 {
		img = orient(img, orientation)
		info.Orientation = orientation
	}
	if orientation >= 5 {
		info.Width, info.Height = cfg.Height, cfg.Width
	}
	return img, info, nil
}

// jpegScale returns the largest DCT scale (8 or 4) at which a w×h
// picture fitted into a bw×bh box keeps at least the pixels the box shows,
// or 1 when it needs full resolution. Fitting shrinks by
// k = min(bw/w, bh/h), so scale s is enough while s ≤ 1/k.
//
// Scale 2 is not used: decoding at 1/2 and resampling the remaining ratio
// below two measured no faster than a full decode followed by the box
// stage (bench/compare.sh, sixel), so only 1/8 and 1/4 are worth it.
func jpegScale(w, h, bw, bh int) int {
	limit := math.Max(float64(w)/float64(bw), float64(h)/float64(bh))
	for _, s := range []int{8, 4} {
		if float64(s) <= limit {
			return s
		}
	}
	return 1
}

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

// HumanBytes formats a byte count for a message: "12.3 MiB", "4.0 KiB", "512 B".
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
