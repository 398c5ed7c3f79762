package tui

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os/exec"
	"runtime"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/snapdash/snapdash/internal/keyinput"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// Run runs the dashboard on in and out until the user quits or ctx ends.
// It uses the alternate screen; for sixel and kitty (and no Output of the
// caller's) it wraps out in a picture overlay, so pictures are painted
// beside the line renderer.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	if err := CheckOptions(opts); err != nil {
		return err
	}
	if opts.Renderer == nil {
		opts.Renderer = lipgloss.NewRenderer(out)
	}
	w := out
	if ov, ok := opts.Output.(*termgfx.Overlay); ok {
		w = ov
	} else if opts.Output == nil && opts.ImageMode != ImageModeNone && (opts.Caps.Sixel || opts.Caps.Kitty) {
		w = termgfx.NewOverlay(out, opts.Caps.gfx())
	}
	if opts.Output == nil {
		opts.Output = w
	}
	m := New(opts)
	defer m.Close()
	p, stop := m.program(ctx, m, in, w)
	defer stop()
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// program builds the program that runs model (m, or a test's wrapper of
// it) on in and out; stop ends its input once it has ended.
func (m *Model) program(ctx context.Context, model tea.Model, in io.Reader, out io.Writer) (*tea.Program, func()) {
	keys, stop := input(in, m.opts.EscapeWait)
	return tea.NewProgram(model, append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(keys), tea.WithOutput(out),
		tea.WithAltScreen()}, m.ProgramOptions()...)...), stop
}

// input wraps a terminal's input for the dashboard's program: an ESC that
// begins no complete, known sequence reaches it as an Escape, and a
// sequence split across reads is completed (see package keyinput; SSH
// sessions wrap theirs the same way). stop ends it once the program has.
// On Windows, where Bubble Tea reads console events rather than bytes, the
// input is used as it is.
func input(in io.Reader, wait time.Duration) (r io.Reader, stop func()) {
	if runtime.GOOS == "windows" {
		return in, func() {}
	}
	k := keyinput.New(in, keyinput.Options{Wait: wait})
	return k, func() { _ = k.Close() }
}

// ProgramOptions are the program options the dashboard asks for besides
// input and output: the mouse (cell motion) unless NoMouse. SSH serving
// passes them to each session's program too.
func (m *Model) ProgramOptions() []tea.ProgramOption {
	if m.opts.NoMouse {
		return nil
	}
	return []tea.ProgramOption{tea.WithMouseCellMotion()}
}

// clipboard returns the copy hook: the option, or OSC 52 on the output.
func (m *hub) clipboard() func(string) error {
	if m.opts.Clipboard != nil {
		return m.opts.Clipboard
	}
	out := m.opts.Output
	return func(text string) error {
		if out == nil {
			return errors.New("copy: no terminal to send OSC 52 to")
		}
		_, err := io.WriteString(out, OSC52(text))
		return err
	}
}

// OSC52 returns the escape sequence that asks the terminal to put text on
// the clipboard. It is sent plain inside tmux too: tmux with
// `set -g set-clipboard on` takes it and forwards it to the outer
// terminal, while a passthrough-wrapped one is dropped.
func OSC52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}

// opener returns the hook that opens a file in the local viewer.
func (m *hub) opener() func(string) error {
	if m.opts.Opener != nil {
		return m.opts.Opener
	}
	return func(path string) error {
		name := "xdg-open"
		if runtime.GOOS == "darwin" {
			name = "open"
		}
		cmd := exec.Command(name, path)
		if err := cmd.Start(); err != nil {
			if errors.Is(err, exec.ErrNotFound) {
				return errors.New("no picture viewer: " + name + " is not installed (on Debian and Ubuntu: apt install xdg-utils); s saves the picture instead")
			}
			return err
		}
		go func() { _ = cmd.Wait() }() // reap the viewer without blocking
		return nil
	}
}
