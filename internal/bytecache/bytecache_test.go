package bytecache

import "testing"

// budget is a shared budget of n bytes.
type budget struct{ n, used int64 }

func (b *budget) Charge(n int64) bool {
	if b.used+n > b.n {
		return false
	}
	b.used += n
	return true
}
func (b *budget) Release(n int64) { b.used -= n }

func TestEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	c := New[string, int](100, nil)
	c.Put("a", 1, 40)
	c.Put("b", 2, 40)
	if _, ok := c.Get("a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.Put("c", 3, 40) // 120 > 100: b, the least recent, goes
	if c.Contains("b") || !c.Contains("a") || !c.Contains("c") {
		t.Fatalf("wrong eviction: a %t b %t c %t", c.Contains("a"), c.Contains("b"), c.Contains("c"))
	}
	s := c.Stats()
	if s.Bytes != 80 || s.Entries != 2 || s.Evictions != 1 || s.Hits != 1 {
		t.Fatalf("stats %+v", s)
	}
	c.Put("a", 9, 50) // replacing counts the new size only
	if v, _ := c.Get("a"); v != 9 || c.Stats().Bytes != 90 {
		t.Fatalf("replace: %d, %+v", v, c.Stats())
	}
	c.Put("huge", 0, 101)
	if c.Contains("huge") || c.Stats().Bytes != 90 {
		t.Fatal("an entry bigger than the cache was kept")
	}
}

func TestSharedBudget(t *testing.T) {
	b := &budget{n: 100}
	c1 := New[string, int](80, b)
	c2 := New[int, string](80, b)
	c1.Put("a", 1, 60)
	c2.Put(1, "x", 30) // 90 of 100
	c2.Put(2, "y", 30) // the budget is full: c2 drops its own oldest
	if c2.Contains(1) || !c2.Contains(2) || b.used != 90 {
		t.Fatalf("c2 %t %t, used %d", c2.Contains(1), c2.Contains(2), b.used)
	}
	c2.Put(3, "z", 50) // does not fit beside c1's 60 even alone: not kept
	if c2.Contains(3) || b.used != 60 {
		t.Fatalf("used %d", b.used)
	}
	c1.Remove("a")
	c1.Put("b", 2, 10)
	c1.Close()
	c1.Put("c", 3, 10)
	if b.used != 0 || c1.Contains("c") {
		t.Fatalf("after close: used %d", b.used)
	}
}
