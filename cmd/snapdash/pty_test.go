//go:build !windows

package main

import (
	"context"
	"errors"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/internal/termtest"
)

// startPTY starts the binary in a 120×40 pseudo-terminal seen through the
// shared harness, with a dark background.
func startPTY(t *testing.T, c *cli, args ...string) *termtest.Proc {
	t.Helper()
	return startPTYOn(t, c, color.Black, args...)
}

// startPTYOn is startPTY in a terminal whose background is bg.
func startPTYOn(t *testing.T, c *cli, bg color.Color, args ...string) *termtest.Proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	cmd := c.command(ctx, args...)
	cmd.Env = append(cmd.Env, "TERM=xterm-256color")
	return termtest.StartPTY(t, cmd, termtest.Options{Width: 120, Height: 40, Background: bg})
}

func TestDemoDashboardInPTY(t *testing.T) {
	t.Parallel()
	c := newCLI(t, map[string]string{"SNAPDASH_IMAGE_MODE": "ascii"})
	p := startPTY(t, c, "demo")
	p.WaitFor("Kenji Watanabe") // a demo customer in the interactions pane
	p.Send("q")
	if err := p.Exit(); err != nil {
		t.Fatalf("demo exited with %v; screen:\n%s", err, p.Screen())
	}
}

// TestLightTerminalGetsTheLightTheme: locally, as over SSH, a terminal
// that answers a light background gets the light theme unless one was
// configured.
func TestLightTerminalGetsTheLightTheme(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bg   color.Color
		want string
	}{{color.White, "theme=light"}, {color.Black, "theme=dark"}} {
		bg, want := tc.bg, tc.want
		log := filepath.Join(t.TempDir(), "snapdash.log")
		c := newCLI(t, map[string]string{"SNAPDASH_IMAGE_MODE": "ascii"})
		p := startPTYOn(t, c, bg, "demo", "--log-file", log)
		p.WaitFor("Kenji Watanabe")
		p.Send("q")
		if err := p.Exit(); err != nil {
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
	p.WaitFor("Kenji Watanabe")
	p.WaitFor("read-only (--read-only)")
	p.Send("q")
	if err := p.Exit(); err != nil {
		t.Fatalf("dashboard exited with %v; screen:\n%s", err, p.Screen())
	}
}

// TestFetchRefusesTerminal: `fetch -o -` does not pour picture bytes into a
// terminal.
func TestFetchRefusesTerminal(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	s := snapshotIn(t, srv, "UPLOADED")
	p := startPTY(t, newCLI(t, agentEnv(srv)), "fetch", s.ID, "-o", "-")
	p.WaitFor("refusing to write a picture to the terminal")
	var ee *exec.ExitError
	if err := p.Exit(); !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Errorf("exit: %v", err)
	}
}
