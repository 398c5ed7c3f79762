//go:build !windows

package termtest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Proc is a program running in a pseudo-terminal, seen through a Term.
type Proc struct {
	*Term
	// Cmd is the running program.
	Cmd *exec.Cmd
	// PTY is the terminal's controlling side.
	PTY *os.File

	exited chan struct{}
	err    error
}

// StartPTY starts cmd in a pseudo-terminal of o's size. The program is
// killed when the test ends; o.Timeout also bounds Exit.
func StartPTY(tb testing.TB, cmd *exec.Cmd, o Options) *Proc {
	tb.Helper()
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 80, 24
	}
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(o.Width), Rows: uint16(o.Height)})
	if err != nil {
		tb.Fatalf("starting %s in a pty: %v", cmd.Path, err)
	}
	p := &Proc{Cmd: cmd, PTY: f, exited: make(chan struct{})}
	p.Term = New(tb, f, f, o)
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill() // an error when it has exited already
		<-p.exited
		_ = f.Close()
	})
	return p
}

// Command is exec.CommandContext bounded by the test: the program is
// killed after limit, so a hung program cannot hang the test binary.
func Command(tb testing.TB, limit time.Duration, name string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	tb.Cleanup(cancel)
	return exec.CommandContext(ctx, name, args...)
}

// Exit waits for the program to exit and returns cmd.Wait's error.
func (p *Proc) Exit() error {
	p.tb.Helper()
	select {
	case <-p.exited:
		return p.err
	case <-time.After(p.timeout):
		p.tb.Fatalf("the program did not exit within %s; the screen shows:\n%s", p.timeout, p.Screen())
		return nil
	}
}

// Resize changes the pseudo-terminal's size and the emulated screen's.
func (p *Proc) Resize(w, h int) {
	p.tb.Helper()
	if err := pty.Setsize(p.PTY, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}); err != nil {
		p.tb.Fatal(err)
	}
	p.Term.Resize(w, h)
}
