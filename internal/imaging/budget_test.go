package imaging

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"
)

func TestBudgetQueuesDecodesAndRefusesTheImpossible(t *testing.T) {
	b := NewBudget(64 << 20) // 48 MiB for decodes, 16 MiB for caches
	st := b.Stats()
	if st.DecodeMax != 48<<20 || st.CacheMax != 16<<20 {
		t.Fatalf("shares: %+v", st)
	}
	if _, err := b.Acquire(ctxBg, 49<<20); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("over the whole share: %v", err)
	}
	release, err := b.Acquire(ctxBg, 40<<20)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func(), 1)
	go func() {
		r, err := b.Acquire(ctxBg, 20<<20)
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	// A decode that does not fit waits; a cancelled one gives up.
	ctx, cancel := context.WithCancel(ctxBg)
	cancel()
	if _, err := b.Acquire(ctx, 20<<20); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	select {
	case <-got:
		t.Fatal("a decode got memory the budget did not have")
	default:
	}
	release()
	release() // idempotent
	select {
	case r := <-got:
		r()
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting decode was not woken by the release")
	}
	if st := b.Stats(); st.DecodeBytes != 0 {
		t.Fatalf("leaked: %+v", st)
	}
	if !b.ChargeCache(10<<20) || b.ChargeCache(7<<20) {
		t.Fatal("cache share not enforced")
	}
	b.ReleaseCache(10 << 20)
	if !b.ChargeCache(16 << 20) {
		t.Fatal("released cache bytes not reusable")
	}
	var none *Budget
	if r, err := none.Acquire(ctxBg, 1<<40); err != nil || !none.ChargeCache(1<<40) {
		t.Fatal("a nil budget limits")
	} else {
		r()
	}
}

func TestDecodeRefusesWhatTheBudgetCannotHold(t *testing.T) {
	b := NewBudget(64 << 20)
	data := pngHeader(4000, 3000) // 12 MP of 8-bit RGBA: about 72 MB to decode
	var err error
	alloc := measure(func() { _, _, err = Decode(ctxBg, data, Limits{Budget: b}) })
	if !errors.Is(err, ErrOverBudget) {
		t.Fatalf("err = %v, want ErrOverBudget", err)
	}
	if !strings.Contains(err.Error(), "4000x3000 png") || !strings.Contains(err.Error(), "budget") {
		t.Fatalf("unclear reason: %v", err)
	}
	if alloc > 1<<20 {
		t.Fatalf("allocated %d KB refusing it", alloc>>10)
	}
	t.Log(err)
}

func TestLargePictureIsShrunkRightAfterDecoding(t *testing.T) {
	const w, h = 2100, 2000 // 4.2 MP, over reduceAbove
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, halves(w, h)); err != nil {
		t.Fatal(err)
	}
	b := NewBudget(256 << 20)
	img, info, err := DecodeForBox(ctxBg, buf.Bytes(), Limits{Budget: b}, image.Pt(100, 100))
	if err != nil {
		t.Fatal(err)
	}
	if info.Scale != 7 || info.Width != w || info.Height != h || img.Bounds() != image.Rect(0, 0, 300, 285) {
		t.Fatalf("info %+v, bounds %v", info, img.Bounds())
	}
	if !isRed(img.At(30, 120)) || !isBlue(img.At(270, 120)) {
		t.Fatalf("the shrunk picture lost its halves: %v %v", img.At(30, 120), img.At(270, 120))
	}
	if !info.Covers(image.Pt(100, 100)) || info.Covers(image.Pt(1050, 1000)) {
		t.Fatal("Covers is wrong about a shrunk picture")
	}
	if st := b.Stats(); st.DecodeBytes != 0 {
		t.Fatalf("the decode kept its reservation: %+v", st)
	}
	// A small picture, or no box, is kept whole.
	if _, info, err := DecodeForBox(ctxBg, buf.Bytes(), Limits{}, image.Point{}); err != nil || info.Scale != 1 {
		t.Fatalf("no box: %v %+v", err, info)
	}
}
