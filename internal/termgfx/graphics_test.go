package termgfx

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mattn/go-sixel"

	"github.com/snapdash/snapdash/internal/imaging"
)

func TestSixelRoundTrip(t *testing.T) {
	pic := testPicture(640, 480)
	o := Options{Cols: 40, Rows: 12, Mode: ModeSixel}
	f, err := Render(context.Background(), pic, o)
	if err != nil {
		t.Fatal(err)
	}
	checkShape(t, f, 40, 12)
	if strings.TrimSpace(f.String()) != "" {
		t.Fatal("sixel lines are not blank")
	}
	if !strings.HasPrefix(f.Graphic, "\x1bP") || !strings.HasSuffix(f.Graphic, "\x1b\\") {
		t.Fatalf("not a DCS: %q...", f.Graphic[:min(20, len(f.Graphic))])
	}
	var got image.Image
	if err := sixel.NewDecoder(strings.NewReader(f.Graphic)).Decode(&got); err != nil {
		t.Fatal(err)
	}
	// 640x480 into 400x240 px (40x12 cells of 10x20): 320x240, centred.
	gb := got.Bounds()
	if gb.Dx() < 320 || gb.Dy() < 240 {
		t.Fatalf("decoded %v, want at least 320x240", gb)
	}
	if f.GraphicCols != 32 || f.GraphicRows != 12 || f.GraphicCol != 4 || f.GraphicRow != 0 {
		t.Fatalf("graphic cells %dx%d at %d,%d", f.GraphicCols, f.GraphicRows, f.GraphicCol, f.GraphicRow)
	}
	ref, err := imaging.Resample(context.Background(), pic, pic.Bounds(), 320, 240)
	if err != nil {
		t.Fatal(err)
	}
	var sum, n float64
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			r1, g1, b1, _ := got.At(x, y).RGBA()
			r2, g2, b2, _ := ref.At(x, y).RGBA()
			sum += absDiff(r1, r2) + absDiff(g1, g2) + absDiff(b1, b2)
			n += 3
		}
	}
	mae := sum / n / 257
	t.Logf("sixel mean absolute error: %.2f/255, %d bytes", mae, len(f.Graphic))
	if mae > 6 {
		t.Fatalf("sixel differs from the source: MAE %.2f/255", mae)
	}
}

func absDiff(a, b uint32) float64 {
	if a > b {
		return float64(a - b)
	}
	return float64(b - a)
}

var apcRE = regexp.MustCompile("\x1b_G([^;]*);([^\x1b]*)\x1b\\\\")

func TestKittyStructure(t *testing.T) {
	pic := testPicture(800, 600)
	for _, id := range []uint32{7, 300, 0x01020304} {
		o := Options{Cols: 30, Rows: 10, Mode: ModeKitty, ImageID: id, CellW: 8, CellH: 16}
		f, err := Render(context.Background(), pic, o)
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, f, 30, 10)
		payload := kittyPayload(t, f, id)
		raw, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			t.Fatalf("base64: %v", err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("payload is not a PNG: %v", err)
		}
		// 800x600 into 240x160 px: 213x160, i.e. 27x10 cells of 8x16.
		if cfg.Width != 213 || cfg.Height != 160 || f.GraphicCols != 27 || f.GraphicRows != 10 {
			t.Fatalf("png %dx%d, cells %dx%d", cfg.Width, cfg.Height, f.GraphicCols, f.GraphicRows)
		}
		checkPlaceholders(t, f, id)
		var fg string
		if id < 256 {
			fg = "\x1b[38;5;" + strconv.Itoa(int(id)) + "m"
		} else {
			fg = "\x1b[38;2;" + strconv.Itoa(int(id>>16&255)) + ";" + strconv.Itoa(int(id>>8&255)) + ";" + strconv.Itoa(int(id&255)) + "m"
		}
		if !strings.Contains(f.Lines[f.GraphicRow], fg) {
			t.Fatalf("id %d: foreground %q not found", id, fg)
		}
		if f.ImageID != id {
			t.Fatalf("frame id %d", f.ImageID)
		}
	}
}

// kittyPayload checks f's kitty transmission (chunked APCs and nothing
// else, at most 4096 bytes each, m=1 then m=0, the control keys on the
// first) and returns its base64 payload.
func kittyPayload(t *testing.T, f Frame, id uint32) string {
	t.Helper()
	matches := apcRE.FindAllStringSubmatch(f.Graphic, -1)
	if len(matches) < 2 {
		t.Fatalf("want a chunked transmission, got %d chunks", len(matches))
	}
	if rest := apcRE.ReplaceAllString(f.Graphic, ""); rest != "" {
		t.Fatalf("bytes outside APCs: %q", rest[:min(40, len(rest))])
	}
	var payload strings.Builder
	for i, m := range matches {
		ctrl, data := m[1], m[2]
		if len(data) > 4096 {
			t.Fatalf("chunk %d has %d bytes", i, len(data))
		}
		last := i == len(matches)-1
		if last != strings.Contains(ctrl, "m=0") || !last != strings.Contains(ctrl, "m=1") {
			t.Fatalf("chunk %d control %q", i, ctrl)
		}
		if i == 0 {
			for _, k := range []string{"a=T", "U=1", "f=100", "q=2", "i=" + strconv.FormatUint(uint64(id), 10), "c=", "r="} {
				if !strings.Contains(ctrl, k) {
					t.Fatalf("first chunk %q lacks %s", ctrl, k)
				}
			}
		} else if ctrl != "m=1" && ctrl != "m=0" {
			t.Fatalf("chunk %d carries control data %q", i, ctrl)
		}
		payload.WriteString(data)
	}
	return payload.String()
}

// checkPlaceholders checks one placeholder per cell of the placement, each
// with its row diacritic (and the id's high byte when set).
func checkPlaceholders(t *testing.T, f Frame, id uint32) {
	t.Helper()
	// Placeholders: one per cell of the placement, each with row and
	// column diacritics (and the id's high byte when set).
	count := 0
	for r, l := range f.Lines {
		for c, ch := 0, []rune(l); c < len(ch); c++ {
			if ch[c] != kittyPlaceholder {
				continue
			}
			count++
			if ch[c+1] != placeholderDiacritics[r-f.GraphicRow] {
				t.Fatalf("row %d: wrong row diacritic", r)
			}
			if id>>24 != 0 && ch[c+3] != placeholderDiacritics[id>>24] {
				t.Fatalf("row %d: missing high-byte diacritic", r)
			}
		}
	}
	if count != f.GraphicCols*f.GraphicRows {
		t.Fatalf("%d placeholders, want %d", count, f.GraphicCols*f.GraphicRows)
	}
}

func TestKittyFillsPaneWhenShapesMatch(t *testing.T) {
	// 400x200 px in 40x10 cells of 10x20: exactly the pane.
	f, err := Render(context.Background(), testPicture(400, 200), Options{Cols: 40, Rows: 10, Mode: ModeKitty, ImageID: 3})
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(f.String(), string(kittyPlaceholder))
	if n != 40*10 {
		t.Fatalf("%d placeholders, want Cols*Rows = 400", n)
	}
}

func TestCacheLRU(t *testing.T) {
	c := NewCache(1 << 20)
	big := Frame{Lines: []string{strings.Repeat("x", 400<<10)}}
	c.Put("a", big)
	c.Put("b", big)
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a missing")
	}
	c.Put("c", big) // evicts b, the least recently used
	if _, ok := c.Get("b"); ok {
		t.Fatal("b should have been evicted")
	}
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a evicted instead of b")
	}
	s := c.Stats()
	if s.Evictions != 1 || s.Entries != 2 || s.Bytes > s.MaxBytes || s.Hits != 2 || s.Misses != 1 {
		t.Fatalf("stats %+v", s)
	}
	c.Put("huge", Frame{Graphic: strings.Repeat("x", 2<<20)})
	if _, ok := c.Get("huge"); ok {
		t.Fatal("an entry larger than the budget was kept")
	}
	img := testPicture(100, 100)
	c.PutImage("img", img, imaging.Info{Width: 100, Height: 100})
	if e, ok := c.GetImage("img"); !ok || e.Info.Width != 100 {
		t.Fatal("image missing")
	}
	if _, ok := c.Get("img"); ok {
		t.Fatal("Get returned an image entry as a frame")
	}
	c.Remove("img")
	c.Purge()
	if s := c.Stats(); s.Entries != 0 || s.Bytes != 0 {
		t.Fatalf("after purge %+v", s)
	}
	if Key("s1", Options{Cols: 1}) == Key("s1", Options{Cols: 2}) {
		t.Fatal("keys ignore the size")
	}
}

// encodeSixelGo is go-sixel's encoder, kept to compare against.
func encodeSixelGo(px *image.RGBA, colors int) (string, error) {
	var buf bytes.Buffer
	enc := sixel.NewEncoder(&buf)
	enc.Colors = colors
	err := enc.Encode(px)
	return buf.String(), err
}

func BenchmarkSixelEncoders(b *testing.B) {
	img, _, err := imaging.Decode(context.Background(), bigJPEG(), imaging.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	px, err := imaging.Resample(context.Background(), img, img.Bounds(), 1066, 800)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("snapdash", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s, _ := encodeSixelFast(context.Background(), px, 256)
			b.ReportMetric(float64(len(s)), "bytes")
		}
	})
	b.Run("go-sixel", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s, _ := encodeSixelGo(px, 256)
			b.ReportMetric(float64(len(s)), "bytes")
		}
	})
}
