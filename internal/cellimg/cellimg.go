// Package cellimg decodes a picture drawn in terminal cells (SGR colours
// and the glyphs ' ', '▀', '▄' and '█', as snapdash's half-block mode and
// chafa's "vhalf" symbols write it) back to pixels, two per cell, and
// measures how far they are from the picture they were drawn from. It is
// the yardstick of the half-block encoder's tests and benchmarks, and of
// bench/compare.sh.
package cellimg

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/snapdash/snapdash/internal/lab"
)

// maxCells bounds what Decode accepts, so a runaway input cannot allocate
// without bound (1 000 000 cells is a 2000×500 terminal).
const maxCells = 1_000_000

// pen is the SGR state that decides a cell's colours.
type pen struct {
	fg, bg       color.RGBA // A == 0: the terminal's default colour
	inverse      bool
	haveFg, hvBg bool
}

// Decode parses text: lines separated by '\n', each a run of SGR
// sequences and cells. Every cell becomes two pixels, its top and bottom
// halves; a half drawn in the terminal's default colour is transparent
// (alpha 0), every other pixel opaque. Other control sequences (cursor
// visibility, ...) are skipped; a glyph other than the four half-block
// ones is an error.
func Decode(text string) (*image.RGBA, error) {
	var rows [][]color.RGBA // two pixel rows per text row
	var p pen
	cells := 0
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var top, bot []color.RGBA
		for i := 0; i < len(line); {
			c := line[i]
			if c == 0x1b {
				n, err := p.escape(line[i:])
				if err != nil {
					return nil, err
				}
				i += n
				continue
			}
			if c == '\r' {
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(line[i:])
			i += size
			fg, bg := p.fg, p.bg
			if !p.haveFg {
				fg = color.RGBA{}
			}
			if !p.hvBg {
				bg = color.RGBA{}
			}
			if p.inverse {
				fg, bg = bg, fg
			}
			var t, b color.RGBA
			switch r {
			case ' ':
				t, b = bg, bg
			case '▀':
				t, b = fg, bg
			case '▄':
				t, b = bg, fg
			case '█':
				t, b = fg, fg
			default:
				return nil, fmt.Errorf("cellimg: unexpected glyph %q", r)
			}
			top, bot = append(top, t), append(bot, b)
			if cells++; cells > maxCells {
				return nil, errors.New("cellimg: too many cells")
			}
		}
		rows = append(rows, top, bot)
	}
	w := 0
	for _, r := range rows {
		w = max(w, len(r))
	}
	img := image.NewRGBA(image.Rect(0, 0, w, len(rows)))
	for y, r := range rows {
		for x, c := range r {
			img.SetRGBA(x, y, c)
		}
	}
	return img, nil
}

// escape applies the escape sequence at the start of s and returns its
// length.
func (p *pen) escape(s string) (int, error) {
	if len(s) < 2 {
		return 0, errors.New("cellimg: truncated escape sequence")
	}
	if s[1] != '[' {
		return 2, nil // ESC 7, ESC 8 and the like
	}
	for j := 2; j < len(s); j++ {
		if c := s[j]; c >= 0x40 && c <= 0x7e {
			if c == 'm' {
				if err := p.sgr(s[2:j]); err != nil {
					return 0, err
				}
			}
			return j + 1, nil
		}
	}
	return 0, errors.New("cellimg: truncated control sequence")
}

// sgr applies the parameters of one SGR sequence.
func (p *pen) sgr(params string) error {
	ps := strings.Split(params, ";")
	num := func(i int) (int, error) {
		if i >= len(ps) {
			return 0, fmt.Errorf("cellimg: short SGR %q", params)
		}
		if ps[i] == "" {
			return 0, nil
		}
		v, err := strconv.Atoi(ps[i])
		if err != nil || v < 0 || v > 255 {
			return 0, fmt.Errorf("cellimg: bad SGR parameter in %q", params)
		}
		return v, nil
	}
	for i := 0; i < len(ps); i++ {
		v, err := strconv.Atoi(ps[i])
		if ps[i] == "" {
			v, err = 0, nil
		}
		if err != nil {
			return fmt.Errorf("cellimg: bad SGR %q", params)
		}
		switch {
		case v == 0:
			*p = pen{}
		case v == 7:
			p.inverse = true
		case v == 27:
			p.inverse = false
		case v == 39:
			p.haveFg = false
		case v == 49:
			p.hvBg = false
		case v >= 30 && v <= 37, v >= 90 && v <= 97:
			p.fg, p.haveFg = Palette(v%10+8*boolInt(v >= 90)), true
		case v >= 40 && v <= 47, v >= 100 && v <= 107:
			p.bg, p.hvBg = Palette(v%10+8*boolInt(v >= 100)), true
		case v == 38 || v == 48:
			kind, err := num(i + 1)
			if err != nil {
				return err
			}
			var c color.RGBA
			switch kind {
			case 5:
				n, err := num(i + 2)
				if err != nil {
					return err
				}
				c, i = Palette(n), i+2
			case 2:
				var ch [3]int
				for k := range ch {
					if ch[k], err = num(i + 2 + k); err != nil {
						return err
					}
				}
				c, i = color.RGBA{uint8(ch[0]), uint8(ch[1]), uint8(ch[2]), 255}, i+4
			default:
				return fmt.Errorf("cellimg: unsupported colour form in %q", params)
			}
			if v == 38 {
				p.fg, p.haveFg = c, true
			} else {
				p.bg, p.hvBg = c, true
			}
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ansi16 are xterm's default colours for the 16 basic palette entries.
var ansi16 = [16][3]uint8{
	{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
	{127, 127, 127}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
}

// Palette returns xterm's colour for 256-colour palette entry n (0..255).
func Palette(n int) color.RGBA {
	switch {
	case n < 16:
		c := ansi16[n]
		return color.RGBA{c[0], c[1], c[2], 255}
	case n < 232:
		n -= 16
		lv := func(i int) uint8 {
			if i == 0 {
				return 0
			}
			return uint8(55 + 40*i)
		}
		return color.RGBA{lv(n / 36), lv(n / 6 % 6), lv(n % 6), 255}
	case n < 256:
		g := uint8(8 + 10*(n-232))
		return color.RGBA{g, g, g, 255}
	}
	return color.RGBA{}
}

// Painted returns the smallest rectangle holding every opaque pixel of img.
func Painted(img *image.RGBA) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.Pix[img.PixOffset(x, y)+3] != 0 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

// MeanDeltaE returns the mean CIE76 ΔE between the opaque pixels of got
// inside rect and the pixels of want at the same offset from want's
// origin (want is the picture resized to rect's size), and how many
// pixels it compared.
func MeanDeltaE(got *image.RGBA, rect image.Rectangle, want *image.RGBA) (float64, int) {
	var sum float64
	n := 0
	for y := 0; y < rect.Dy() && y < want.Rect.Dy(); y++ {
		for x := 0; x < rect.Dx() && x < want.Rect.Dx(); x++ {
			i := got.PixOffset(rect.Min.X+x, rect.Min.Y+y)
			if got.Pix[i+3] == 0 {
				continue
			}
			j := want.PixOffset(want.Rect.Min.X+x, want.Rect.Min.Y+y)
			a := lab.FromRGB(got.Pix[i], got.Pix[i+1], got.Pix[i+2])
			b := lab.FromRGB(want.Pix[j], want.Pix[j+1], want.Pix[j+2])
			sum += lab.DeltaE(a, b)
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return sum / float64(n), n
}
