package termgfx

import (
	"fmt"
	"image"

	"github.com/snapdash/snapdash/internal/bytecache"
	"github.com/snapdash/snapdash/internal/imaging"
)

// Cache keeps rendered frames and decoded pictures, least recently used
// first out, within a byte budget. It is safe for concurrent use (renders
// run in tea.Cmd goroutines). Build one per program or SSH session; give
// the caches of a process one shared imaging.Budget (NewBudgetCache).
type Cache struct {
	budget *imaging.Budget
	c      *bytecache.Cache[string, any]
}

// CacheStats counts cache activity.
type CacheStats struct {
	// Hits and Misses count Get and GetImage calls.
	Hits, Misses int64
	// Evictions counts entries dropped to stay within the budget.
	Evictions int64
	// Entries and Bytes describe the current contents.
	Entries int
	Bytes   int64
	// MaxBytes is the budget.
	MaxBytes int64
}

// String formats the stats for a debug line.
func (s CacheStats) String() string {
	return fmt.Sprintf("%d entries, %s of %s, %d hits, %d misses, %d evicted",
		s.Entries, imaging.HumanBytes(s.Bytes), imaging.HumanBytes(s.MaxBytes), s.Hits, s.Misses, s.Evictions)
}

// budgetShare charges a cache's entries to an imaging.Budget's share for
// caches.
type budgetShare struct{ b *imaging.Budget }

func (s budgetShare) Charge(n int64) bool { return s.b.ChargeCache(n) }
func (s budgetShare) Release(n int64)     { s.b.ReleaseCache(n) }

// ImageEntry is a decoded picture with its Info, as kept by the cache.
type ImageEntry struct {
	// Image is the decoded (and oriented) picture.
	Image image.Image
	// Info describes it.
	Info imaging.Info
}

// NewCache returns a cache holding at most maxBytes (at least 1 MiB).
func NewCache(maxBytes int64) *Cache { return NewBudgetCache(maxBytes, nil) }

// NewBudgetCache returns a cache holding at most maxBytes (at least 1 MiB)
// that also charges what it keeps to b's share for caches, shared with
// the other caches of the process: when that share is full, the cache
// drops its own oldest entries, or keeps nothing new. A nil b has no
// shared limit. Close the cache when its program ends, to give its bytes
// back.
func NewBudgetCache(maxBytes int64, b *imaging.Budget) *Cache {
	if maxBytes < 1<<20 {
		maxBytes = 1 << 20
	}
	var share bytecache.Charger
	if b != nil {
		share = budgetShare{b}
	}
	return &Cache{budget: b, c: bytecache.New[string, any](maxBytes, share)}
}

// Budget returns the shared budget the cache charges (nil when none), for
// the decodes that fill it.
func (c *Cache) Budget() *imaging.Budget { return c.budget }

// Close drops everything, gives the bytes back to the budget, and makes
// later Puts keep nothing (jobs still running when the program ends).
func (c *Cache) Close() { c.c.Close() }

// Key builds a cache key for a snapshot rendered with o.
func Key(snapshotID string, o Options) string {
	return fmt.Sprintf("%s|%s|%dx%d|c%t|t%t|a%t|%dx%d|z%.3f|%.3f,%.3f|i%d|s%d|q%s", snapshotID, o.Mode, o.Cols, o.Rows,
		o.Color, o.TrueColor, o.Colors16, o.CellW, o.CellH, o.Zoom, o.PanX, o.PanY, o.ImageID, o.SixelColors, o.Quality)
}

// Get returns the frame stored under key.
func (c *Cache) Get(key string) (Frame, bool) {
	v, ok := c.get(key)
	f, isFrame := v.(Frame)
	if ok && !isFrame {
		return Frame{}, false
	}
	return f, ok
}

// Put stores a frame under key.
func (c *Cache) Put(key string, f Frame) { c.put(key, f, f.Size()) }

// GetImage returns the decoded picture stored under key.
func (c *Cache) GetImage(key string) (ImageEntry, bool) {
	v, ok := c.get(key)
	e, isImg := v.(ImageEntry)
	if ok && !isImg {
		return ImageEntry{}, false
	}
	return e, ok
}

// PutImage stores a decoded picture under key. Its size is estimated from
// its pixel count; a picture bigger than the whole budget is not kept.
func (c *Cache) PutImage(key string, img image.Image, info imaging.Info) {
	if img == nil {
		return
	}
	b := img.Bounds()
	bpp := int64(4)
	switch img.(type) {
	case *image.YCbCr:
		bpp = 2 // 4:2:0 is 1.5 bytes a pixel; be conservative
	case *image.Gray, *image.Paletted:
		bpp = 1
	case *image.RGBA64, *image.NRGBA64:
		bpp = 8
	}
	c.put(key, ImageEntry{Image: img, Info: info}, int64(b.Dx())*int64(b.Dy())*bpp+256)
}

// encoded is an encoded picture as kept by the cache (PutBytes).
type encoded []byte

// GetBytes returns the encoded picture stored under key by PutBytes.
func (c *Cache) GetBytes(key string) ([]byte, bool) {
	v, ok := c.get(key)
	b, isBytes := v.(encoded)
	if ok && !isBytes {
		return nil, false
	}
	return b, ok
}

// PutBytes stores an encoded picture (the downloaded file) under key, so
// that it can be decoded again at a larger size (full-screen zoom) without
// downloading it again. A file bigger than the whole budget is not kept.
// The cache keeps b itself: do not modify it afterwards.
func (c *Cache) PutBytes(key string, b []byte) {
	if b == nil {
		return
	}
	c.put(key, encoded(b), int64(len(b))+64)
}

// Contains reports whether key is cached, without counting a hit or a
// miss and without making the entry more recent.
func (c *Cache) Contains(key string) bool { return c.c.Contains(key) }

// Remove drops key.
func (c *Cache) Remove(key string) { c.c.Remove(key) }

// Purge drops everything.
func (c *Cache) Purge() { c.c.Purge() }

// Stats returns a snapshot of the counters.
func (c *Cache) Stats() CacheStats {
	s := c.c.Stats()
	return CacheStats{Hits: s.Hits, Misses: s.Misses, Evictions: s.Evictions, Entries: s.Entries, Bytes: s.Bytes, MaxBytes: s.MaxBytes}
}

func (c *Cache) get(key string) (any, bool) { return c.c.Get(key) }

func (c *Cache) put(key string, v any, size int64) { c.c.Put(key, v, size) }
