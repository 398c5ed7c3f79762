package termgfx

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

func sixelFrame(t *testing.T, cols, rows int) Frame {
	t.Helper()
	f, err := Render(context.Background(), testPicture(200, 100), Options{Cols: cols, Rows: rows, Mode: ModeSixel, CellW: 10, CellH: 20})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestOverlaySixel(t *testing.T) {
	var out bytes.Buffer
	ov := NewOverlay(&out, Caps{Sixel: true})
	f := sixelFrame(t, 20, 10) // 200x100 px in 200x200: 20x5 cells, rows 2..6 of the pane
	if f.GraphicRow != 2 || f.GraphicCol != 0 || f.GraphicRows != 5 {
		t.Fatalf("graphic at %d,%d %dx%d", f.GraphicRow, f.GraphicCol, f.GraphicCols, f.GraphicRows)
	}
	paint := "\x1b7\x1b[6;4H" + f.Graphic + "\x1b8" // pane at row 3, col 3 (0-based) + 2 rows
	ov.Place("snap-1", 3, 3, f)
	if out.String() != paint {
		t.Fatalf("Place painted %q...", trunc(out.String()))
	}

	// A frame that only rewrites the status line (row 20) leaves it alone.
	out.Reset()
	frame := "\x1b[H" + strings.Repeat("\n", 20) + "status\x1b[K\x1b[21;1H"
	mustWrite(t, ov, frame)
	if out.String() != frame {
		t.Fatalf("repainted for an unrelated row: %q", trunc(out.String()))
	}

	// A frame that rewrites row 7 (inside rows 5..9) repaints after it.
	out.Reset()
	frame = "\x1b[H" + strings.Repeat("\n", 7) + "list line\x1b[K\x1b[21;1H"
	mustWrite(t, ov, frame)
	if out.String() != frame+paint {
		t.Fatalf("no repaint after a covering row: %q", trunc(out.String()))
	}

	// Same key, same place: nothing.
	out.Reset()
	ov.Place("snap-1", 3, 3, f)
	if out.Len() != 0 {
		t.Fatal("same key repainted")
	}

	// Invalidate (resize): erased and repainted with the next frame.
	ov.Invalidate()
	mustWrite(t, ov, "x")
	if !strings.HasSuffix(out.String(), paint) || !strings.HasPrefix(out.String(), "\x1b7\x1b[0m\x1b[?7l") {
		t.Fatalf("invalidate: %q", trunc(out.String()))
	}

	// Clear: the cells are blanked before the next frame, never repainted.
	out.Reset()
	ov.Clear()
	mustWrite(t, ov, "frame")
	got := out.String()
	if !strings.HasPrefix(got, "\x1b7\x1b[0m\x1b[?7l\x1b[6;4H"+strings.Repeat(" ", 20)+"\x1b[7;4H") ||
		!strings.HasSuffix(got, "\x1b[?7h\x1b8frame") || strings.Contains(got, "\x1bP") {
		t.Fatalf("clear: %q", trunc(got))
	}
	out.Reset()
	mustWrite(t, ov, "\x1b[2J")
	if out.String() != "\x1b[2J" {
		t.Fatalf("after clear: %q", trunc(out.String()))
	}
}

func TestOverlayReplaceAndTextMode(t *testing.T) {
	var out bytes.Buffer
	ov := NewOverlay(&out, Caps{Sixel: true})
	f := sixelFrame(t, 20, 10)
	ov.Place("a", 0, 0, f)
	out.Reset()
	ov.Place("b", 0, 0, f) // new picture: erase old, paint new, at once
	got := out.String()
	if !strings.HasPrefix(got, "\x1b7\x1b[0m\x1b[?7l") || strings.Count(got, f.Graphic) != 1 {
		t.Fatalf("replace: %q", trunc(got))
	}
	out.Reset()
	ov.Place("b", 0, 0, Frame{Mode: ModeHalfblock, Lines: []string{"x"}})
	mustWrite(t, ov, "y")
	if !strings.HasPrefix(out.String(), "\x1b7\x1b[0m\x1b[?7l") || strings.Contains(out.String(), "\x1bP") {
		t.Fatalf("text frame did not clear: %q", trunc(out.String()))
	}
}

func TestOverlayKitty(t *testing.T) {
	f, err := Render(context.Background(), testPicture(300, 200), Options{Cols: 20, Rows: 8, Mode: ModeKitty, ImageID: 9})
	if err != nil {
		t.Fatal(err)
	}
	for _, tmux := range []bool{false, true} {
		var out bytes.Buffer
		ov := NewOverlay(&out, Caps{Kitty: true, InTmux: tmux})
		ov.Place("k", 1, 1, f)
		gfx := out.String() // transmitted at once: the View may not change
		body := strings.Join(f.Lines, "\r\n")
		out.Reset()
		if tmux {
			parts := strings.SplitAfter(gfx, "\x1b\x1b\\\x1b\\")
			for _, p := range parts {
				if p != "" && !strings.HasPrefix(p, "\x1bPtmux;\x1b\x1b_G") {
					t.Fatalf("unwrapped chunk %q", trunc(p))
				}
			}
			if len(parts) < 2 {
				t.Fatal("graphic not chunked")
			}
		} else if gfx != f.Graphic {
			t.Fatalf("transmitted %q", trunc(gfx))
		}
		out.Reset()
		mustWrite(t, ov, body)
		if out.String() != body {
			t.Fatal("retransmitted an image already sent")
		}
		out.Reset()
		ov.Clear()
		mustWrite(t, ov, "z")
		want := KittyDelete(9)
		if tmux {
			want = "\x1bPtmux;" + strings.ReplaceAll(want, "\x1b", "\x1b\x1b") + "\x1b\\"
		}
		if out.String() != want+"z" {
			t.Fatalf("delete: %q", out.String())
		}
	}
}

func TestOverlayIsNotATTYForBuffers(t *testing.T) {
	ov := NewOverlay(&bytes.Buffer{}, Caps{})
	if ov.Fd() != ^uintptr(0) {
		t.Fatal("buffer overlay has an fd")
	}
	if _, err := ov.Read(make([]byte, 1)); err != io.EOF {
		t.Fatal("read from a writer")
	}
	if err := ov.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRowTracker(t *testing.T) {
	var rt rowTracker
	set, all := rt.track([]byte("\x1b[H\n\nabc\x1b[K\r\n\x1b]0;title\x07\x1b[5;1Hxyz\x1b[2A\x1b[1Bq"))
	if all {
		t.Fatal("all")
	}
	for r, want := range []bool{false, false, true, true, true, false} {
		if got := set.intersects(r, r+1); got != want {
			t.Errorf("row %d dirty=%v, want %v", r, got, want)
		}
	}
	// Sequences split between writes.
	rt = rowTracker{}
	rt.track([]byte("\x1b[1"))
	set, _ = rt.track([]byte("0;1Hx"))
	if !set.intersects(9, 10) {
		t.Fatal("split CUP not followed")
	}
	if _, all := rt.track([]byte("\x1b[2J")); !all {
		t.Fatal("clear screen not seen")
	}
	if _, all := rt.track([]byte("\x1b[?1049h")); !all {
		t.Fatal("alt screen not seen")
	}
}

func mustWrite(t *testing.T, w io.Writer, s string) {
	t.Helper()
	n, err := w.Write([]byte(s))
	if err != nil || n != len(s) {
		t.Fatalf("write: %d %v", n, err)
	}
}

func trunc(s string) string {
	if len(s) > 160 {
		return s[:160] + "..."
	}
	return s
}
