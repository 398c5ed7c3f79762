package termgfx

import "testing"

func TestCacheBytes(t *testing.T) {
	c := NewCache(1 << 20)
	if c.Contains("b") {
		t.Fatal("empty cache contains b")
	}
	c.PutBytes("b", []byte("jpeg bytes"))
	before := c.Stats()
	if !c.Contains("b") {
		t.Fatal("b missing")
	}
	if after := c.Stats(); after.Hits != before.Hits || after.Misses != before.Misses {
		t.Fatalf("Contains counted: %+v -> %+v", before, after)
	}
	if b, ok := c.GetBytes("b"); !ok || string(b) != "jpeg bytes" {
		t.Fatalf("GetBytes = %q, %t", b, ok)
	}
	if _, ok := c.Get("b"); ok {
		t.Fatal("Get returned bytes as a frame")
	}
	if _, ok := c.GetImage("b"); ok {
		t.Fatal("GetImage returned bytes as a picture")
	}
	c.Put("f", Frame{Lines: []string{"x"}})
	if _, ok := c.GetBytes("f"); ok {
		t.Fatal("GetBytes returned a frame")
	}
	c.PutBytes("huge", make([]byte, 2<<20))
	if c.Contains("huge") {
		t.Fatal("bytes larger than the budget were kept")
	}
	c.PutBytes("nil", nil)
	if c.Contains("nil") {
		t.Fatal("nil bytes were kept")
	}
}
