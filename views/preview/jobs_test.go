package preview

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// stubAPI serves downloads from a function: these tests feed the decode
// path bytes no server would send, to check the limits.
type stubAPI struct {
	download func(ctx context.Context, id string) (client.Image, error)
}

func (s stubAPI) Download(ctx context.Context, id string) (client.Image, error) {
	return s.download(ctx, id)
}

// pngHeader returns a PNG signature and IHDR chunk claiming w×h pixels,
// followed by junk: enough to pass a MIME sniff and DecodeConfig, never
// enough to decode.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.Write(bytes.Repeat([]byte{0xde, 0xad}, 300))
	return b.Bytes()
}

// TestLoadFrameLimits feeds the decode path directly: over the byte cap,
// over the pixel cap, corrupt; each fails with a clear error before any
// pixel is allocated.
func TestLoadFrameLimits(t *testing.T) {
	cache := termgfx.NewCache(64 << 20)
	slots := make(chan struct{}, 1)
	o := termgfx.Options{Cols: 40, Rows: 10, Mode: termgfx.ModeASCII, Zoom: 1}
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"bytes", append(pngHeader(10, 10), make([]byte, imaging.DefaultMaxBytes)...), imaging.ErrTooLarge},
		{"pixels", pngHeader(8000, 7000), imaging.ErrTooManyPixels},
		{"corrupt", []byte("\xff\xd8\xff\xdb truncated JPEG"), imaging.ErrUnsupported},
	} {
		api := stubAPI{download: func(context.Context, string) (client.Image, error) {
			return client.Image{Bytes: c.data, MimeType: "image/png"}, nil
		}}
		_, _, err := loadFrame(context.Background(), api, cache, slots, c.name, o)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if _, ok := cache.GetImage(imageKey(c.name)); ok {
			t.Errorf("%s: a refused picture was cached", c.name)
		}
	}
	// A cancelled context never takes a decode slot.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slots <- struct{}{} // every slot busy
	api := stubAPI{download: func(context.Context, string) (client.Image, error) {
		return client.Image{Bytes: pngHeader(10, 10)}, nil
	}}
	if _, _, err := loadFrame(ctx, api, cache, slots, "busy", o); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled job waiting for a slot: %v", err)
	}
}
