package tui

import (
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/snapdash/snapdash/client"
)

// TestRequestArrivesOverTheStream asks the simulated customer for a picture
// with the event stream on: the requested row turns into a picture.
func TestRequestArrivesOverTheStream(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.options()
	o.NoStream = false
	sofia(t, f, &o)
	tm, _ := start(t, o, 120, 40)
	waitFor(t, tm, "● live")
	waitFor(t, tm, loaded)
	keys(tm, "r")
	waitFor(t, tm, "Request a snapshot")
	waitFor(t, tm, "send request") // the footer: the form takes keys
	typeText(tm, "me")
	keys(tm, "tab") // completes "meter"
	keys(tm, "enter")
	waitFor(t, tm, "arrived from Sofía García")
	v := string(finalView(t, tm))
	if !strings.Contains(v, "● uploaded    meter") {
		t.Fatalf("the new picture is not the first row:\n%s", v)
	}
	if strings.Contains(v, "requested") {
		t.Fatalf("a requested row is left:\n%s", v)
	}
}

func writeJPEG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := jpeg.Encode(fh, img, nil); err != nil {
		t.Fatal(err)
	}
}

// TestUploadSaveCopyOpen exercises the file actions against the simulator.
func TestUploadSaveCopyOpen(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.options()
	sofia(t, f, &o)
	var mu sync.Mutex
	var copied, opened string
	o.Clipboard = func(s string) error { mu.Lock(); copied = s; mu.Unlock(); return nil }
	o.Opener = func(p string) error { mu.Lock(); opened = p; mu.Unlock(); return nil }
	dir := t.TempDir()
	src := filepath.Join(dir, "photo.jpg")
	writeJPEG(t, src)

	tm, _ := start(t, o, 120, 40)
	waitFor(t, tm, loaded)

	keys(tm, "u")
	waitFor(t, tm, "Upload a picture")
	waitFor(t, tm, "complete / next") // the footer: the field takes keys
	typeText(tm, filepath.Join(dir, "pho"))
	keys(tm, "tab") // completes to photo.jpg
	waitFor(t, tm, "photo.jpg")
	keys(tm, "enter")
	waitFor(t, tm, "✓ uploaded photo.jpg as ")

	keys(tm, "y")
	waitFor(t, tm, "copied a signed URL")
	keys(tm, "o")
	waitFor(t, tm, "✓ opened ")

	dst := filepath.Join(dir, "saved.jpeg")
	keys(tm, "s")
	waitFor(t, tm, "Save picture as")
	waitFor(t, tm, "complete / next") // the footer: the field takes keys
	keys(tm, "ctrl+u")
	typeText(tm, dst)
	keys(tm, "enter")
	waitFor(t, tm, "✓ saved ")
	finalView(t, tm)

	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(copied, "/rtc-api/snapshots/signed/") {
		t.Fatalf("copied %q", copied)
	}
	if opened == "" {
		t.Fatal("nothing opened")
	}
	if b, err := os.ReadFile(dst); err != nil || len(b) == 0 {
		t.Fatalf("saved file: %v", err)
	}
	snaps, err := f.api.ListSnapshots(t.Context(), f.interaction(t, "Sofía García"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range snaps {
		if s.Type == "other" && s.State == client.StateUploaded {
			n++
		}
	}
	if n == 0 {
		t.Fatal("the upload is not on the server")
	}
}
