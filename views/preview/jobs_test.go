package preview

import (
	"context"
	"errors"
	"github.com/snapdash/snapdash/bench/testpic"
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
		{"bytes", append(testpic.PNGHeader(10, 10), make([]byte, imaging.DefaultMaxBytes)...), imaging.ErrTooLarge},
		{"pixels", testpic.PNGHeader(8000, 7000), imaging.ErrTooManyPixels},
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
		return client.Image{Bytes: testpic.PNGHeader(10, 10)}, nil
	}}
	if _, _, err := loadFrame(ctx, api, cache, slots, "busy", o); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled job waiting for a slot: %v", err)
	}
}
