package cellimg

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
)

// maxSixelPixels bounds what DecodeSixel paints (a 4096×4096 graphic).
const maxSixelPixels = 4096 * 4096

// DecodeSixel decodes the first sixel graphic (ESC P … q … ESC \) in s to
// pixels, as a VT340-compatible terminal paints it: colour registers set
// with '#n;2;r;g;b' (percent) or '#n;1;h;l;s', '!n' repeats, '$' returns
// to the band's start, '-' moves to the next band. Pixels no sixel sets are
// transparent (alpha 0). The picture is as large as its raster attributes
// say, or as far as it was painted. Snapdash's tests and bench/compare.sh
// use it to see what snapdash and img2sixel actually draw.
func DecodeSixel(s string) (*image.RGBA, error) {
	start := strings.Index(s, "\x1bP")
	if start < 0 {
		return nil, errors.New("no sixel graphic (ESC P) found")
	}
	s = s[start+2:]
	q := strings.IndexByte(s, 'q')
	if q < 0 {
		return nil, errors.New("sixel graphic without 'q'")
	}
	s = s[q+1:]
	if end := strings.Index(s, "\x1b\\"); end >= 0 {
		s = s[:end]
	}
	var regs [1024]color.RGBA
	for i := range regs {
		regs[i] = color.RGBA{0, 0, 0, 255}
	}
	cur := 0
	var pix []color.RGBA // width×height, grown as needed
	width, height := 0, 0
	rasterW, rasterH := 0, 0
	x, band := 0, 0
	grow := func(w, h int) error {
		if w <= width && h <= height {
			return nil
		}
		nw, nh := max(w, width), max(h, height)
		if nw*nh > maxSixelPixels {
			return fmt.Errorf("sixel graphic larger than %d pixels", maxSixelPixels)
		}
		np := make([]color.RGBA, nw*nh)
		for y := 0; y < height; y++ {
			copy(np[y*nw:], pix[y*width:(y+1)*width])
		}
		pix, width, height = np, nw, nh
		return nil
	}
	paint := func(v byte, n int) error {
		if n <= 0 {
			return nil
		}
		if err := grow(x+n, band*6+6); err != nil {
			return err
		}
		for dy := 0; dy < 6; dy++ {
			if v&(1<<dy) == 0 {
				continue
			}
			row := (band*6 + dy) * width
			for i := x; i < x+n; i++ {
				pix[row+i] = regs[cur]
			}
		}
		x += n
		return nil
	}
	nums := func(i int) ([]int, int) {
		var out []int
		v, have := 0, false
		for ; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= '0' && c <= '9':
				v = min(v*10+int(c-'0'), 1<<20)
				have = true
			case c == ';':
				out = append(out, v)
				v, have = 0, false
			default:
				if have || len(out) > 0 {
					out = append(out, v)
				}
				return out, i
			}
		}
		if have || len(out) > 0 {
			out = append(out, v)
		}
		return out, i
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			p, n := nums(i + 1)
			if len(p) >= 4 {
				rasterW, rasterH = p[2], p[3]
			}
			i = n
		case c == '#':
			p, n := nums(i + 1)
			i = n
			if len(p) == 0 {
				continue
			}
			reg := p[0] % len(regs)
			cur = reg
			if len(p) >= 5 {
				switch p[1] {
				case 2:
					pc := func(v int) uint8 { return uint8((min(v, 100)*255 + 50) / 100) }
					regs[reg] = color.RGBA{pc(p[2]), pc(p[3]), pc(p[4]), 255}
				case 1:
					regs[reg] = hls(p[2], p[3], p[4])
				}
			}
		case c == '!':
			p, n := nums(i + 1)
			if n >= len(s) || len(p) == 0 {
				return nil, errors.New("sixel repeat without a sixel")
			}
			if v := s[n]; v >= '?' && v <= '~' {
				if err := paint(v-'?', p[0]); err != nil {
					return nil, err
				}
			}
			i = n + 1
		case c == '$':
			x = 0
			i++
		case c == '-':
			x = 0
			band++
			i++
		case c >= '?' && c <= '~':
			if err := paint(c-'?', 1); err != nil {
				return nil, err
			}
			i++
		default:
			i++
		}
	}
	if rasterW > 0 && rasterH > 0 {
		if err := grow(rasterW, rasterH); err != nil {
			return nil, err
		}
	}
	w, h := width, height
	if rasterW > 0 && rasterH > 0 {
		w, h = rasterW, rasterH
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for xx := 0; xx < w; xx++ {
			img.SetRGBA(xx, y, pix[y*width+xx])
		}
	}
	return img, nil
}

// hls converts a sixel HLS colour (hue 0..360 with blue at 0, lightness
// and saturation 0..100) to RGB.
func hls(h, l, s int) color.RGBA {
	hf := math.Mod(float64(h)+240, 360) / 360 // sixel hue 0 is blue
	lf, sf := float64(l)/100, float64(s)/100
	if sf == 0 {
		v := round8(lf * 255)
		return color.RGBA{v, v, v, 255}
	}
	var q float64
	if lf < 0.5 {
		q = lf * (1 + sf)
	} else {
		q = lf + sf - lf*sf
	}
	p := 2*lf - q
	conv := func(t float64) uint8 {
		t = math.Mod(t+1, 1)
		var v float64
		switch {
		case t < 1.0/6:
			v = p + (q-p)*6*t
		case t < 0.5:
			v = q
		case t < 2.0/3:
			v = p + (q-p)*(2.0/3-t)*6
		default:
			v = p
		}
		return round8(v * 255)
	}
	return color.RGBA{conv(hf + 1.0/3), conv(hf), conv(hf - 1.0/3), 255}
}
