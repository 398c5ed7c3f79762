//go:build !windows

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyRun starts the binary in a pseudo-terminal of the given size.
type ptyRun struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  io.ReadWriteCloser
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error
}

func startPTY(t *testing.T, c *cli, args ...string) *ptyRun {
	t.Helper()
	return startPTYOn(t, c, "rgb:0000/0000/0000", args...)
}

// startPTYOn is startPTY in a terminal whose background is bg (an OSC 11
// colour, e.g. rgb:ffff/ffff/ffff for a light one).
func startPTYOn(t *testing.T, c *cli, bg string, args ...string) *ptyRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	cmd := c.command(ctx, args...)
	cmd.Env = append(cmd.Env, "TERM=xterm-256color")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 120, Rows: 40})
	if err != nil {
		t.Fatal(err)
	}
	p := &ptyRun{t: t, cmd: cmd, tty: f, done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			answerQueriesOn(f, buf[:n], bg)
			if err != nil {
				return
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		f.Close()
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
	return p
}

// answerQueries answers the terminal queries a real terminal answers:
// bubbletea's init asks the background colour (OSC 11) and the cursor
// position, and waits 5s for a terminal that stays silent.
func answerQueries(w io.Writer, chunk []byte) { answerQueriesOn(w, chunk, "rgb:0000/0000/0000") }

// answerQueriesOn answers as a terminal whose background is bg.
func answerQueriesOn(w io.Writer, chunk []byte, bg string) {
	if bytes.Contains(chunk, []byte("\x1b]11;?")) {
		io.WriteString(w, "\x1b]11;"+bg+"\x1b\\")
	}
	if bytes.Contains(chunk, []byte("\x1b[6n")) {
		io.WriteString(w, "\x1b[1;1R")
	}
}

func (p *ptyRun) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the screen output contains s.
func (p *ptyRun) waitFor(s string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.output(), s) {
		if time.Now().After(deadline) {
			p.t.Fatalf("%q never appeared; output:\n%q", s, p.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *ptyRun) wait() error {
	p.t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(20 * time.Second):
		p.t.Fatalf("the program did not exit; output:\n%q", p.output())
		return nil
	}
}

func TestDemoDashboardInPTY(t *testing.T) {
	t.Parallel()
	c := newCLI(t, map[string]string{"SNAPDASH_IMAGE_MODE": "ascii"})
	p := startPTY(t, c, "demo")
	p.waitFor("Kenji Watanabe") // a demo customer in the interactions pane
	if _, err := p.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(); err != nil {
		t.Fatalf("demo exited with %v; output:\n%q", err, p.output())
	}
}

// TestLightTerminalGetsTheLightTheme: locally, as over SSH, a terminal
// that answers a light background gets the light theme unless one was
// configured.
func TestLightTerminalGetsTheLightTheme(t *testing.T) {
	t.Parallel()
	for bg, want := range map[string]string{"rgb:ffff/ffff/ffff": "theme=light", "rgb:0000/0000/0000": "theme=dark"} {
		log := filepath.Join(t.TempDir(), "snapdash.log")
		c := newCLI(t, map[string]string{"SNAPDASH_IMAGE_MODE": "ascii"})
		p := startPTYOn(t, c, bg, "demo", "--log-file", log)
		p.waitFor("Kenji Watanabe")
		if _, err := p.tty.Write([]byte("q")); err != nil {
			t.Fatal(err)
		}
		if err := p.wait(); err != nil {
			t.Fatalf("demo exited with %v", err)
		}
		data, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("background %s: the log does not say %s:\n%s", bg, want, data)
		}
	}
}

func TestDashboardInPTY(t *testing.T) {
	t.Parallel()
	srv := startSim(t, true)
	c := newCLI(t, agentEnv(srv))
	p := startPTY(t, c, "--theme", "light", "--read-only")
	p.waitFor("Kenji Watanabe")
	p.waitFor("read-only (--read-only)")
	if _, err := p.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(); err != nil {
		t.Fatalf("dashboard exited with %v; output:\n%q", err, p.output())
	}
}

// TestFetchRefusesTerminal: `fetch -o -` does not pour picture bytes into a
// terminal.
func TestFetchRefusesTerminal(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	s := snapshotIn(t, srv, "UPLOADED")
	p := startPTY(t, newCLI(t, agentEnv(srv)), "fetch", s.ID, "-o", "-")
	p.waitFor("refusing to write a picture to the terminal")
	var ee *exec.ExitError
	if err := p.wait(); !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Errorf("exit: %v", err)
	}
}
