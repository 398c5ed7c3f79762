package pane

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/theme"
)

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"日本語", 5, "日本…"},
		{"日本語", 4, "日… "}, // a wide character never sticks out
		{"x", 0, ""},
	} {
		if got := Fit(tc.in, tc.w); got != tc.want || ansi.StringWidth(got) != tc.w {
			t.Errorf("Fit(%q, %d) = %q (width %d), want %q", tc.in, tc.w, got, ansi.StringWidth(got), tc.want)
		}
	}
}

func TestBoxSizeFocusAndTitle(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	lines := Box(st, "Snapshots · Mallory \x1b]0;pwned\x07\x1b[31m", []string{"one", "a line much too long for the box"}, 20, 5, false)
	if len(lines) != 5 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != 20 {
			t.Errorf("line %q is %d wide", l, w)
		}
		if strings.ContainsAny(l, "\x1b\x07") {
			t.Errorf("escape in %q", l)
		}
	}
	if !strings.HasPrefix(lines[0], "╭─ Snapshots") || !strings.HasPrefix(lines[1], "│one") {
		t.Fatalf("box:\n%s", strings.Join(lines, "\n"))
	}
	focused := Box(st, "T", nil, 10, 3, true)
	if !strings.HasPrefix(focused[0], "┏") || !strings.HasPrefix(focused[1], "┃") {
		t.Fatalf("focus must show without colour (heavy border):\n%s", strings.Join(focused, "\n"))
	}
	if Box(st, "T", nil, 1, 5, false) != nil {
		t.Fatal("a box too small to draw")
	}
}

// TestOverlayKeepsColumns: a dialog over a line of wide characters leaves
// the rest of the line in its columns, even where the dialog's edge cuts a
// character in two.
func TestOverlayKeepsColumns(t *testing.T) {
	bg := strings.Join([]string{
		"日本語日本語日本語日本語", // 24 cells
		"abcdefghijklmnopqrstuvwx",
		"日本語日本語日本語日本語",
	}, "\n")
	for _, x := range []int{0, 1, 2, 3, 5} {
		out := Overlay(bg, "XXX\nYYY", x, 0)
		for i, l := range strings.Split(out, "\n") {
			if w := ansi.StringWidth(l); w != 24 {
				t.Errorf("x=%d line %d %q is %d wide, want 24", x, i, l, w)
			}
		}
		if l := strings.Split(out, "\n")[1]; ansi.Cut(l, x, x+3) != "YYY" {
			t.Errorf("x=%d: dialog not at its column: %q", x, l)
		}
	}
}

func TestCenter(t *testing.T) {
	bg := strings.Repeat(strings.Repeat(".", 10)+"\n", 4) + strings.Repeat(".", 10)
	out := strings.Split(Center(bg, "ab\ncd", 10, 5), "\n")
	if out[1] != "....ab...." || out[2] != "....cd...." {
		t.Fatalf("centred:\n%s", strings.Join(out, "\n"))
	}
}

func TestScroll(t *testing.T) {
	for _, tc := range []struct{ cursor, off, n, vis, wantC, wantO int }{
		{0, 0, 0, 5, 0, 0},   // empty list
		{-3, 2, 10, 5, 0, 0}, // above the top
		{12, 0, 10, 5, 9, 5}, // past the end
		{6, 0, 10, 5, 6, 2},  // below the window: scroll down
		{1, 4, 10, 5, 1, 1},  // above the window: scroll up
		{3, 8, 10, 5, 3, 3},  // offset past the last full window
		{2, 0, 10, 0, 2, 2},  // no room: one row
		{4, 9, 10, 20, 4, 0}, // everything fits
	} {
		c, o := Scroll(tc.cursor, tc.off, tc.n, tc.vis)
		if c != tc.wantC || o != tc.wantO {
			t.Errorf("Scroll(%d, %d, %d, %d) = %d, %d; want %d, %d", tc.cursor, tc.off, tc.n, tc.vis, c, o, tc.wantC, tc.wantO)
		}
	}
}
