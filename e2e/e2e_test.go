//go:build !windows

// Package e2e drives the built snapdash binary in a real pseudo-terminal,
// reads its screen through a terminal emulator and checks what a person
// would see while requesting, approving and discarding pictures.
package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "snapdash-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "snapdash")
	build := exec.Command("go", "build", "-o", binary, "github.com/snapdash/snapdash/cmd/snapdash")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building snapdash:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// term is the binary running in a pty, its output fed to an emulator.
type term struct {
	t    *testing.T
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	emu  *vt.Emulator
	raw  []byte // everything the program wrote, escape sequences included
	done chan error
}

const cols, rows = 120, 40

func start(t *testing.T, args ...string) *term {
	t.Helper()
	return startEnv(t, nil, args...)
}

// startEnv is start with extra environment variables.
func startEnv(t *testing.T, env []string, args ...string) *term {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TERM=xterm-256color", "LANG=C.UTF-8",
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"), "SNAPDASH_IMAGE_MODE=ascii",
	}
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, cmd: cmd, pty: f, emu: vt.NewEmulator(cols, rows), done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				tm.mu.Lock()
				tm.raw = append(tm.raw, buf[:n]...)
				_, _ = tm.emu.Write(buf[:n])
				tm.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	// The emulator answers the terminal queries (cursor position, colours,
	// device attributes) like a real terminal would. This goroutine never
	// takes tm.mu: the one feeding the emulator holds it while the emulator
	// writes an answer for it to read.
	go func() { _, _ = io.Copy(f, tm.emu) }()
	waited := make(chan struct{})
	go func() { err := cmd.Wait(); close(waited); tm.done <- err }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // an error when it has exited already
		<-waited
		_ = f.Close()
		// The emulator is not closed: vt v0.1.0's Read and Close share an
		// unguarded flag (a data race while io.Copy waits in Read), and
		// the goroutine left waiting there ends with the test binary.
	})
	return tm
}

// screen returns the emulator's screen as text.
func (tm *term) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.String()
}

// output returns every byte the program wrote so far.
func (tm *term) output() []byte {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return append([]byte(nil), tm.raw...)
}

// waitFor waits until every one of want is on screen at once.
func (tm *term) waitFor(want ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(s, w) {
				ok = false
				break
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q; it shows:\n%s", want, s)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// press types keys one by one, each a separate write, as a person would.
func (tm *term) press(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		if _, err := tm.pty.Write([]byte(k)); err != nil {
			tm.t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

// waitGone waits until text is no longer on screen.
func (tm *term) waitGone(text string) {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(tm.screen(), text) {
		if time.Now().After(deadline) {
			tm.t.Fatalf("%q is still on screen:\n%s", text, tm.screen())
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func (tm *term) exit() error {
	tm.t.Helper()
	select {
	case err := <-tm.done:
		return err
	case <-time.After(20 * time.Second):
		tm.t.Fatalf("snapdash did not exit; screen:\n%s", tm.screen())
		return nil
	}
}

func hasDemo(t *testing.T) {
	t.Helper()
	out, err := exec.Command(binary, "demo", "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "demo") {
		t.Skipf("the binary has no demo command: %v %s", err, out)
	}
}

const enter, esc = "\r", "\x1b"

// TestDemoRequestApproveDiscard requests a picture from a simulated
// customer, waits for it to arrive, approves it, then discards another.
func TestDemoRequestApproveDiscard(t *testing.T) {
	hasDemo(t)
	tm := start(t, "demo")
	tm.waitFor("Kenji Watanabe", "● live", "● uploaded")

	// Request: the form is prefilled from the interaction; enter sends it.
	tm.press("r")
	tm.waitFor("Request a snapshot", "Target user", "customer-")
	tm.press(enter)
	// (The demo also holds older requests nobody answered: wait for ours.)
	tm.waitFor("waiting for the customer's picture")
	// The simulated customer answers: the picture arrives and is drawn.
	tm.waitFor("arrived from Kenji Watanabe")
	s := tm.waitFor("Preview · ascii · ")
	if !strings.Contains(s, "now") {
		t.Fatalf("the new picture is not the newest row:\n%s", s)
	}

	// Approve the new picture (enter keeps its type).
	tm.press("a")
	tm.waitFor("Snapshot type (enter keeps it)")
	tm.press(enter)
	s = tm.waitFor("✓ approved")
	if !strings.Contains(s, "✓ approved ") {
		t.Fatalf("no approval feedback:\n%s", s)
	}

	// Discard the oldest picture (an uploaded one) after confirming; rows
	// between may be requests still waiting for a picture.
	tm.press("G", "d")
	tm.waitFor("Discard snapshot?", "N no (default)")
	tm.press("y")
	tm.waitFor("✓ discarded", "✗ discarded")

	// The events pane shows what happened, with the server's events.
	tm.press("e")
	tm.waitFor("sent a", "approved the", "discarded the")

	tm.press("q")
	if err := tm.exit(); err != nil {
		t.Fatalf("snapdash exited with %v; screen:\n%s", err, tm.screen())
	}
}

// TestDemoCameraAndHelp sends a camera command and reads the device's
// answer, then checks the help screen and the too-small message.
func TestDemoCameraAndHelp(t *testing.T) {
	hasDemo(t)
	tm := start(t, "demo")
	tm.waitFor("Kenji Watanabe", "● live")
	tm.press("c")
	tm.waitFor("Switch camera", "Flash on", "Flash off")
	tm.press("1")
	tm.waitFor("camera: Switch camera")
	tm.waitFor("by the customer's device")

	// The cursor starts on Kenji's newest row, a pending request; the
	// oldest is a picture, which copy URL needs.
	tm.press("G")
	tm.press("?")
	tm.waitFor("Keys", "full preview", "copy URL")
	tm.press(esc) // the help says "esc or ? closes"
	tm.waitGone("full preview")

	if err := pty.Setsize(tm.pty, &pty.Winsize{Cols: 50, Rows: 12}); err != nil {
		t.Fatal(err)
	}
	tm.mu.Lock()
	tm.emu.Resize(50, 12)
	tm.mu.Unlock()
	tm.waitFor("at least 70×20")
	tm.press("q")
	if err := tm.exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}
