package termgfx

import (
	"strings"
	"testing"

	"github.com/snapdash/snapdash/internal/imaging"
)

// TestCachesShareOneBudget is two sessions' caches on one server budget:
// together they keep no more than its cache share, and a closed session
// gives its bytes back.
func TestCachesShareOneBudget(t *testing.T) {
	b := imaging.NewBudget(64 << 20)                                                    // 16 MiB for caches
	frame := func() Frame { return Frame{Lines: []string{strings.Repeat("x", 6<<20)}} } // ~6 MiB
	a, c := NewBudgetCache(64<<20, b), NewBudgetCache(64<<20, b)
	a.Put("a1", frame())
	a.Put("a2", frame())
	a.Put("a3", frame()) // over the share: a drops its own oldest
	if a.Contains("a1") || !a.Contains("a2") || !a.Contains("a3") {
		t.Fatalf("a: %+v", a.Stats())
	}
	c.Put("c1", frame()) // the share is full of a's frames
	if c.Contains("c1") {
		t.Fatal("c kept a frame beyond the shared cache budget")
	}
	if got, want := b.Stats().CacheBytes, a.Stats().Bytes; got != want {
		t.Fatalf("budget charged %d, caches hold %d", got, want)
	}
	a.Close()
	a.Put("a4", frame())
	if a.Contains("a4") || b.Stats().CacheBytes != 0 {
		t.Fatalf("closed cache still charges: %+v", b.Stats())
	}
	c.Put("c1", frame())
	if !c.Contains("c1") {
		t.Fatal("c could not use the bytes a gave back")
	}
	c.Remove("c1")
	if b.Stats().CacheBytes != 0 {
		t.Fatalf("remove did not give back: %+v", b.Stats())
	}
}
