package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// showDefaultCols and showDefaultRows are the size `show` draws at when
// standard output is not a terminal.
const showDefaultCols, showDefaultRows = 80, 24

// maxShowCells bounds --size on either side.
const maxShowCells = 2000

func showCmd() *command {
	var size string
	return &command{
		name: "show", args: "FILE|ID|- [--image-mode MODE]", summary: "print a picture file or a snapshot's picture in the terminal",
		group: "read", minArgs: 1, maxArgs: 1,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&size, "size", "", "draw within `COLSxROWS` cells (default: the terminal's size, 80x24 when not a terminal)")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			var cols, rows int
			if size != "" {
				var err error
				if cols, rows, err = parseSize(size); err != nil {
					return usagef("show: --size %v", err)
				}
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			if cfg.ImageMode == "none" {
				return usagef("show: image mode none draws no pictures; pass --image-mode auto, ascii, halfblock, sixel or kitty")
			}
			mode, err := termgfx.ParseMode(cfg.ImageMode)
			if err != nil {
				return usagef("show: %v", err)
			}
			quality, err := termgfx.ParseQuality(cfg.PictureQuality)
			if err != nil {
				return usagef("show: %v", err)
			}
			arg := args[0]
			if arg == "-" {
				data, err := e.readStdinPicture("show", imaging.DefaultMaxBytes)
				if err != nil {
					return err
				}
				return e.showPicture(ctx, data, mode, quality, cols, rows)
			}
			if data, ok, err := readPictureFile(arg); ok || err != nil {
				if err != nil {
					if isUsage(err) {
						return err
					}
					return fmt.Errorf("show %s: %w", arg, err)
				}
				if err := e.showPicture(ctx, data, mode, quality, cols, rows); err != nil {
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
				if err := e.showPicture(ctx, img.Bytes, mode, quality, cols, rows); err != nil {
					return fmt.Errorf("show %s: %w", arg, err)
				}
				return nil
			})
		},
	}
}

// parseSize parses COLSxROWS.
func parseSize(s string) (int, int, error) {
	a, b, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	c, err1 := strconv.Atoi(a)
	r, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || c < 1 || r < 1 || c > maxShowCells || r > maxShowCells {
		return 0, 0, fmt.Errorf("%q: want COLSxROWS, e.g. 120x40, each from 1 to %d", s, maxShowCells)
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
func (e *env) showPicture(ctx context.Context, data []byte, mode termgfx.Mode, quality termgfx.Quality, cols, rows int) error {
	caps := termgfx.Caps{TrueColor: true}
	out, isTerm := e.stdout.(*os.File)
	isTerm = isTerm && term.IsTerminal(int(out.Fd()))
	if isTerm {
		in, ok := e.stdin.(*os.File)
		if ok && term.IsTerminal(int(in.Fd())) {
			caps = detectCaps(e.getenv, in, out)
		} else {
			caps = termgfx.DetectEnv(e.getenv)
		}
		if cols == 0 {
			if w, h, err := term.GetSize(int(out.Fd())); err == nil && w > 0 && h > 1 {
				cols, rows = w, h-1 // the prompt keeps its line
			}
		}
	}
	if cols == 0 {
		cols, rows = showDefaultCols, showDefaultRows
	}
	if mode == termgfx.ModeAuto {
		mode = termgfx.ModeHalfblock
		if isTerm {
			mode = termgfx.Auto(caps)
		}
	}
	// As in the dashboard, NO_COLOR (or a dumb terminal) turns half blocks,
	// which are nothing but colour, into plain characters.
	noColor := e.getenv("NO_COLOR") != "" || caps.Term == "dumb"
	if noColor && mode == termgfx.ModeHalfblock {
		mode = termgfx.ModeASCII
	}
	o := termgfx.Options{
		Cols: cols, Rows: rows, Mode: mode, Zoom: 1,
		Color: !noColor, TrueColor: caps.TrueColor && !noColor,
		CellW: caps.CellW, CellH: caps.CellH,
		ImageID: uint32(1 + os.Getpid()%254), Quality: quality,
	}
	img, _, err := imaging.DecodeForBox(ctx, data, imaging.Limits{}, o.PixelBox())
	if err != nil {
		return err
	}
	b := img.Bounds()
	o.Cols, o.Rows = termgfx.Fit(b.Dx(), b.Dy(), o)
	f, err := termgfx.Render(ctx, img, o)
	if err != nil {
		return err
	}
	g := f.Graphic
	if mode == termgfx.ModeKitty && caps.InTmux && isTerm {
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
