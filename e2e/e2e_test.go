//go:build !windows

// Package e2e drives the built snapdash binary in a real pseudo-terminal,
// reads its screen through a terminal emulator and checks what a person
// would see while requesting, approving and discarding pictures.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/internal/termtest"
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

// term is the binary running in a pty, seen through the shared harness.
type term struct {
	*termtest.Proc
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
	cmd := termtest.Command(t, 2*time.Minute, binary, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TERM=xterm-256color", "LANG=C.UTF-8",
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"), "SNAPDASH_IMAGE_MODE=ascii",
	}
	cmd.Env = append(cmd.Env, env...)
	return &term{termtest.StartPTY(t, cmd, termtest.Options{Width: cols, Height: rows})}
}

// press types keys one by one, each a separate write a little apart, as a
// person would (keys written together may arrive as one key message).
func (tm *term) press(keys ...string) {
	for _, k := range keys {
		tm.Send(k)
		time.Sleep(60 * time.Millisecond)
	}
}

// hasDemo checks that the binary built in TestMain runs its demo command:
// a broken demo fails the test that needs it, never skips it.
func hasDemo(t *testing.T) {
	t.Helper()
	out, err := exec.Command(binary, "demo", "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "demo") {
		t.Fatalf("snapdash demo --help: %v\n%s", err, out)
	}
}

const enter, esc = "\r", "\x1b"

// TestDemoRequestApproveDiscard requests a picture from a simulated
// customer, waits for it to arrive, approves it, then discards another.
func TestDemoRequestApproveDiscard(t *testing.T) {
	hasDemo(t)
	tm := start(t, "demo")
	tm.WaitFor("Kenji Watanabe", "● live", "● uploaded")

	// Request: the form is prefilled from the interaction; enter sends it.
	tm.press("r")
	tm.WaitFor("Request a snapshot", "Target user", "customer-")
	tm.WaitFor("send request") // the footer: the form takes keys now
	tm.press(enter)
	// (The demo also holds older requests nobody answered: wait for ours.)
	tm.WaitFor("waiting for the customer's picture")
	// The simulated customer answers: the picture arrives and is drawn.
	tm.WaitFor("arrived from Kenji Watanabe")
	s := tm.WaitFor("Preview · ascii · ")
	if !strings.Contains(s, "now") {
		t.Fatalf("the new picture is not the newest row:\n%s", s)
	}

	// Approve the new picture: a yes/no question, y approves as the type
	// shown.
	tm.press("a")
	tm.WaitFor("Approve snapshot?", "y approve", "t change type")
	tm.press("y")
	s = tm.WaitFor("✓ approved")
	if !strings.Contains(s, "✓ approved ") {
		t.Fatalf("no approval feedback:\n%s", s)
	}

	// Discard the picture that was awaiting review when the demo opened
	// (the second row, under the new one) after confirming; the oldest
	// row is a request still waiting for its picture.
	tm.press("g", "j", "d")
	tm.WaitFor("Discard snapshot?", "N no (default)")
	tm.press("y")
	tm.WaitFor("✓ discarded", "✗ discarded")

	// The events pane shows what happened, with the server's events.
	tm.press("e")
	tm.WaitFor("sent a", "approved the", "discarded the")

	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v; screen:\n%s", err, tm.Screen())
	}
}

// TestDemoCameraAndHelp sends a camera command and reads the device's
// answer, then checks the help screen and the too-small message.
func TestDemoCameraAndHelp(t *testing.T) {
	hasDemo(t)
	tm := start(t, "demo")
	tm.WaitFor("Kenji Watanabe", "● live")
	tm.press("c")
	tm.WaitFor("Switch camera", "Flash on", "Flash off")
	tm.press("1")
	tm.WaitFor("camera: Switch camera")
	tm.WaitFor("by the customer's device")

	// The cursor starts on Kenji's newest row, a picture awaiting review,
	// which copy URL needs.
	tm.press("?")
	tm.WaitFor("Keys", "full preview", "copy URL")
	tm.press(esc) // the help says "esc or ? closes"
	tm.WaitGone("full preview")

	tm.Resize(50, 12)
	tm.WaitFor("at least 70×20")
	tm.press("q")
	if err := tm.Exit(); err != nil {
		t.Fatalf("snapdash exited with %v", err)
	}
}
