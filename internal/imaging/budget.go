package imaging

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// DefaultBudgetBytes is the memory a process spends on pictures when no
// budget is given: a quarter of it for caches, the rest for decoding. A
// 50-megapixel progressive JPEG, the costliest picture the default limits
// accept, needs about 750 MB to decode.
const DefaultBudgetBytes int64 = 1 << 30

// ErrOverBudget is returned when decoding a picture would need more memory
// than the whole decode budget.
var ErrOverBudget = errors.New("picture needs more memory than the picture budget")

// Budget is one memory budget for decoding and caching pictures, shared by
// every dashboard of a process: a server creates one and hands it to all
// its SSH sessions, so N reviewers opening large pictures queue for memory
// instead of each taking their own. Decodes reserve their estimated peak
// for their duration (Acquire); caches charge what they keep (ChargeCache)
// from a separate share, so cached pictures never starve a decode. A nil
// *Budget has no limit. It is safe for concurrent use.
type Budget struct {
	mu        sync.Mutex
	decodeMax int64
	decodeUse int64
	cacheMax  int64
	cacheUse  int64
	wake      chan struct{} // closed and replaced whenever memory is released
}

// BudgetStats describes a Budget's use.
type BudgetStats struct {
	// DecodeBytes and DecodeMax are the bytes reserved by decodes running
	// now, and their limit.
	DecodeBytes, DecodeMax int64
	// CacheBytes and CacheMax are the bytes charged by caches, and their
	// limit.
	CacheBytes, CacheMax int64
}

// NewBudget returns a budget of total bytes (DefaultBudgetBytes when not
// positive; at least 64 MiB): a quarter for caches, the rest for decodes.
func NewBudget(total int64) *Budget {
	if total <= 0 {
		total = DefaultBudgetBytes
	}
	total = max(total, 64<<20)
	return &Budget{cacheMax: total / 4, decodeMax: total - total/4, wake: make(chan struct{})}
}

// Acquire reserves n bytes for a decode, waiting while other decodes hold
// the budget, and returns the function that gives them back (call it
// once). A request larger than the whole decode share fails at once with
// ErrOverBudget; a cancelled ctx ends the wait with ctx's error.
func (b *Budget) Acquire(ctx context.Context, n int64) (release func(), err error) {
	if b == nil || n <= 0 {
		return func() {}, nil
	}
	if n > b.decodeMax {
		return nil, fmt.Errorf("%w: decoding it needs about %s, the budget is %s",
			ErrOverBudget, HumanBytes(n), HumanBytes(b.decodeMax))
	}
	for {
		b.mu.Lock()
		if b.decodeUse+n <= b.decodeMax {
			b.decodeUse += n
			b.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { b.give(&b.decodeUse, n) }) }, nil
		}
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wake:
		}
	}
}

// ChargeCache records that a cache keeps n more bytes, and reports false
// (charging nothing) when the caches' share has no room for them.
func (b *Budget) ChargeCache(n int64) bool {
	if b == nil || n <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cacheUse+n > b.cacheMax {
		return false
	}
	b.cacheUse += n
	return true
}

// ReleaseCache gives back n bytes a cache charged and no longer keeps.
func (b *Budget) ReleaseCache(n int64) {
	if b == nil || n <= 0 {
		return
	}
	b.give(&b.cacheUse, n)
}

func (b *Budget) give(use *int64, n int64) {
	b.mu.Lock()
	*use = max(*use-n, 0)
	close(b.wake)
	b.wake = make(chan struct{})
	b.mu.Unlock()
}

// Stats returns the budget's current use.
func (b *Budget) Stats() BudgetStats {
	if b == nil {
		return BudgetStats{}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return BudgetStats{DecodeBytes: b.decodeUse, DecodeMax: b.decodeMax, CacheBytes: b.cacheUse, CacheMax: b.cacheMax}
}
