//go:build !windows

package main

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// showInPTY runs `snapdash show` with a pseudo-terminal of 60x20 as its
// standard streams, answering the device-attributes query with da1 when
// it is not empty, and returns everything written to the terminal.
func showInPTY(t *testing.T, da1 string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := newCLI(t, map[string]string{"TERM": "xterm-256color", "NO_COLOR": ""})
	cmd := c.command(ctx, append([]string{"show"}, args...)...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 60, Rows: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := f.Read(buf)
		out.Write(buf[:n])
		// Bubble Tea's package init asks for the background colour before
		// main runs, and waits 5 s for a terminal that stays silent.
		answerQueries(f, buf[:n])
		if da1 != "" && bytes.Contains(buf[:n], []byte("\x1b[c")) {
			io.WriteString(f, da1)
		}
		if err != nil {
			break
		}
	}
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if ctx.Err() != nil || !errorsAs(err, &ee) || ee.ExitCode() != 0 {
			t.Fatalf("show: %v\n%q", err, out.String())
		}
	}
	return out.String()
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

func TestShowFollowsTheTerminal(t *testing.T) {
	// A terminal that answers nothing: half-block in 256 colours (TERM
	// says no more), as large as the terminal less the prompt's line.
	out := showInPTY(t, "", photoPath)
	var pic []string
	for _, l := range strings.Split(out, "\r\n") {
		if strings.Contains(l, "48;5;") || strings.Contains(l, "▀") {
			pic = append(pic, l)
		}
	}
	if len(pic) != 19 {
		t.Fatalf("%d picture lines in a 20-row terminal, want 19:\n%q", len(pic), out)
	}
	for _, l := range pic {
		if w := ansi.StringWidth(l); w > 60 || w < 50 {
			t.Fatalf("a line is %d cells wide in a 60-column terminal", w)
		}
	}
	if strings.Contains(out, "8;2;") {
		t.Error("24-bit colours for a terminal that did not claim them")
	}
	// A terminal that says it draws sixels gets one.
	out = showInPTY(t, "\x1b[?62;4;22c", photoPath)
	if !strings.Contains(out, "\x1bP0;1;8q") || strings.Contains(out, "▀") {
		t.Fatalf("auto on a sixel terminal: %q", out[:min(len(out), 300)])
	}
}

func TestShowPipedAsksTheTerminalNothing(t *testing.T) {
	// stdin is a terminal, stdout a pipe: nothing may be asked, since the
	// question would land in the pipe and the answer never come.
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := newCLI(t, map[string]string{"TERM": "xterm-256color", "NO_COLOR": ""}).command(ctx, "show", photoPath)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	checkCells(t, out.String(), 80, 24)
}

// answerQueries answers the two queries every terminal answers: the
// background colour (OSC 11) and the cursor position. showInPTY needs a
// terminal that answers no more than that (the shared harness's emulator
// also answers device attributes, which picks the picture mode here).
func answerQueries(w io.Writer, chunk []byte) {
	if bytes.Contains(chunk, []byte("\x1b]11;?")) {
		_, _ = io.WriteString(w, "\x1b]11;rgb:0000/0000/0000\x1b\\")
	}
	if bytes.Contains(chunk, []byte("\x1b[6n")) {
		_, _ = io.WriteString(w, "\x1b[1;1R")
	}
}
