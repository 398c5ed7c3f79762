// Package bytecache is the one byte-bounded LRU cache of snapdash's
// pictures: the dashboard's frames, decoded pictures and downloaded files
// (termgfx.Cache) and the files an SSH server shares between its sessions
// (tui/upstream). It is hashicorp/golang-lru's simplelru with a cost per
// entry: the least recently used entries go until the bytes fit.
package bytecache

import (
	"math"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Charger is a budget shared with other caches: Charge reserves n bytes
// and reports false when the shared budget is full, Release gives them
// back. imaging.Budget's cache share implements it through an adapter.
type Charger interface {
	Charge(n int64) bool
	Release(n int64)
}

// Stats counts a cache's activity and contents.
type Stats struct {
	Hits, Misses, Evictions int64
	Entries                 int
	Bytes, MaxBytes         int64
}

type entry[V any] struct {
	val  V
	size int64
}

// Cache holds values of K up to MaxBytes in total, least recently used
// out first. It is safe for concurrent use. Its zero value is not usable:
// call New.
type Cache[K comparable, V any] struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[K, entry[V]]
	max      int64
	bytes    int64
	budget   Charger
	closed   bool
	evicting bool // an eviction (not a Remove or Purge) is under way
	stats    Stats
}

// New returns a cache of at most maxBytes that also charges what it keeps
// to budget when budget is not nil.
func New[K comparable, V any](maxBytes int64, budget Charger) *Cache[K, V] {
	c := &Cache[K, V]{max: maxBytes, budget: budget}
	// The entry count is unbounded: bytes bound the cache.
	c.lru, _ = simplelru.NewLRU[K, entry[V]](math.MaxInt, c.dropped)
	return c
}

// dropped accounts for an entry leaving the cache, however it leaves.
func (c *Cache[K, V]) dropped(_ K, e entry[V]) {
	c.bytes -= e.size
	if c.budget != nil {
		c.budget.Release(e.size)
	}
	if c.evicting {
		c.stats.Evictions++
	}
}

// Get returns the value under k and makes it the most recent.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(k)
	if !ok {
		c.stats.Misses++
		return e.val, false
	}
	c.stats.Hits++
	return e.val, true
}

// Contains reports whether k is cached, without counting a hit or a miss
// and without making it more recent.
func (c *Cache[K, V]) Contains(k K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Contains(k)
}

// Put stores v under k at a cost of size bytes, evicting the least
// recently used entries until it fits. A value larger than the whole
// cache, or than what the shared budget can give, is not kept (and an
// older value under k is dropped).
func (c *Cache[K, V]) Put(k K, v V, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(k)
	if size > c.max || c.closed {
		return
	}
	c.evicting = true
	defer func() { c.evicting = false }()
	for c.budget != nil && !c.budget.Charge(size) {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			return // the shared budget is full with other caches' entries
		}
	}
	c.lru.Add(k, entry[V]{val: v, size: size})
	c.bytes += size
	for c.bytes > c.max {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			break
		}
	}
}

// Remove drops k.
func (c *Cache[K, V]) Remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(k)
}

// Purge drops everything (giving the bytes back to the shared budget).
func (c *Cache[K, V]) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Purge()
}

// Close purges the cache and makes later Puts keep nothing.
func (c *Cache[K, V]) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Purge()
	c.closed = true
}

// Stats returns a snapshot of the counters and contents.
func (c *Cache[K, V]) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries = c.lru.Len()
	s.Bytes = c.bytes
	s.MaxBytes = c.max
	return s
}
