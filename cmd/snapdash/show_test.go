package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/cellimg"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/lab"
)

var photoPath = filepath.Join("..", "..", "internal", "termgfx", "testdata", "photos", "faces.jpeg")

var sgrRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkCells checks that out is a half-block picture of at most cols×rows
// cells with nothing but SGR sequences in it, and returns its lines.
func checkCells(t *testing.T, out string, cols, rows int) []string {
	t.Helper()
	if strings.Contains(sgrRE.ReplaceAllString(out, ""), "\x1b") {
		t.Fatalf("output holds escape sequences other than colours: %q", out[:min(len(out), 200)])
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) == 0 || len(lines) > rows {
		t.Fatalf("%d lines, want 1..%d", len(lines), rows)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > cols || w == 0 {
			t.Fatalf("line %d is %d cells wide, want 1..%d", i, w, cols)
		}
	}
	return lines
}

func TestShowFileNotATerminal(t *testing.T) {
	c := newCLI(t, map[string]string{"NO_COLOR": ""})
	r := c.ok("show", photoPath)
	lines := checkCells(t, r.stdout, 80, 24)
	// 150x103 px in 80x48 half-block pixels: as tall as 80x24 allows.
	if w := ansi.StringWidth(lines[0]); len(lines) != 24 || w != 70 {
		t.Errorf("the photo takes %dx%d cells, want 70x24", w, len(lines))
	}
	// The cells decode back to the photo resized to them.
	got, err := cellimg.Decode(r.stdout)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(photoPath)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := imaging.Decode(context.Background(), data, imaging.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	box := cellimg.Painted(got)
	want, err := imaging.Resample(context.Background(), img, img.Bounds(), box.Dx(), box.Dy())
	if err != nil {
		t.Fatal(err)
	}
	if d, n := cellimg.MeanDeltaE(got, box, want); n == 0 || d > lab.JND {
		t.Errorf("mean ΔE %.2f over %d pixels, want at most %.1f", d, n, lab.JND)
	}

	r = c.ok("show", "--size", "40x10", "--image-mode", "ascii", photoPath)
	lines = strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) > 10 || strings.ContainsAny(r.stdout, "▀▄█") {
		t.Fatalf("ascii 40x10: %d lines: %q", len(lines), r.stdout)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 40 {
			t.Fatalf("ascii line %d is %d wide", i, w)
		}
	}
	// NO_COLOR: plain characters, as in the dashboard.
	nc := newCLI(t, map[string]string{"NO_COLOR": "1"})
	if r := nc.ok("show", "--size", "30x8", photoPath); strings.Contains(r.stdout, "\x1b") || strings.Count(r.stdout, "\n") > 8 {
		t.Fatalf("NO_COLOR: %q", r.stdout)
	}
	r = c.ok("show", "--image-mode", "sixel", "--size", "20x5", photoPath)
	if !strings.HasPrefix(r.stdout, "\x1bP") || !strings.Contains(r.stdout, "\x1b\\") {
		t.Fatalf("sixel: %q", r.stdout[:min(len(r.stdout), 40)])
	}
	// Kitty: the picture sent once, then the placeholder cells that show it.
	r = c.ok("show", "--image-mode", "kitty", "--size", "20x5", photoPath)
	if !strings.HasPrefix(r.stdout, "\x1b_Ga=T") || strings.Count(r.stdout, "\U0010EEEE") < 20 || strings.Contains(r.stdout, "\x1bPtmux") {
		t.Fatalf("kitty: %q", r.stdout[:min(len(r.stdout), 80)])
	}
}

func TestShowBadInput(t *testing.T) {
	dir := t.TempDir()
	notPic := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notPic, []byte("not a picture\x1b]0;title\x07"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.jpg")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(imaging.DefaultMaxBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	c := newCLI(t, nil)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"show", filepath.Join(dir, "missing.jpg")}, "no such file"},
		{[]string{"show", notPic}, "unsupported or corrupt picture"},
		{[]string{"show", big}, "larger than"},
		{[]string{"show", "snap-1234"}, "no server is configured"},
	}
	for _, tc := range cases {
		r := c.run(tc.args...)
		if r.code != exitError || r.stdout != "" || !strings.Contains(r.stderr, tc.want) ||
			strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, "\x1b") {
			t.Errorf("%v: want exit 1, one line on stderr with %q, no output; got %s", tc.args, tc.want, r)
		}
	}
	if r := c.run("show", dir); r.code != exitUsage || r.stderr != "snapdash: show: "+dir+" is a directory, not a picture\n" {
		t.Errorf("a directory: %s", r)
	}
	if r := c.run("show", "--size", "0x5", photoPath); r.code != exitUsage || !strings.Contains(r.stderr, "COLSxROWS") {
		t.Errorf("bad --size: %s", r)
	}
}

func TestShowSnapshot(t *testing.T) {
	srv := startSim(t, false)
	env := agentEnv(srv)
	env["NO_COLOR"] = ""
	c := newCLI(t, env)
	s := snapshotIn(t, srv, client.StateUploaded)
	r := c.ok("show", "--size", "60x20", s.ID)
	checkCells(t, r.stdout, 60, 20)
	if _, err := cellimg.Decode(r.stdout); err != nil {
		t.Fatal(err)
	}
	r = c.run("show", "no-such-snapshot")
	if r.code != exitError || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("unknown snapshot: %s", r)
	}
}
