package imaging

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"strings"
	"testing"
	"time"
)

// decoyJPEG hides a gray hiddenW×hiddenH frame behind a 4000×3000 decoy
// header. A restart marker (which has no length) follows the JFIF
// segment; a parser that reads a length after it takes the decoy's
// "FF C0" for one, skips 0xFFC0 bytes, and lands on the hidden frame.
// image/jpeg's DecodeConfig stops at the decoy (JFIF files end the header
// check at the first frame); its Decode stops at the second SOF.
func decoyJPEG(hiddenW, hiddenH int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	b.Write(seg(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")))
	p0 := b.Len()
	b.Write([]byte{0xFF, 0xD0})
	b.Write(sofGray(4000, 3000, false))
	pad := p0 + 2 + 0xFFC0 - b.Len()
	b.Write(seg(0xE0, make([]byte, pad-4)))
	b.Write(zeroScanGray(hiddenW, hiddenH)[2:])
	return b.Bytes()
}

func TestRestartMarkerCannotHideAFrame(t *testing.T) {
	data := decoyJPEG(16384, 16384) // 268 MP behind a 12 MP header
	var (
		img  image.Image
		info Info
		err  error
	)
	alloc := measure(func() { img, info, err = DecodeForBox(ctxBg, data, Limits{}, image.Pt(100, 100)) })
	if err == nil {
		if b := img.Bounds(); b.Dx() != (4000+info.Scale-1)/info.Scale || b.Dy() != (3000+info.Scale-1)/info.Scale {
			t.Fatalf("decoded a %v frame at 1/%d; the header says 4000x3000", b, info.Scale)
		}
	}
	if alloc > 16<<20 {
		t.Fatalf("allocated %d MB for a refused picture", alloc>>20)
	}
	t.Log(err)
	// The fast decoder alone: it treats RST as standalone, so it meets
	// the decoy first, and refuses the second frame.
	if small, err := decodeJPEGReduced(ctxBg, data, 8, 0, image.Point{}); err == nil {
		t.Fatalf("fast decoder decoded %v from a file with two frames", small.Bounds())
	}
}

func TestFastDecoderChecksTheFrameItDecodes(t *testing.T) {
	big := zeroScanGray(16384, 16384)
	alloc := measure(func() {
		if _, err := decodeJPEGReduced(ctxBg, big, 8, 0, image.Point{}); !errors.Is(err, ErrTooManyPixels) {
			t.Fatalf("268 MP frame: err = %v, want ErrTooManyPixels", err)
		}
	})
	if alloc > 1<<20 {
		t.Fatalf("allocated %d KB refusing a frame header", alloc>>10)
	}
	small := zeroScanGray(64, 48)
	if _, err := decodeJPEGReduced(ctxBg, small, 8, 0, image.Pt(64, 40)); !errors.Is(err, errFastJPEG) {
		t.Fatalf("frame differing from the header check: err = %v", err)
	}
	img, err := decodeJPEGReduced(ctxBg, small, 8, 0, image.Pt(64, 48))
	if err != nil || img.Bounds() != image.Rect(0, 0, 8, 6) {
		t.Fatalf("plain file: %v %v", err, img)
	}
	// Fill bytes and a stray restart marker between segments are legal
	// and take no length.
	odd := append([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xD3}, small[2:]...)
	if img, err := decodeJPEGReduced(ctxBg, odd, 8, 0, image.Pt(64, 48)); err != nil || img.Bounds().Dx() != 8 {
		t.Fatalf("fill bytes and RST3 before the frame: %v", err)
	}
	if _, err := jpeg.DecodeConfig(bytes.NewReader(odd)); err != nil {
		t.Fatalf("image/jpeg disagrees that the file is valid: %v", err)
	}
}

func TestProgressiveScanBombRefused(t *testing.T) {
	for _, c := range []struct {
		name       string
		w, h, scan int
	}{
		{"2000 scans", 4000, 4000, 2000},
		{"49 MP × 31 scans", 7000, 7000, 30},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := progressiveBomb(c.w, c.h, c.scan)
			start := time.Now()
			var err error
			alloc := measure(func() { _, _, err = DecodeForBox(ctxBg, data, Limits{}, image.Pt(200, 100)) })
			if !errors.Is(err, ErrTooManyScans) {
				t.Fatalf("err = %v, want ErrTooManyScans", err)
			}
			if !strings.Contains(err.Error(), "scans") {
				t.Fatalf("the reason does not say why: %v", err)
			}
			if alloc > 1<<20 {
				t.Fatalf("allocated %d KB refusing it", alloc>>10)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("refusing took %v", d)
			}
			t.Log(err)
		})
	}
	// What cameras write passes: ten scans of 12 MP.
	if _, err := checkJPEGWork(progressiveBomb(4000, 3000, 9), image.Config{Width: 4000, Height: 3000}, DefaultLimits()); err != nil {
		t.Fatalf("10 scans refused: %v", err)
	}
}

func TestSlowDecodeStopsWhenCancelled(t *testing.T) {
	// The scan bomb with the scan limits lifted: decoding it in full takes
	// seconds of CPU. It must stop soon after the cancel.
	data := progressiveBomb(4000, 4000, 4000)
	lim := Limits{MaxScans: 1 << 20, MaxScanWork: 1 << 62}
	ctx, cancel := context.WithCancel(ctxBg)
	defer cancel()
	done := make(chan error, 1)
	started := time.Now()
	go func() {
		_, _, err := Decode(ctx, data, lim)
		done <- err
	}()
	time.AfterFunc(50*time.Millisecond, cancel)
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v after %v, want context.Canceled", err, time.Since(started))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the decode ignored the cancel")
	}
}

func TestOverSubscribedHuffmanTableIsAnError(t *testing.T) {
	var h huffTable
	for _, c := range []struct {
		counts [16]int
		ok     bool
	}{
		{[16]int{2}, true},        // "0", "1": complete
		{[16]int{1, 2}, true},     // "0", "10", "11"
		{[16]int{3}, false},       // three codes of one bit
		{[16]int{0, 5}, false},    // five codes of two bits
		{[16]int{1, 1, 3}, false}, // "0", "10", then three 3-bit codes where two fit
	} {
		total := 0
		for _, n := range c.counts {
			total += n
		}
		err := h.build(c.counts, make([]uint8, total))
		if (err == nil) != c.ok {
			t.Errorf("counts %v: err = %v, want ok %t", c.counts[:3], err, c.ok)
		}
	}
	data := overSubscribedJPEG()
	_, err := decodeJPEGReduced(ctxBg, data, 8, 0, image.Point{})
	if !errors.Is(err, errHuffTable) || errors.Is(err, errFastJPEGPanic) {
		t.Fatalf("err = %v, want the invalid-table error, not a recovered panic", err)
	}
	if _, _, err := DecodeForBox(ctxBg, data, Limits{}, image.Pt(8, 8)); err == nil {
		t.Fatal("a file with an invalid Huffman table decoded")
	}
}

// overSubscribedJPEG is a 64×64 gray baseline file whose DC table has
// three one-bit codes; building its lookup table used to index past it.
func overSubscribedJPEG() []byte {
	good := zeroScanGray(64, 64)
	return bytes.Replace(good, oneCode(0, 0x00), dht(0, 0, [16]byte{3}, 0, 1, 2), 1)
}
