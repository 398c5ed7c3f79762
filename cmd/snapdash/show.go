package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/gif"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// showDefaultCols and showDefaultRows are the size `show` draws at when
// standard output is not a terminal.
const showDefaultCols, showDefaultRows = 80, 24

// maxShowCells bounds --size on either side.
const maxShowCells = 2000

func showCmd() *command {
	var size, colors string
	var stretch bool
	return &command{
		name: "show", args: "FILE|ID|- ... [--image-mode MODE]", summary: "print picture files or snapshots' pictures in the terminal",
		group: "read", minArgs: 1, maxArgs: -1,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&size, "size", "", "draw within `COLSxROWS` cells, or COLS (width only) or xROWS (default: the terminal's size, 80x24 when not a terminal)")
			fs.BoolVar(&stretch, "stretch", false, "enlarge a picture smaller than the box to fill it (default: never larger than its pixels)")
			fs.StringVar(&colors, "colors", "", "full, 256, 16 or none (default: what the terminal supports)")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			so := showOptions{stretch: stretch}
			if size != "" {
				var err error
				if so.cols, so.rows, err = parseSize(size); err != nil {
					return usagef("show: --size %v", err)
				}
			}
			switch colors {
			case "", "full", "256", "16", "none":
				so.colors = colors
			default:
				return usagef("show: --colors %q: want full, 256, 16 or none", colors)
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			if cfg.ImageMode == "none" {
				return usagef("show: image mode none draws no pictures; pass --image-mode auto, ascii, halfblock, sixel or kitty")
			}
			if so.mode, err = termgfx.ParseMode(cfg.ImageMode); err != nil {
				return usagef("show: %v", err)
			}
			if so.quality, err = termgfx.ParseQuality(cfg.PictureQuality); err != nil {
				return usagef("show: %v", err)
			}
			failed := 0
			for i, arg := range args {
				if len(args) > 1 {
					// Each picture under its name, as chafa and timg do.
					if i > 0 {
						fmt.Fprintln(e.stdout)
					}
					fmt.Fprintln(e.stdout, sanitize.Line(arg)+":")
				}
				if err := e.showOne(ctx, cfg, arg, so); err != nil {
					if len(args) == 1 {
						return err
					}
					fmt.Fprintf(e.stderr, "snapdash: %s\n", sanitize.Line(err.Error()))
					failed++
				}
			}
			if failed > 0 {
				return fmt.Errorf("show: %d of %d pictures could not be shown", failed, len(args))
			}
			return nil
		},
	}
}

// showOptions are how show draws its pictures.
type showOptions struct {
	mode       termgfx.Mode
	quality    termgfx.Quality
	cols, rows int // 0: from the terminal (or the default)
	stretch    bool
	colors     string // "", full, 256, 16 or none
}

// showOne shows one argument: a file, "-" (standard input) or a snapshot
// id.
func (e *env) showOne(ctx context.Context, cfg *config.Config, arg string, so showOptions) error {
	if arg == "-" {
		data, err := e.readStdinPicture("show", imaging.DefaultMaxBytes)
		if err != nil {
			return err
		}
		return e.showPicture(ctx, data, arg, so)
	}
	if data, ok, err := readPictureFile(arg); ok || err != nil {
		if err != nil {
			if isUsage(err) {
				return err
			}
			return fmt.Errorf("show %s: %w", arg, err)
		}
		if err := e.showPicture(ctx, data, arg, so); err != nil {
			return fmt.Errorf("show %s: %w", arg, err)
		}
		return nil
	}
	if !cfg.Configured() {
		return fmt.Errorf("show %s: no such file, and no server is configured to download a snapshot by id (see snapdash help)", arg)
	}
	return e.withSession("show", func(s *session) error {
		img, err := s.client.Download(ctx, arg)
		if err != nil {
			return err
		}
		if err := e.showPicture(ctx, img.Bytes, arg, so); err != nil {
			return fmt.Errorf("show %s: %w", arg, err)
		}
		return nil
	})
}

// parseSize parses COLSxROWS, COLS or COLSx (width only) and xROWS
// (height only); a side not given is 0.
func parseSize(s string) (int, int, error) {
	bad := fmt.Errorf("%q: want COLSxROWS, COLS or xROWS, e.g. 120x40, 80 or x30, each from 1 to %d", s, maxShowCells)
	a, b, _ := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	side := func(v string) (int, bool) {
		if v == "" {
			return 0, true
		}
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= 1 && n <= maxShowCells
	}
	c, ok1 := side(a)
	r, ok2 := side(b)
	if !ok1 || !ok2 || (c == 0 && r == 0) {
		return 0, 0, bad
	}
	return c, r, nil
}

// readPictureFile reads arg when it names a file. ok is false when it
// does not and does not look like a path either, so it is a snapshot id.
// The file is read only up to the decoder's byte limit.
func readPictureFile(arg string) (data []byte, ok bool, err error) {
	f, err := os.Open(arg)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !looksLikePath(arg) {
			return nil, false, nil
		}
		return nil, true, unwrapPathError(err)
	}
	defer f.Close()
	// A pipe is read like a file (show /dev/stdin); a directory is not.
	if st, err := f.Stat(); err != nil {
		return nil, true, err
	} else if err := notAPicture("show", arg, st); err != nil {
		return nil, true, err
	}
	data, err = io.ReadAll(io.LimitReader(f, imaging.DefaultMaxBytes+1))
	if err != nil {
		return nil, true, unwrapPathError(err)
	}
	if int64(len(data)) > imaging.DefaultMaxBytes {
		return nil, true, fmt.Errorf("larger than the %s a picture may be", imaging.HumanBytes(imaging.DefaultMaxBytes))
	}
	return data, true, nil
}

// looksLikePath reports whether arg is meant as a file: it has a directory
// part or a picture's extension. Snapshot ids have neither.
func looksLikePath(arg string) bool {
	if strings.ContainsRune(arg, '/') || strings.ContainsRune(arg, filepath.Separator) {
		return true
	}
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff":
		return true
	}
	return false
}

// showPicture decodes data and prints it. auto and the size follow the
// terminal when standard output is one; otherwise nothing is asked and
// the picture is half-block at 80x24.
func (e *env) showPicture(ctx context.Context, data []byte, name string, so showOptions) error {
	caps, isTerm, cols, rows := e.showTerminal(so)
	mode := so.mode
	if mode == termgfx.ModeAuto {
		mode = termgfx.ModeHalfblock
		if isTerm {
			mode = termgfx.Auto(caps)
		}
	}
	// As in the dashboard, NO_COLOR (or a dumb terminal) turns half blocks,
	// which are nothing but colour, into plain characters; --colors says
	// what the terminal can show, whatever it answered.
	noColor := e.getenv("NO_COLOR") != "" || caps.Term == "dumb"
	switch so.colors {
	case "full":
		noColor, caps.TrueColor = false, true
	case "256", "16":
		noColor, caps.TrueColor = false, false
	case "none":
		noColor = true
	}
	if noColor && mode == termgfx.ModeHalfblock {
		mode = termgfx.ModeASCII
	}
	o := termgfx.Options{
		Cols: cols, Rows: rows, Mode: mode, Zoom: 1,
		Color: !noColor, TrueColor: caps.TrueColor && !noColor, Colors16: so.colors == "16",
		CellW: caps.CellW, CellH: caps.CellH,
		ImageID: uint32(1 + os.Getpid()%254), Quality: so.quality,
	}
	img, info, err := imaging.DecodeForBox(ctx, data, imaging.Limits{}, o.PixelBox())
	if err != nil {
		return err
	}
	if info.Format == "gif" {
		if n := gifFrames(data); n > 1 {
			fmt.Fprintf(e.stderr, "snapdash: show %s: an animated GIF of %d frames; showing the first\n", sanitize.Line(name), n)
		}
	}
	b := img.Bounds()
	if !so.stretch && mode != termgfx.ModeSixel && mode != termgfx.ModeKitty {
		// Text cells: one picture pixel a column and two a row at most,
		// so a small picture is not enlarged (sixel and kitty never are).
		w, h := b.Dx()*max(info.Scale, 1), b.Dy()*max(info.Scale, 1) // as shown, after EXIF rotation
		o.Cols, o.Rows = min(o.Cols, max(w, 1)), min(o.Rows, max((h+1)/2, 1))
	}
	o.Cols, o.Rows = termgfx.Fit(b.Dx(), b.Dy(), o)
	f, err := termgfx.Render(ctx, img, o)
	if err != nil {
		return err
	}
	return e.writeShown(f, mode, caps.InTmux && isTerm)
}

// showTerminal is what show knows of where it draws: the terminal's
// capabilities (asked of it when both ends are a terminal, read from the
// environment when only the output is, true colour when it is not a terminal
// at all), whether the output is a terminal, and the box in cells, from
// --size, else the terminal's size less the prompt's line, else the default.
func (e *env) showTerminal(so showOptions) (caps termgfx.Caps, isTerm bool, cols, rows int) {
	caps = termgfx.Caps{TrueColor: true}
	out, isTerm := e.stdout.(*os.File)
	isTerm = isTerm && term.IsTerminal(int(out.Fd()))
	cols, rows = so.cols, so.rows
	if isTerm {
		in, ok := e.stdin.(*os.File)
		if ok && term.IsTerminal(int(in.Fd())) {
			caps = detectCaps(e.getenv, in, out)
		} else {
			caps = termgfx.DetectEnv(e.getenv)
		}
		if cols == 0 && rows == 0 {
			if w, h, err := term.GetSize(int(out.Fd())); err == nil && w > 0 && h > 1 {
				cols, rows = w, h-1 // the prompt keeps its line
			}
		}
	}
	switch {
	case cols == 0 && rows == 0:
		cols, rows = showDefaultCols, showDefaultRows
	case rows == 0: // --size COLS: as tall as the width makes it
		rows = maxShowCells
	case cols == 0: // --size xROWS
		cols = maxShowCells
	}
	return caps, isTerm, cols, rows
}

// writeShown writes a rendered picture to stdout: its graphic (wrapped for
// tmux when kitty graphics go through it), then its text lines, or one
// newline after a sixel image.
func (e *env) writeShown(f termgfx.Frame, mode termgfx.Mode, tmux bool) error {
	g := f.Graphic
	if mode == termgfx.ModeKitty && tmux {
		g = termgfx.TmuxPassthrough(g)
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	w.WriteString(g)
	switch mode {
	case termgfx.ModeSixel:
		w.WriteString("\n")
	default:
		for _, l := range f.Lines {
			w.WriteString(l)
			w.WriteByte('\n')
		}
	}
	return w.Flush()
}

// gifFrames counts the frames of a GIF (0 when it cannot be read).
func gifFrames(data []byte) int {
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return 0
	}
	return len(g.Image)
}
