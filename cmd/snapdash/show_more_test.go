package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/snapdash/snapdash/internal/cellimg"
)

// writePNG writes a w×h picture, opaque red on the right half and
// transparent on the left when halfClear, to dir.
func writeTestPNG(t *testing.T, dir, name string, w, h int, halfClear bool) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{200, 30, 40, 255}
			if halfClear && x < w/2 {
				c = color.NRGBA{}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestShowSeveralFilesEachUnderItsName(t *testing.T) {
	dir := t.TempDir()
	a := writeTestPNG(t, dir, "a.png", 30, 20, false)
	c := newCLI(t, map[string]string{"NO_COLOR": ""})
	r := c.run("show", "--size", "20x8", photoPath, a, filepath.Join(dir, "missing.png"))
	if r.code != 1 || !strings.Contains(r.stderr, "missing.png") || !strings.Contains(r.stderr, "1 of 3 pictures") {
		t.Fatalf("want exit 1 naming the missing file: %s", r)
	}
	for _, name := range []string{photoPath + ":", a + ":", filepath.Join(dir, "missing.png") + ":"} {
		if !strings.Contains(r.stdout, name+"\n") {
			t.Errorf("no heading %q in the output", name)
		}
	}
	// One picture: no heading.
	if r := c.ok("show", "--size", "20x8", a); strings.Contains(r.stdout, "a.png") {
		t.Errorf("a single picture got a heading: %q", r.stdout[:40])
	}
}

func TestShowFromStandardInput(t *testing.T) {
	data, err := os.ReadFile(photoPath)
	if err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, map[string]string{"NO_COLOR": ""})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := c.command(ctx, "show", "--size", "40x12", "-")
	cmd.Stdin = bytes.NewReader(data)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("show -: %v: %s", err, errb.String())
	}
	checkCells(t, out.String(), 40, 12)
	if _, err := cellimg.Decode(out.String()); err != nil {
		t.Fatal(err)
	}
}

func TestShowSizeForms(t *testing.T) {
	c := newCLI(t, map[string]string{"NO_COLOR": ""})
	// Width only: 40 columns, as tall as the photo's shape makes it.
	lines := checkCells(t, c.ok("show", "--size", "40", photoPath).stdout, 40, 2000)
	if w := ansi.StringWidth(lines[0]); w != 40 || len(lines) < 12 || len(lines) > 15 {
		t.Errorf("--size 40: %dx%d cells, want 40 wide and about 14 tall", w, len(lines))
	}
	lines = checkCells(t, c.ok("show", "--size", "x10", photoPath).stdout, 2000, 10)
	if len(lines) != 10 {
		t.Errorf("--size x10: %d rows", len(lines))
	}
	for _, bad := range []string{"x", "0", "40x0", "ax3", "3000"} {
		if r := c.run("show", "--size", bad, photoPath); r.code != 2 {
			t.Errorf("--size %q: %s", bad, r)
		}
	}
}

func TestShowDoesNotEnlargeUnlessStretched(t *testing.T) {
	dir := t.TempDir()
	small := writeTestPNG(t, dir, "small.png", 20, 10, false)
	c := newCLI(t, map[string]string{"NO_COLOR": ""})
	lines := checkCells(t, c.ok("show", small).stdout, 80, 24)
	if w := ansi.StringWidth(lines[0]); w != 20 || len(lines) != 5 {
		t.Errorf("a 20x10 picture took %dx%d cells, want 20x5 (one pixel a half cell)", w, len(lines))
	}
	lines = checkCells(t, c.ok("show", "--stretch", small).stdout, 80, 24)
	if w := ansi.StringWidth(lines[0]); w != 80 {
		t.Errorf("--stretch: %dx%d cells, want 80 wide", w, len(lines))
	}
}

func TestShowLeavesTransparentPixelsToTheTerminal(t *testing.T) {
	dir := t.TempDir()
	p := writeTestPNG(t, dir, "clear.png", 40, 20, true)
	c := newCLI(t, map[string]string{"NO_COLOR": ""})
	got, err := cellimg.Decode(c.ok("show", p).stdout)
	if err != nil {
		t.Fatal(err)
	}
	b := got.Bounds()
	left, right := got.RGBAAt(b.Min.X+2, b.Min.Y+2), got.RGBAAt(b.Max.X-2, b.Min.Y+2)
	if left.A != 0 || right.A == 0 || right.R < 150 {
		t.Errorf("left (transparent) %v, right (red) %v", left, right)
	}
}

func TestShowColors(t *testing.T) {
	c := newCLI(t, map[string]string{"NO_COLOR": ""})
	out := c.ok("show", "--size", "30x10", "--colors", "256", photoPath).stdout
	if !strings.Contains(out, "38;5;") || strings.Contains(out, "38;2;") || strings.Contains(out, "48;2;") {
		t.Errorf("--colors 256 wrote 24-bit colours or none: %q", out[:min(len(out), 120)])
	}
	out = c.ok("show", "--size", "30x10", "--colors", "none", photoPath).stdout
	if strings.Contains(out, "\x1b") {
		t.Errorf("--colors none wrote escape sequences")
	}
	out = c.ok("show", "--size", "30x10", "--colors", "full", photoPath).stdout
	if !strings.Contains(out, "8;2;") {
		t.Errorf("--colors full wrote no 24-bit colour")
	}
	out = c.ok("show", "--size", "30x10", "--colors", "16", photoPath).stdout
	if strings.Contains(out, "38;") || strings.Contains(out, "48;") || !strings.Contains(out, "\x1b[") {
		t.Errorf("--colors 16 wrote 256/24-bit colours or none: %q", out[:min(len(out), 120)])
	}
	for _, bad := range []string{"15", "truecolor"} {
		if r := c.run("show", "--colors", bad, photoPath); r.code != 2 {
			t.Errorf("--colors %s: %s", bad, r)
		}
	}
}

func TestShowAnimatedGIFFirstFrame(t *testing.T) {
	dir := t.TempDir()
	g := &gif.GIF{}
	for i := 0; i < 3; i++ {
		fr := image.NewPaletted(image.Rect(0, 0, 16, 16), palette.Plan9)
		for j := range fr.Pix {
			fr.Pix[j] = uint8(40 + 60*i)
		}
		g.Image = append(g.Image, fr)
		g.Delay = append(g.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "anim.gif")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, map[string]string{"NO_COLOR": ""})
	r := c.run("show", p)
	if r.code != 0 || !strings.Contains(r.stderr, "animated GIF of 3 frames; showing the first") {
		t.Fatalf("%s", r)
	}
	got, err := cellimg.Decode(r.stdout)
	if err != nil {
		t.Fatal(err)
	}
	want := palette.Plan9[40].(color.RGBA)
	if px := got.RGBAAt(2, 2); px.R != want.R || px.G != want.G || px.B != want.B {
		t.Errorf("first pixel %v, want the first frame's %v", px, want)
	}
}

// TestUploadFromStandardInput: upload - reads the picture from stdin.
func TestUploadFromStandardInput(t *testing.T) {
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	d := device(t, srv, true)
	data, err := os.ReadFile(writeJPEG(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := c.command(ctx, "upload", "-", "--interaction", d.InteractionID, "--target-user", d.UserID,
		"--target-endpoint", d.UserEndpointID, "--type", "meter")
	cmd.Stdin = bytes.NewReader(data)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("upload -: %v: %s", err, errb.String())
	}
	id := strings.TrimSpace(out.String())
	got := c.ok("fetch", id, "-o", "-").stdout
	if got != string(data) {
		t.Errorf("the uploaded picture is %d bytes, want the %d sent on stdin", len(got), len(data))
	}
}
