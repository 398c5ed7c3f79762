package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"
)

// exifAPP1 builds an APP1 segment holding only an orientation tag.
func exifAPP1(orientation uint16, order binary.ByteOrder) []byte {
	var tiff bytes.Buffer
	if order == binary.LittleEndian {
		tiff.WriteString("II")
	} else {
		tiff.WriteString("MM")
	}
	w16 := func(v uint16) { _ = binary.Write(&tiff, order, v) }
	w32 := func(v uint32) { _ = binary.Write(&tiff, order, v) }
	w16(42)
	w32(8)      // IFD0 offset
	w16(2)      // entries
	w16(0x010F) // Make, ASCII, ignored
	w16(2)
	w32(4)
	tiff.WriteString("abc\x00")
	w16(0x0112) // Orientation, SHORT, 1
	w16(3)
	w32(1)
	w16(orientation)
	w16(0)
	w32(0) // next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	return append(seg, payload...)
}

// jpegWithOrientation encodes img and splices an EXIF segment after SOI.
func jpegWithOrientation(t testing.TB, img image.Image, o uint16, order binary.ByteOrder) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	out := append([]byte{}, b[:2]...)
	out = append(out, exifAPP1(o, order)...)
	return append(out, b[2:]...)
}

func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{220, 20, 20, 255} // left: red
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255} // right: blue
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r > 0x9000 && g < 0x6000 && b < 0x6000
}

func isBlue(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return b > 0x9000 && r < 0x6000 && g < 0x6000
}

func TestDecodeEXIFOrientation6(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		data := jpegWithOrientation(t, halves(64, 32), 6, order)
		img, info, err := Decode(context.Background(), data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if info.Width != 32 || info.Height != 64 || info.Orientation != 6 {
			t.Fatalf("info %+v, want 32x64 orientation 6", info)
		}
		if info.Format != "jpeg" || info.MimeType != "image/jpeg" || info.Bytes != len(data) {
			t.Fatalf("info %+v", info)
		}
		// Rotated 90° clockwise: the left (red) half is now on top.
		if !isRed(img.At(16, 5)) || !isBlue(img.At(16, 58)) {
			t.Fatalf("orientation not applied: top %v bottom %v", img.At(16, 5), img.At(16, 58))
		}
	}
}

func TestOrientAllCorners(t *testing.T) {
	const w, h = 5, 3
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	tl := color.RGBA{1, 0, 0, 255}
	tr := color.RGBA{2, 0, 0, 255}
	src.SetRGBA(0, 0, tl)
	src.SetRGBA(w-1, 0, tr)
	// Where the source's top-left and top-right pixels must land.
	want := map[int][2]image.Point{
		2: {{w - 1, 0}, {0, 0}},
		3: {{w - 1, h - 1}, {0, h - 1}},
		4: {{0, h - 1}, {w - 1, h - 1}},
		5: {{0, 0}, {0, w - 1}},
		6: {{h - 1, 0}, {h - 1, w - 1}},
		7: {{h - 1, w - 1}, {h - 1, 0}},
		8: {{0, w - 1}, {0, 0}},
	}
	for o, pts := range want {
		out := orient(src, o).(*image.RGBA)
		if o >= 5 && (out.Bounds().Dx() != h || out.Bounds().Dy() != w) {
			t.Fatalf("o=%d: size %v", o, out.Bounds())
		}
		if out.RGBAAt(pts[0].X, pts[0].Y) != tl || out.RGBAAt(pts[1].X, pts[1].Y) != tr {
			t.Errorf("o=%d: top-left at %v is %v, top-right at %v is %v", o, pts[0], out.RGBAAt(pts[0].X, pts[0].Y), pts[1], out.RGBAAt(pts[1].X, pts[1].Y))
		}
	}
}

func TestJPEGOrientationParserIsDefensive(t *testing.T) {
	good := jpegWithOrientation(t, halves(8, 8), 8, binary.BigEndian)
	if o := jpegOrientation(good); o != 8 {
		t.Fatalf("orientation %d, want 8", o)
	}
	// Every truncation must be handled without panicking.
	for i := 0; i < 80 && i < len(good); i++ {
		_ = jpegOrientation(good[:i])
	}
	for _, bad := range [][]byte{nil, {0xFF}, {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01}} {
		if o := jpegOrientation(bad); o != 0 {
			t.Fatalf("bad input gave %d", o)
		}
	}
}

// pngHeader returns a PNG signature and IHDR claiming w×h, with no pixels.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDecodeRefusesHugePictureWithoutAllocating(t *testing.T) {
	data := pngHeader(20000, 20000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, info, err := Decode(context.Background(), data, Limits{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("err = %v, want ErrTooManyPixels", err)
	}
	if info.Format != "png" {
		t.Fatalf("format %q", info.Format)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("allocated %d bytes refusing a header", grew)
	}
	t.Log(err)
}

func TestDecodeLimitsAndErrors(t *testing.T) {
	ctx := context.Background()
	var pngBuf bytes.Buffer
	_ = png.Encode(&pngBuf, halves(40, 30))
	if _, _, err := Decode(ctx, pngBuf.Bytes(), Limits{MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("byte cap: %v", err)
	}
	if _, _, err := Decode(ctx, pngBuf.Bytes(), Limits{MaxPixels: 1000}); !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("pixel cap: %v", err)
	}
	img, info, err := Decode(ctx, pngBuf.Bytes(), Limits{})
	if err != nil || info.Width != 40 || info.Height != 30 || img.Bounds().Dx() != 40 {
		t.Fatalf("png: %v %+v", err, info)
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("hello, this is not a picture"),
		"truncated": pngBuf.Bytes()[:pngBuf.Len()/2],
		"zero size": pngHeader(0, 10),
	} {
		if _, _, err := Decode(ctx, data, Limits{}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v, want ErrUnsupported", name, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := Decode(cctx, pngBuf.Bytes(), Limits{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
