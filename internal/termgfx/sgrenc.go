package termgfx

import (
	"strconv"
	"strings"

	"github.com/snapdash/snapdash/internal/lab"
)

// The text encoders spend their bytes on SGR colour changes: a true-colour
// change costs up to 19 bytes, a '▀' three. So they change a colour only
// when the current one is visibly wrong for the next cell (further than
// matchDeltaE in CIE76 ΔE from it), write a colour in the 256-colour form
// when a palette entry is just as close, pick for each cell whichever of
// ' ', '▀', '▄' and '█' needs the fewest changes, and reset with the
// shortest form. The decoded picture stays within one just-noticeable
// difference of the resized one on average (cellimg tests measure it).

// matchDeltaE is the largest ΔE at which a colour already set, or a palette
// entry, stands in for a pixel: a little over one JND (lab.JND) for a
// pixel, about half of one on average across a photograph, which leaves
// room for the dashboard's shrink-on-decode of large JPEGs (imaging) within
// one JND overall.
const matchDeltaE = 3.0

// resetSGR is the shortest SGR reset (an empty parameter means 0).
const resetSGR = "\x1b[m"

// target is a pixel to draw: its colour, Lab value and nearest palette
// entry.
type target struct {
	c   rgb
	l   lab.Color
	idx int
}

func newTarget(c rgb) target {
	return target{c: c, l: lab.FromRGB(c.r, c.g, c.b), idx: xterm256(c.r, c.g, c.b)}
}

// pen is a colour the terminal currently has set (fg or bg).
type pen struct {
	ok  bool
	c   rgb
	l   lab.Color
	idx int // palette entry written, or -1 for a 24-bit colour
}

// paletteLab holds the Lab value of every xterm palette entry from 16 on.
// It is filled once when the package loads and only read afterwards.
var paletteLab = func() (t [256]lab.Color) {
	for i := 0; i < 256; i++ {
		c := paletteRGB(i)
		t[i] = lab.FromRGB(c.r, c.g, c.b)
	}
	return t
}()

// ansi16RGB holds xterm's default colours for the 16 ANSI entries.
var ansi16RGB = [16]rgb{
	{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
	{127, 127, 127}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
}

// ansi16 returns the nearest of the 16 ANSI colours (squared RGB distance
// weighted 2:4:3).
func ansi16(c rgb) int {
	best, bd := 0, 1<<30
	for i, p := range ansi16RGB {
		dr, dg, db := int(p.r)-int(c.r), int(p.g)-int(c.g), int(p.b)-int(c.b)
		if d := 2*dr*dr + 4*dg*dg + 3*db*db; d < bd {
			best, bd = i, d
		}
	}
	return best
}

// paletteRGB returns xterm's colour for palette entry n (0..255; 0..15
// as xterm's defaults).
func paletteRGB(n int) rgb {
	if n < 16 {
		return ansi16RGB[n]
	}
	if n >= 232 {
		g := uint8(8 + 10*(n-232))
		return rgb{g, g, g}
	}
	n -= 16
	return rgb{uint8(cubeLevels[n/36]), uint8(cubeLevels[n/6%6]), uint8(cubeLevels[n%6])}
}

// sgrEncoder writes cells with as few colour changes, in as few bytes, as
// fidelity allows. Its zero value is not ready: use newSGREncoder.
type sgrEncoder struct {
	sb     *strings.Builder
	true   bool
	ansi16 bool // the 16 ANSI colours only (not with true)
	tol2   float32
	fg, bg pen
	params []byte
}

func newSGREncoder(sb *strings.Builder, trueColor bool, tol float32) *sgrEncoder {
	return &sgrEncoder{sb: sb, true: trueColor, tol2: tol * tol, params: make([]byte, 0, 48)}
}

// newSGREncoderFor returns the encoder for o's colours.
func newSGREncoderFor(sb *strings.Builder, o Options, tol float32) *sgrEncoder {
	e := newSGREncoder(sb, o.TrueColor, tol)
	e.ansi16 = o.Colors16 && !o.TrueColor
	return e
}

// covers reports whether pen p, as set, may draw t.
func (e *sgrEncoder) covers(p pen, t target) bool {
	if !p.ok {
		return false
	}
	if !e.true && p.idx == e.index(t) {
		return true
	}
	return lab.Dist2(p.l, t.l) <= e.tol2
}

// penFor returns what would be written to draw t: the palette entry in
// 256-colour mode, or when it is as good as t itself; else t's colour.
func (e *sgrEncoder) penFor(t target) pen {
	if i := e.index(t); !e.true || lab.Dist2(paletteLab[i], t.l) <= e.tol2 {
		return pen{ok: true, c: paletteRGB(i), l: paletteLab[i], idx: i}
	}
	return pen{ok: true, c: t.c, l: t.l, idx: -1}
}

// penForBoth returns a pen that draws both a and b, if there is one: their
// mean, or one of them.
func (e *sgrEncoder) penForBoth(a, b target) (pen, bool) {
	if lab.Dist2(a.l, b.l) > 4*e.tol2 {
		return pen{}, false
	}
	m := a
	if a.c != b.c {
		m = newTarget(rgb{uint8((int(a.c.r) + int(b.c.r) + 1) / 2), uint8((int(a.c.g) + int(b.c.g) + 1) / 2), uint8((int(a.c.b) + int(b.c.b) + 1) / 2)})
	}
	for _, t := range [...]target{m, a, b} {
		p := e.penFor(t)
		if e.covers(p, a) && e.covers(p, b) {
			return p, true
		}
	}
	return pen{}, false
}

// index returns the palette entry the encoder writes for t.
func (e *sgrEncoder) index(t target) int {
	if e.ansi16 {
		return ansi16(t.c)
	}
	return t.idx
}

// paramLen returns the length of p's SGR parameters (after "38;"/"48;").
func paramLen(p pen) int {
	if p.idx >= 0 && p.idx < 16 {
		return -1 // "3x" is 3 shorter than "38;" plus these
	}
	if p.idx >= 0 {
		return 2 + digits(p.idx)
	}
	return 4 + digits(int(p.c.r)) + digits(int(p.c.g)) + digits(int(p.c.b))
}

func digits(v int) int {
	switch {
	case v >= 100:
		return 3
	case v >= 10:
		return 2
	}
	return 1
}

// change is a candidate way to draw a cell.
type change struct {
	glyph        string
	fg, bg       pen
	setFg, setBg bool
	cost         int
}

func (e *sgrEncoder) price(c *change) {
	n := len(c.glyph)
	if c.setFg || c.setBg {
		n += 3 // ESC [ ... m
	}
	if c.setFg {
		n += 3 + paramLen(c.fg)
	}
	if c.setBg {
		n += 3 + paramLen(c.bg)
	}
	if c.setFg && c.setBg {
		n++
	}
	c.cost = n
}

// need returns the pen to draw t with, keeping cur when it covers t.
func (e *sgrEncoder) need(cur pen, t target) (pen, bool) {
	if e.covers(cur, t) {
		return cur, false
	}
	return e.penFor(t), true
}

// cell draws a cell whose top half is top and bottom half is bot, and
// returns the colours it drew them with.
func (e *sgrEncoder) cell(top, bot target) (rgb, rgb) {
	var cs [4]change
	n := 0
	add := func(glyph string, fgT, bgT *target) {
		c := change{glyph: glyph, fg: e.fg, bg: e.bg}
		if fgT != nil {
			c.fg, c.setFg = e.need(e.fg, *fgT)
		}
		if bgT != nil {
			c.bg, c.setBg = e.need(e.bg, *bgT)
		}
		e.price(&c)
		cs[n] = c
		n++
	}
	add(upperHalf, &top, &bot)
	add(lowerHalf, &bot, &top)
	if e.covers(e.bg, top) && e.covers(e.bg, bot) {
		add(" ", nil, nil)
	} else if e.covers(e.fg, top) && e.covers(e.fg, bot) {
		add(fullBlock, nil, nil)
	} else if p, ok := e.penForBoth(top, bot); ok {
		c := change{glyph: " ", fg: e.fg, bg: p, setBg: true}
		e.price(&c)
		cs[n] = c
		n++
	}
	best := cs[0]
	for _, c := range cs[1:n] {
		if c.cost < best.cost {
			best = c
		}
	}
	e.apply(best)
	switch best.glyph {
	case upperHalf:
		return best.fg.c, best.bg.c
	case lowerHalf:
		return best.bg.c, best.fg.c
	case fullBlock:
		return best.fg.c, best.fg.c
	}
	return best.bg.c, best.bg.c
}

// fgOnly draws glyph with foreground t and the default background, and
// returns the colour it drew t with.
func (e *sgrEncoder) fgOnly(glyph string, t target) rgb {
	if e.bg.ok {
		if e.fg.ok {
			e.sb.WriteString(resetSGR)
			e.fg = pen{}
		} else {
			e.sb.WriteString("\x1b[49m")
		}
		e.bg = pen{}
	}
	c := change{glyph: glyph, bg: e.bg}
	c.fg, c.setFg = e.need(e.fg, t)
	e.apply(c)
	return c.fg.c
}

// blank draws a space on the default background; the foreground, which
// a space does not show, is left as it is.
func (e *sgrEncoder) blank() {
	if e.bg.ok {
		if e.fg.ok {
			e.sb.WriteString("\x1b[49m")
		} else {
			e.sb.WriteString(resetSGR)
		}
		e.bg = pen{}
	}
	e.sb.WriteByte(' ')
}

// end resets the colours, so a line ends in the terminal's defaults.
func (e *sgrEncoder) end() {
	if e.fg.ok || e.bg.ok {
		e.sb.WriteString(resetSGR)
	}
	e.fg, e.bg = pen{}, pen{}
}

func (e *sgrEncoder) apply(c change) {
	if c.setFg || c.setBg {
		p := append(e.params[:0], "\x1b["...)
		if c.setFg {
			p = appendPen(p, c.fg, '3')
		}
		if c.setBg {
			if c.setFg {
				p = append(p, ';')
			}
			p = appendPen(p, c.bg, '4')
		}
		p = append(p, 'm')
		e.sb.Write(p)
		e.params = p
	}
	e.fg, e.bg = c.fg, c.bg
	e.sb.WriteString(c.glyph)
}

// appendPen appends the SGR parameters setting pen c as the foreground
// (layer '3') or background ('4').
func appendPen(p []byte, c pen, layer byte) []byte {
	if c.idx >= 0 && c.idx < 8 {
		return append(p, layer, byte('0'+c.idx))
	}
	if c.idx >= 8 && c.idx < 16 { // bright: 90–97, 100–107
		if layer == '3' {
			return append(p, '9', byte('0'+c.idx-8))
		}
		return append(p, '1', '0', byte('0'+c.idx-8))
	}
	p = append(p, layer, '8', ';')
	if c.idx >= 0 {
		return strconv.AppendInt(append(p, "5;"...), int64(c.idx), 10)
	}
	p = strconv.AppendInt(append(p, "2;"...), int64(c.c.r), 10)
	p = strconv.AppendInt(append(p, ';'), int64(c.c.g), 10)
	return strconv.AppendInt(append(p, ';'), int64(c.c.b), 10)
}
