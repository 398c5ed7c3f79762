package sim

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Size of generated pictures: a typical phone camera frame.
const (
	PictureWidth  = 1280
	PictureHeight = 960
)

// Picture kinds produced by Picture.
const (
	KindMeter    = "meter"
	KindDocument = "document"
	KindCar      = "car"
	KindAny      = "any"
)

// pictureKind maps a snapshot type to the kind of picture a device sends.
func pictureKind(snapshotType string) string {
	switch snapshotType {
	case "meter":
		return KindMeter
	case "id-document":
		return KindDocument
	case "car-damage":
		return KindCar
	}
	return KindAny
}

// PictureFor returns the JPEG a simulated device would send for a snapshot
// type ("meter", "id-document", "car-damage", anything else), deterministic
// per seed.
func PictureFor(snapshotType string, seed int64) ([]byte, error) {
	return Picture(pictureKind(snapshotType), seed)
}

// Picture draws a deterministic, realistic-looking PictureWidth x
// PictureHeight JPEG (quality 85) of the given kind: KindMeter (an
// electricity or water meter with seven-segment digits), KindDocument (an ID
// card or a form), KindCar (a car panel with a dent) or KindAny (one of
// those, chosen by seed).
func Picture(kind string, seed int64) ([]byte, error) {
	return PictureScaled(kind, seed, PictureWidth)
}

// PictureScaled is Picture at width x width*3/4 pixels (16 <= width <= 4096);
// smaller pictures are proportionally faster, which helps tests under -race.
func PictureScaled(kind string, seed int64, width int) ([]byte, error) {
	if width < 16 || width > 4096 {
		return nil, fmt.Errorf("sim: picture width %d out of range", width)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x91c7))
	if kind == KindAny || kind == "" {
		kind = []string{KindMeter, KindDocument, KindCar}[rng.IntN(3)]
	}
	c := newCanvas(width, width*3/4)
	switch kind {
	case KindMeter:
		drawMeter(c, rng)
	case KindDocument:
		drawDocument(c, rng)
	case KindCar:
		drawCar(c, rng)
	default:
		return nil, fmt.Errorf("sim: unknown picture kind %q", kind)
	}
	var buf bytes.Buffer
	buf.Grow(200 << 10)
	if err := jpeg.Encode(&buf, c.img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, fmt.Errorf("sim: encode picture: %w", err)
	}
	return buf.Bytes(), nil
}

// picture returns the cached picture for key "kind:seed".
func (s *Server) picture(key string) ([]byte, error) {
	s.picMu.Lock()
	defer s.picMu.Unlock()
	if b, ok := s.picCache[key]; ok {
		return b, nil
	}
	kind, seedStr, _ := strings.Cut(key, ":")
	seed, err := strconv.ParseInt(seedStr, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("sim: bad picture key %q", key)
	}
	b, err := PictureScaled(kind, seed, s.opts.PictureWidth)
	if err != nil {
		return nil, err
	}
	if len(s.picCache) > 256 {
		clear(s.picCache)
	}
	s.picCache[key] = b
	return b, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Drawing happens in a fixed design space of designW x designH; the canvas
// scales it to its pixel size, so small pictures cost proportionally less.
const (
	designW = 1280
	designH = 960
)

// canvas is an RGBA image with the few drawing primitives the pictures need.
type canvas struct {
	img  *image.RGBA
	w, h int     // pixels
	k    float64 // pixels per design unit
	clip image.Rectangle
}

func newCanvas(w, h int) *canvas {
	r := image.Rect(0, 0, w, h)
	return &canvas{img: image.NewRGBA(r), w: w, h: h, k: float64(w) / designW, clip: r}
}

// clipTo limits blending to the design rectangle r until the returned
// function is called.
func (c *canvas) clipTo(r image.Rectangle) (restore func()) {
	old := c.clip
	c.clip = c.scaled(r)
	return func() { c.clip = old }
}

// full is the whole picture in design units.
func full() image.Rectangle { return image.Rect(0, 0, designW, designH) }

// px converts a design coordinate to pixels.
func (c *canvas) px(v float64) int { return int(math.Round(v * c.k)) }

// scaled converts a design rectangle to pixels, keeping it at least one
// pixel wide and high when it is not empty.
func (c *canvas) scaled(r image.Rectangle) image.Rectangle {
	if r.Empty() {
		return image.Rectangle{}
	}
	out := image.Rect(c.px(float64(r.Min.X)), c.px(float64(r.Min.Y)), c.px(float64(r.Max.X)), c.px(float64(r.Max.Y)))
	if out.Dx() == 0 {
		out.Max.X++
	}
	if out.Dy() == 0 {
		out.Max.Y++
	}
	return out.Intersect(c.img.Rect)
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

// shade scales a colour's brightness by f.
func shade(c color.RGBA, f float64) color.RGBA {
	cl := func(v uint8) uint8 { return uint8(math.Max(0, math.Min(255, float64(v)*f))) }
	return color.RGBA{cl(c.R), cl(c.G), cl(c.B), 255}
}

func lerp(a, b color.RGBA, t float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
}

// rect fills the design rectangle r with col.
func (c *canvas) rect(r image.Rectangle, col color.RGBA) {
	c.fillPx(c.scaled(r), col)
}

// fillPx fills a pixel rectangle.
func (c *canvas) fillPx(r image.Rectangle, col color.RGBA) {
	if r.Empty() {
		return
	}
	row := c.img.Pix[c.img.PixOffset(r.Min.X, r.Min.Y):]
	row = row[:4*r.Dx()]
	for i := 0; i < len(row); i += 4 {
		row[i], row[i+1], row[i+2], row[i+3] = col.R, col.G, col.B, 255
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		o := c.img.PixOffset(r.Min.X, y)
		copy(c.img.Pix[o:o+len(row)], row)
	}
}

// vgrad fills r with a vertical gradient from top to bottom colour.
func (c *canvas) vgrad(r image.Rectangle, top, bottom color.RGBA) {
	p := c.scaled(r)
	for y := p.Min.Y; y < p.Max.Y; y++ {
		t := float64(y-p.Min.Y) / float64(max(1, p.Dy()-1))
		c.fillPx(image.Rect(p.Min.X, y, p.Max.X, y+1), lerp(top, bottom, t))
	}
}

// blendPx mixes col into pixel (x, y) with alpha a in 0..1.
func (c *canvas) blendPx(x, y int, col color.RGBA, a float64) {
	if !(image.Point{x, y}).In(c.clip) || a <= 0 {
		return
	}
	if a > 1 {
		a = 1
	}
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+3 : i+3]
	p[0] = uint8(float64(p[0]) + (float64(col.R)-float64(p[0]))*a)
	p[1] = uint8(float64(p[1]) + (float64(col.G)-float64(p[1]))*a)
	p[2] = uint8(float64(p[2]) + (float64(col.B)-float64(p[2]))*a)
}

// blend mixes col into the pixel at design point (x, y).
func (c *canvas) blend(x, y float64, col color.RGBA, a float64) {
	c.blendPx(int(x*c.k), int(y*c.k), col, a)
}

// shadeArea blends col over the design rectangle r with an alpha computed
// per pixel from the pixel's design coordinates.
func (c *canvas) shadeArea(r image.Rectangle, col color.RGBA, alpha func(x, y float64) float64) {
	p := c.scaled(r)
	for y := p.Min.Y; y < p.Max.Y; y++ {
		dy := (float64(y) + 0.5) / c.k
		for x := p.Min.X; x < p.Max.X; x++ {
			c.blendPx(x, y, col, alpha((float64(x)+0.5)/c.k, dy))
		}
	}
}

// ellipse fills an ellipse given in design units; alpha(d) gives the opacity
// at normalized distance d (0 centre .. 1 edge), with a one-pixel soft edge.
func (c *canvas) ellipse(cx, cy, rx, ry float64, col color.RGBA, alpha func(d float64) float64) {
	cx, cy, rx, ry = cx*c.k, cy*c.k, math.Max(rx*c.k, 0.5), math.Max(ry*c.k, 0.5)
	x0, x1 := int(cx-rx-1), int(cx+rx+1)
	y0, y1 := int(cy-ry-1), int(cy+ry+1)
	edge := 1 / math.Min(rx, ry)
	for y := max(0, y0); y <= min(c.h-1, y1); y++ {
		dy := (float64(y) + 0.5 - cy) / ry
		for x := max(0, x0); x <= min(c.w-1, x1); x++ {
			dx := (float64(x) + 0.5 - cx) / rx
			d := math.Sqrt(dx*dx + dy*dy)
			if d > 1+edge {
				continue
			}
			a := 1.0
			if alpha != nil {
				a = alpha(math.Min(d, 1))
			}
			if d > 1 {
				a *= 1 - (d-1)/edge
			}
			c.blendPx(x, y, col, a)
		}
	}
}

// frame draws a border of width t inside r.
func (c *canvas) frame(r image.Rectangle, t int, col color.RGBA) {
	c.rect(image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t), col)
	c.rect(image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y), col)
	c.rect(image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y), col)
	c.rect(image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y), col)
}

// shadow darkens a soft band of width off below and right of r.
func (c *canvas) shadow(r image.Rectangle, off int) {
	o := float64(off)
	c.shadeArea(image.Rect(r.Min.X+off, r.Max.Y, r.Max.X+off, r.Max.Y+off), rgb(0, 0, 0), func(x, y float64) float64 {
		return 0.35 * (1 - (y-float64(r.Max.Y))/o)
	})
	c.shadeArea(image.Rect(r.Max.X, r.Min.Y+off, r.Max.X+off, r.Max.Y), rgb(0, 0, 0), func(x, y float64) float64 {
		return 0.35 * (1 - (x-float64(r.Max.X))/o)
	})
}

// textLine draws a line of "words" (dark bars) from x to at most x+width.
func (c *canvas) textLine(rng *rand.Rand, x, y, width, height int, col color.RGBA) {
	end := x + width
	for x < end {
		w := height*2 + rng.IntN(height*5)
		if x+w > end {
			w = end - x
		}
		if w > height {
			c.rect(image.Rect(x, y, x+w, y+height), col)
		}
		x += w + height
	}
}

// vignette darkens the corners like a phone lens. The factor separates
// into a row term and a column term, so the loop is integer-only.
func (c *canvas) vignette(strength float64) {
	cx, cy := float64(c.w)/2, float64(c.h)/2
	maxD := cx*cx + cy*cy
	col := make([]int32, c.w)
	for x := range col {
		dx := float64(x) - cx
		col[x] = int32(strength * dx * dx / maxD * 65536)
	}
	pix := c.img.Pix
	for y := 0; y < c.h; y++ {
		dy := float64(y) - cy
		row := int32(65536 - strength*dy*dy/maxD*65536)
		i := c.img.PixOffset(0, y)
		for x := 0; x < c.w; x, i = x+1, i+4 {
			f := uint32(max(0, row-col[x]))
			p := pix[i : i+3 : i+3]
			p[0] = uint8(uint32(p[0]) * f >> 16)
			p[1] = uint8(uint32(p[1]) * f >> 16)
			p[2] = uint8(uint32(p[2]) * f >> 16)
		}
	}
}
