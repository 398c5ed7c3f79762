package sim

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// segments lists, per digit, which of the seven segments (a..g) are lit.
var segments = [10]uint8{
	0b0111111, 0b0000110, 0b1011011, 0b1001111, 0b1100110,
	0b1101101, 0b1111101, 0b0000111, 0b1111111, 0b1101111,
}

// digit draws a seven-segment digit in the box at (x, y) of size w x h;
// unlit segments are drawn faintly, as on a real LCD.
func (c *canvas) digit(d, x, y, w, h int, on, off color.RGBA) {
	t := max(3, w/6)
	half := h / 2
	segs := [7]image.Rectangle{
		image.Rect(x+t, y, x+w-t, y+t),                 // a
		image.Rect(x+w-t, y+t, x+w, y+half),            // b
		image.Rect(x+w-t, y+half, x+w, y+h-t),          // c
		image.Rect(x+t, y+h-t, x+w-t, y+h),             // d
		image.Rect(x, y+half, x+t, y+h-t),              // e
		image.Rect(x, y+t, x+t, y+half),                // f
		image.Rect(x+t, y+half-t/2, x+w-t, y+half+t/2), // g
	}
	for i, r := range segs {
		col := off
		if segments[d]&(1<<i) != 0 {
			col = on
		}
		c.rect(r.Inset(1), col)
	}
}

// drawMeter draws an electricity (LCD) or water (odometer) meter on a wall.
func drawMeter(c *canvas, rng *rand.Rand) {
	wall := rgb(uint8(190+rng.IntN(40)), uint8(180+rng.IntN(30)), uint8(150+rng.IntN(40)))
	c.vgrad(full(), shade(wall, 1.05), shade(wall, 0.8))
	// Housing, slightly off-centre like a hand-held shot.
	ox, oy := 140+rng.IntN(120), 80+rng.IntN(80)
	housing := image.Rect(ox, oy, ox+860, oy+760)
	c.shadow(housing, 24)
	body := []color.RGBA{rgb(72, 76, 82), rgb(225, 225, 220), rgb(40, 70, 120)}[rng.IntN(3)]
	c.vgrad(housing, shade(body, 1.15), shade(body, 0.85))
	c.frame(housing, 6, shade(body, 0.6))
	for _, p := range [][2]int{{30, 30}, {830, 30}, {30, 730}, {830, 730}} {
		c.ellipse(float64(ox+p[0]), float64(oy+p[1]), 12, 12, rgb(150, 150, 150), nil)
		c.rect(image.Rect(ox+p[0]-8, oy+p[1]-1, ox+p[0]+8, oy+p[1]+2), rgb(80, 80, 80))
	}
	// Glass window with a diagonal reflection.
	glass := image.Rect(ox+80, oy+90, ox+780, oy+430)
	c.vgrad(glass, rgb(210, 220, 215), rgb(170, 180, 178))
	c.frame(glass, 4, rgb(60, 60, 60))
	water := rng.IntN(2) == 0
	display := image.Rect(ox+130, oy+160, ox+730, oy+330)
	digits := 7
	var on, off, bg color.RGBA
	if water {
		bg, on, off = rgb(25, 25, 28), rgb(235, 235, 230), rgb(25, 25, 28)
	} else {
		bg, on, off = rgb(150, 170, 120), rgb(30, 40, 30), rgb(138, 158, 110)
	}
	c.rect(display, bg)
	dw := display.Dx() / digits
	for i := 0; i < digits; i++ {
		x := display.Min.X + i*dw + 12
		if water && i >= digits-2 {
			c.rect(image.Rect(x-8, display.Min.Y+6, x+dw-16, display.Max.Y-6), rgb(170, 30, 30))
		}
		c.digit(rng.IntN(10), x, display.Min.Y+22, dw-36, display.Dy()-44, on, off)
	}
	if !water {
		c.ellipse(float64(display.Min.X+5*dw+6), float64(display.Max.Y-24), 5, 5, on, nil)
	}
	// Reflection streak across the glass.
	streak := image.Rect(glass.Min.X+120, glass.Min.Y, glass.Min.X+210+glass.Dy()/2, glass.Max.Y)
	c.shadeArea(streak, rgb(255, 255, 255), func(x, y float64) float64 {
		t := (x - float64(glass.Min.X+120) - (y-float64(glass.Min.Y))/2) / 90
		if t < 0 || t > 1 {
			return 0
		}
		return 0.18 * math.Sin(t*math.Pi)
	})
	// Name plate: label lines, a serial barcode and the unit.
	plate := image.Rect(ox+80, oy+470, ox+780, oy+700)
	c.rect(plate, rgb(235, 235, 228))
	c.frame(plate, 3, rgb(120, 120, 120))
	for i := 0; i < 4; i++ {
		c.textLine(rng, plate.Min.X+30, plate.Min.Y+30+i*40, 380-rng.IntN(120), 14, rgb(50, 50, 55))
	}
	for x := plate.Min.X + 450; x < plate.Max.X-30; {
		w := 2 + rng.IntN(5)
		c.rect(image.Rect(x, plate.Min.Y+40, x+w, plate.Min.Y+150), rgb(20, 20, 20))
		x += w + 2 + rng.IntN(5)
	}
	c.vignette(0.35)
}

// drawDocument draws an ID card or a filled-in form lying on a desk.
func drawDocument(c *canvas, rng *rand.Rand) {
	wood := rgb(uint8(120+rng.IntN(40)), uint8(80+rng.IntN(25)), uint8(45+rng.IntN(20)))
	c.vgrad(full(), shade(wood, 1.1), shade(wood, 0.85))
	for i := 0; i < 60; i++ {
		y := float64(rng.IntN(designH))
		col := shade(wood, 0.8+rng.Float64()*0.3)
		step := 1 / c.k
		for x := 0.0; x < designW; x += step {
			c.blend(x, y+6*math.Sin(x/(80+float64(i))), col, 0.5)
		}
	}
	if rng.IntN(2) == 0 {
		drawIDCard(c, rng)
	} else {
		drawForm(c, rng)
	}
	c.vignette(0.4)
}

// drawIDCard draws an identity card: header band, photo, fields, MRZ lines.
func drawIDCard(c *canvas, rng *rand.Rand) {
	ox, oy := 150+rng.IntN(100), 160+rng.IntN(80)
	card := image.Rect(ox, oy, ox+940, oy+600)
	c.shadow(card, 20)
	tint := []color.RGBA{rgb(214, 228, 240), rgb(236, 222, 232), rgb(224, 236, 214)}[rng.IntN(3)]
	c.vgrad(card, shade(tint, 1.05), shade(tint, 0.92))
	band := []color.RGBA{rgb(30, 60, 130), rgb(130, 30, 50), rgb(20, 100, 70)}[rng.IntN(3)]
	c.rect(image.Rect(card.Min.X, card.Min.Y, card.Max.X, card.Min.Y+80), band)
	c.textLine(rng, card.Min.X+40, card.Min.Y+28, 520, 24, rgb(240, 240, 240))
	photo := image.Rect(card.Min.X+40, card.Min.Y+120, card.Min.X+300, card.Min.Y+450)
	c.rect(photo, rgb(185, 195, 205))
	skin := []color.RGBA{rgb(235, 200, 170), rgb(200, 150, 110), rgb(140, 95, 65)}[rng.IntN(3)]
	restore := c.clipTo(photo)
	c.ellipse(float64(photo.Min.X+130), float64(photo.Max.Y+20), 120, 110, rgb(60, 60, 80), nil)
	c.ellipse(float64(photo.Min.X+130), float64(photo.Min.Y+140), 70, 90, skin, nil)
	c.ellipse(float64(photo.Min.X+130), float64(photo.Min.Y+80), 74, 44, rgb(50, 35, 25), nil)
	restore()
	c.frame(photo, 2, rgb(90, 90, 90))
	for i := 0; i < 6; i++ {
		y := card.Min.Y + 130 + i*52
		c.rect(image.Rect(card.Min.X+340, y, card.Min.X+440, y+10), rgb(120, 120, 140))
		c.textLine(rng, card.Min.X+340, y+18, 250+rng.IntN(300), 18, rgb(30, 30, 40))
	}
	for i := 0; i < 2; i++ {
		y := card.Max.Y - 110 + i*46
		for x := card.Min.X + 40; x < card.Max.X-40; x += 26 {
			c.rect(image.Rect(x, y, x+18, y+28), rgb(40, 40, 45))
		}
	}
	// Hologram sheen.
	c.ellipse(float64(card.Max.X-150), float64(card.Min.Y+200), 90, 90, rgb(255, 255, 255), func(d float64) float64 { return 0.25 * (1 - d) })
}

// drawForm draws an A4 form page with headings, lines, boxes and a signature.
func drawForm(c *canvas, rng *rand.Rand) {
	ox := 260 + rng.IntN(120)
	page := image.Rect(ox, 30, ox+700, 1000)
	c.shadow(page, 18)
	c.vgrad(page, rgb(250, 250, 246), rgb(232, 232, 226))
	c.textLine(rng, page.Min.X+60, page.Min.Y+60, 420, 30, rgb(20, 20, 30))
	y := page.Min.Y + 140
	for y < page.Max.Y-200 {
		if rng.IntN(5) == 0 {
			box := image.Rect(page.Min.X+60, y, page.Max.X-60, y+90)
			c.frame(box, 2, rgb(100, 100, 110))
			c.textLine(rng, box.Min.X+20, box.Min.Y+20, 300, 12, rgb(60, 60, 90))
			y += 120
			continue
		}
		c.textLine(rng, page.Min.X+60, y, 400+rng.IntN(180), 12, rgb(40, 40, 50))
		y += 32
	}
	c.rect(image.Rect(page.Min.X+60, page.Max.Y-120, page.Min.X+360, page.Max.Y-118), rgb(60, 60, 60))
	ink := rgb(20, 40, 140)
	for i := 0; i < 260; i++ {
		x := float64(page.Min.X + 80 + i)
		yy := float64(page.Max.Y-140) + 18*math.Sin(float64(i)/11)*math.Cos(float64(i)/37)
		c.ellipse(x, yy, 2.2, 2.2, ink, nil)
	}
}

// drawCar draws a close-up of a car door with a dent: a body colour
// gradient, a sky reflection band, a panel gap, a handle and the dent.
func drawCar(c *canvas, rng *rand.Rand) {
	paint := []color.RGBA{rgb(170, 20, 30), rgb(25, 60, 140), rgb(180, 185, 190), rgb(235, 235, 235), rgb(30, 32, 36), rgb(20, 90, 60)}[rng.IntN(6)]
	groundY := 780 + rng.IntN(60)
	c.vgrad(image.Rect(0, 0, designW, groundY), shade(paint, 1.25), shade(paint, 0.7))
	c.vgrad(image.Rect(0, groundY, designW, designH), rgb(95, 95, 98), rgb(60, 60, 62))
	c.rect(image.Rect(0, groundY-14, designW, groundY), rgb(25, 25, 25)) // sill shadow
	// Sky reflection band along the body line.
	band := 250 + rng.IntN(80)
	c.shadeArea(image.Rect(0, band, designW, band+70), rgb(235, 242, 255), func(_, y float64) float64 {
		return 0.45 * math.Sin((y-float64(band))/70*math.Pi)
	})
	// Crease line and panel gap.
	c.rect(image.Rect(0, band+90, designW, band+93), shade(paint, 0.55))
	gap := 560 + rng.IntN(200)
	c.rect(image.Rect(gap, 0, gap+5, groundY-14), rgb(15, 15, 15))
	// Door handle.
	hx := gap - 300
	handle := image.Rect(hx, band+130, hx+190, band+175)
	c.rect(handle.Inset(-6), shade(paint, 0.5))
	c.vgrad(handle, shade(paint, 1.3), shade(paint, 0.8))
	// The dent: a darker ellipse with a radial falloff, a highlight crescent
	// on its upper rim and a few scratches.
	dx := float64(gap + 120 + rng.IntN(280))
	dy := float64(band + 220 + rng.IntN(180))
	rx, ry := 110+rng.Float64()*80, 60+rng.Float64()*40
	c.ellipse(dx, dy, rx, ry, shade(paint, 0.35), func(d float64) float64 { return 0.75 * (1 - d*d) })
	c.ellipse(dx-rx*0.15, dy-ry*0.55, rx*0.7, ry*0.25, rgb(255, 255, 255), func(d float64) float64 { return 0.5 * (1 - d) })
	c.ellipse(dx+rx*0.2, dy+ry*0.6, rx*0.6, ry*0.18, shade(paint, 1.4), func(d float64) float64 { return 0.35 * (1 - d) })
	for i := 0; i < 5; i++ {
		sx, sy := dx-rx+rng.Float64()*rx, dy-ry/2+rng.Float64()*ry
		ang := -0.3 + rng.Float64()*0.6
		for t := 0.0; t < 60+rng.Float64()*80; t += 1 / math.Max(1, c.k) {
			c.blend(sx+t*math.Cos(ang), sy+t*math.Sin(ang), rgb(220, 220, 220), 0.6)
		}
	}
	c.vignette(0.3)
}
