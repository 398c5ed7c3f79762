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
	// DefaultMaxScans is the most scans a JPEG may have. Cameras and phones
	// write one (baseline) or about ten (progressive); encoders tuned for
	// size write a few dozen at most.
	DefaultMaxScans = 64
	// DefaultMaxScanWork bounds a JPEG's pixels × scans, the work a
	// decoder does since every scan visits its components' pixels again:
	// 20 scans of a 50-megapixel picture, or 64 of a 15-megapixel one.
	DefaultMaxScanWork int64 = 1_000_000_000
)

// Limits bounds what Decode accepts, so a hostile or broken file cannot
// exhaust memory or CPU. Zero fields take the defaults.
type Limits struct {
	// MaxBytes caps the encoded size (default 32 MiB).
	MaxBytes int64
	// MaxPixels caps width × height (default 50 000 000).
	MaxPixels int
	// MaxScans caps a JPEG's scans (default 64).
	MaxScans int
	// MaxScanWork caps a JPEG's pixels × scans (default 10⁹).
	MaxScanWork int64
	// Budget, when not nil, is the memory budget the decode reserves its
	// estimated peak from (waiting for other decodes to finish), and
	// refuses a picture that would need more than all of it.
	Budget *Budget
}

// DefaultLimits returns the limits used when a field of Limits is zero.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxPixels: DefaultMaxPixels, MaxScans: DefaultMaxScans, MaxScanWork: DefaultMaxScanWork}
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxScans <= 0 {
		l.MaxScans = DefaultMaxScans
	}
	if l.MaxScanWork <= 0 {
		l.MaxScanWork = DefaultMaxScanWork
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
	// Scale is 1 for a full decode, or how many times DecodeForBox
	// reduced the picture on each side (4 or 8 for a DCT-scaled JPEG, any
	// factor for a large picture shrunk right after decoding).
	Scale int
}

// Errors returned by Decode; test with errors.Is. Their text is meant for
// the preview pane.
var (
	// ErrTooLarge is returned when the encoded data exceeds Limits.MaxBytes.
	ErrTooLarge = errors.New("picture file too large")
	// ErrTooManyPixels is returned when width × height exceeds Limits.MaxPixels.
	ErrTooManyPixels = errors.New("picture has too many pixels")
	// ErrTooManyScans is returned for a JPEG over Limits.MaxScans or
	// Limits.MaxScanWork: no camera writes one, and decoding it would
	// cost far more CPU than its size suggests.
	ErrTooManyScans = errors.New("picture has too many scans")
	// ErrUnsupported is returned for data that is not a picture in a known format.
	ErrUnsupported = errors.New("unsupported or corrupt picture")
)

func tooManyPixels(w, h, limit int) error {
	return fmt.Errorf("%w: %dx%d is %.1f MP, the limit is %.1f MP", ErrTooManyPixels,
		w, h, float64(w)*float64(h)/1e6, float64(limit)/1e6)
}

// Decode decodes an encoded picture. It reads the header first and refuses,
// without allocating the pixels, files over lim.MaxBytes, pictures over
// lim.MaxPixels and JPEGs with more scans than lim allows; it reserves its
// memory from lim.Budget; it applies the EXIF orientation of JPEGs; and it
// stops soon after ctx is cancelled, even mid-decode, so a cancelled
// tea.Cmd frees its decode slot. Errors are clear enough to show in the
// preview pane.
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
	return float64(i.Scale*scaleMargin) <= shrinkLimit(i.Width, i.Height, box.X, box.Y)
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
		return nil, info, tooManyPixels(cfg.Width, cfg.Height, lim.MaxPixels)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	var jl jpegLayout
	orientation := 0
	if format == "jpeg" {
		if jl, err = checkJPEGWork(data, cfg, lim); err != nil {
			return nil, info, err
		}
		orientation = jpegOrientation(data)
	}
	if err := ctx.Err(); err != nil {
		return nil, info, err
	}
	// The box is in displayed orientation; decoders work before rotation.
	if orientation >= 5 {
		box.X, box.Y = box.Y, box.X
	}
	var img image.Image
	if format == "jpeg" && box.X > 0 && box.Y > 0 {
		if img, info.Scale, err = decodeJPEGFast(ctx, data, cfg, lim, box); err != nil {
			return nil, info, err
		}
	}
	if img == nil {
		if img, info.Scale, err = decodeFull(ctx, data, format, cfg, jl, orientation, lim, box); err != nil {
			return nil, info, err
		}
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

// scaleMargin is how many decoded pixels (per axis) a reduced JPEG decode
// keeps for each pixel shown.
const scaleMargin = 3

// jpegScale returns the largest DCT scale (8 or 4) at which a w×h
// picture fitted into a bw×bh box keeps scaleMargin times the pixels the
// box shows, or 1 when it needs full resolution. Fitting shrinks by
// k = min(bw/w, bh/h), so scale s is enough while s·scaleMargin ≤ 1/k.
//
// Scale 2 is not used: decoding at 1/2 and resampling the remaining ratio
// below two measured no faster than a full decode followed by the box
// stage (bench/compare.sh, sixel), so only 1/8 and 1/4 are worth it.
func jpegScale(w, h, bw, bh int) int {
	// The reduced decode is only a pre-filter: keep at least scaleMargin
	// decoded pixels per shown pixel, so the exact area average that
	// follows decides what each shown pixel is. With less, the reduced
	// IDCT's own filter (and the partial blocks at the edges, which move
	// the picture by up to 7/8 of a decoded pixel) show as error on sharp
	// edges: 5× the error of a full decode on a circuit board at 1/4.
	limit := shrinkLimit(w, h, bw, bh) / scaleMargin
	for _, s := range []int{8, 4} {
		if float64(s) <= limit {
			return s
		}
	}
	return 1
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
