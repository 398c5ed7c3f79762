package termgfx

import (
	"container/list"
	"fmt"
	"image"
	"sync"

	"github.com/snapdash/snapdash/internal/imaging"
)

// Cache keeps rendered frames and decoded pictures, least recently used
// first out, within a byte budget. It is safe for concurrent use (renders
// run in tea.Cmd goroutines). Build one per program or SSH session; give
// the caches of a process one shared imaging.Budget (NewBudgetCache).
type Cache struct {
	mu       sync.Mutex
	budget   *imaging.Budget
	closed   bool
	maxBytes int64
	bytes    int64
	ll       *list.List
	items    map[string]*list.Element
	stats    CacheStats
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

type cacheEntry struct {
	key  string
	val  any
	size int64
}

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
	return &Cache{budget: b, maxBytes: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

// Budget returns the shared budget the cache charges (nil when none), for
// the decodes that fill it.
func (c *Cache) Budget() *imaging.Budget { return c.budget }

// Close drops everything, gives the bytes back to the budget, and makes
// later Puts keep nothing (jobs still running when the program ends).
func (c *Cache) Close() {
	c.Purge()
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

// Key builds a cache key for a snapshot rendered with o.
func Key(snapshotID string, o Options) string {
	return fmt.Sprintf("%s|%s|%dx%d|c%t|t%t|%dx%d|z%.3f|%.3f,%.3f|i%d|s%d|q%s", snapshotID, o.Mode, o.Cols, o.Rows,
		o.Color, o.TrueColor, o.CellW, o.CellH, o.Zoom, o.PanX, o.PanY, o.ImageID, o.SixelColors, o.Quality)
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
func (c *Cache) Contains(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.items[key]
	return ok
}

// Remove drops key.
func (c *Cache) Remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.removeElement(el)
	}
}

// Purge drops everything.
func (c *Cache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	c.items = map[string]*list.Element{}
	c.budget.ReleaseCache(c.bytes)
	c.bytes = 0
}

// Stats returns a snapshot of the counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries = c.ll.Len()
	s.Bytes = c.bytes
	s.MaxBytes = c.maxBytes
	return s
}

func (c *Cache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		c.stats.Misses++
		return nil, false
	}
	c.stats.Hits++
	c.ll.MoveToFront(el)
	return el.Value.(*cacheEntry).val, true
}

func (c *Cache) put(key string, v any, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.removeElement(el)
	}
	if size > c.maxBytes || c.closed {
		return
	}
	for !c.budget.ChargeCache(size) {
		back := c.ll.Back()
		if back == nil {
			return // the caches' share is full with other sessions' pictures
		}
		c.removeElement(back)
		c.stats.Evictions++
	}
	c.items[key] = c.ll.PushFront(&cacheEntry{key: key, val: v, size: size})
	c.bytes += size
	for c.bytes > c.maxBytes {
		back := c.ll.Back()
		if back == nil {
			break
		}
		c.removeElement(back)
		c.stats.Evictions++
	}
}

func (c *Cache) removeElement(el *list.Element) {
	e := el.Value.(*cacheEntry)
	c.ll.Remove(el)
	delete(c.items, e.key)
	c.bytes -= e.size
	c.budget.ReleaseCache(e.size)
}
