package termgfx

import (
	"errors"
	"fmt"
	"math"

	"github.com/snapdash/snapdash/internal/imaging"
)

// Bounds on what a terminal may claim and on what one render may cost. A
// terminal (over SSH: any authorized client) reports its cell size in
// pixels; taken as given, a reply of 999×999 px made an 80×24 pane a
// 10656×7992 sixel. Real terminals report cells of 5–40 px across.
const (
	// MinCellW and MaxCellW bound the cell width in pixels.
	MinCellW, MaxCellW = 4, 64
	// MinCellH and MaxCellH bound the cell height in pixels.
	MinCellH, MaxCellH = 8, 128
	// MaxRenderPixels bounds the pixels of one sixel or kitty graphic
	// (2560×1600 fits); a larger pane shows the picture smaller.
	MaxRenderPixels = 4_194_304
	// MaxFrameBytes bounds the bytes of one rendered frame (text and
	// graphic together).
	MaxFrameBytes = 24 << 20
)

// ErrFrameTooLarge is returned by Render when a frame would exceed
// MaxFrameBytes (a pane of hundreds of thousands of cells, or a sixel of
// pure noise).
var ErrFrameTooLarge = errors.New("rendered picture too large")

// ClampCell bounds a cell size reported by a terminal to what real
// terminals use (MinCellW..MaxCellW by MinCellH..MaxCellH). Zero or
// negative sizes mean unknown and give 0, 0.
func ClampCell(w, h int) (int, int) {
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	return clampInt(w, MinCellW, MaxCellW), clampInt(h, MinCellH, MaxCellH)
}

// graphicSize returns the pixel size to encode a graphic of pw×ph showing
// a srcW×srcH part of the picture: never larger than that part (the
// terminal or the pane shows it smaller rather than the server enlarging
// it) nor than MaxRenderPixels, keeping the aspect.
func graphicSize(pw, ph, srcW, srcH int) (int, int) {
	if pw <= 0 || ph <= 0 {
		return pw, ph
	}
	k := math.Min(1, math.Min(float64(srcW)/float64(pw), float64(srcH)/float64(ph)))
	if px := float64(pw) * float64(ph) * k * k; px > MaxRenderPixels {
		k *= math.Sqrt(MaxRenderPixels / px)
	}
	if k >= 1 {
		return pw, ph
	}
	return max(int(float64(pw)*k), 1), max(int(float64(ph)*k), 1)
}

// textFrameBytes bounds the bytes of a text-mode frame of cols×rows: a
// half-block cell with two true-colour SGRs is under 48 bytes.
func checkTextFrame(cols, rows int) error {
	if n := int64(cols) * int64(rows) * 48; n > MaxFrameBytes {
		return fmt.Errorf("%w: a %dx%d pane would take up to %s, the limit is %s",
			ErrFrameTooLarge, cols, rows, imaging.HumanBytes(n), imaging.HumanBytes(MaxFrameBytes))
	}
	return nil
}
