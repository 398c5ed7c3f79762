package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// testVersion is injected into the test binary with -ldflags.
const testVersion = "1.2.3-test"

// testCommit and testDate are injected the way release builds do.
const (
	testCommit = "0123456789abcdef0123456789abcdef01234567"
	testDate   = "2026-12-01T10:00:00Z"
)

// binary is the snapdash executable built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "snapdash-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "snapdash")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, "-ldflags",
		"-X main.version="+testVersion+" -X main.commit="+testCommit+" -X main.date="+testDate, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building snapdash:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one finished run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// cli runs the binary with a clean environment: only PATH, a private HOME
// (so no real config file is read) and the given variables.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T, env map[string]string) *cli {
	t.Helper()
	home := t.TempDir()
	all := map[string]string{"HOME": home, "PATH": os.Getenv("PATH"), "NO_COLOR": "1"}
	for k, v := range env {
		all[k] = v
	}
	return &cli{t: t, env: all}
}

func (c *cli) environ() []string {
	out := make([]string, 0, len(c.env))
	for k, v := range c.env {
		out = append(out, k+"="+v)
	}
	return out
}

func (c *cli) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = c.environ()
	return cmd
}

// run runs the binary to completion (at most 30s).
func (c *cli) run(args ...string) result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := c.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		c.t.Fatalf("snapdash %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		c.t.Fatalf("snapdash %s: timed out\n%s", strings.Join(args, " "), r)
	}
	return r
}

// ok runs the binary and fails the test unless it exits 0 with a quiet
// stderr.
func (c *cli) ok(args ...string) result {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("snapdash %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// startSim starts a simulator on loopback with demo data.
func startSim(t *testing.T, customers bool) *sim.Server {
	t.Helper()
	return startSimWith(t, sim.Options{Customers: customers})
}

// startSimWith starts a simulator with demo data and the given options.
func startSimWith(t *testing.T, opts sim.Options) *sim.Server {
	t.Helper()
	opts.Seed, opts.Demo = 7, true
	if opts.AcquireDelay == 0 {
		opts.AcquireDelay = 50 * time.Millisecond
	}
	srv, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// agentEnv returns the environment of an agent using a static token.
func agentEnv(srv *sim.Server) map[string]string {
	return map[string]string{
		"SNAPDASH_SERVER": srv.URL(),
		"SNAPDASH_TOKEN":  srv.IssueToken(sim.RoleAgent, time.Hour),
	}
}

// snapshotIn returns a demo snapshot in the given state, with its interaction.
func snapshotIn(t *testing.T, srv *sim.Server, state client.SnapshotState, skip ...string) client.Snapshot {
	t.Helper()
	for _, in := range srv.Interactions() {
		c, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleAgent, time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		list, err := c.ListSnapshots(context.Background(), in.ID)
		if err != nil {
			t.Fatal(err)
		}
	next:
		for _, s := range list {
			for _, id := range skip {
				if s.ID == id {
					continue next
				}
			}
			if s.State == state {
				return s
			}
		}
	}
	t.Fatalf("no demo snapshot in state %s", state)
	return client.Snapshot{}
}

// device returns a simulated customer device with or without a flash.
func device(t *testing.T, srv *sim.Server, flash bool) sim.Device {
	t.Helper()
	for _, d := range srv.Devices() {
		if d.HasFlash == flash {
			return d
		}
	}
	t.Fatalf("no demo device with flash=%t", flash)
	return sim.Device{}
}

// writeJPEG writes a small picture and returns its path.
func writeJPEG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "picture.jpg")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// follower is a running `snapdash events`: its stdout lines and stderr.
type follower struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string
	stderr *syncBuffer
}

// followCLI runs the binary with args (an events stream) until the test
// ends, reading its stdout a line at a time.
func followCLI(t *testing.T, c *cli, args ...string) *follower {
	t.Helper()
	cmd := c.command(t.Context(), args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	f := &follower{t: t, cmd: cmd, lines: make(chan string, 100), stderr: &syncBuffer{}}
	cmd.Stderr = f.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(f.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		for range f.lines {
		}
		_ = cmd.Wait()
	})
	return f
}

// waitStderr waits until stderr holds s.
func (f *follower) waitStderr(s string) {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(f.stderr.String(), s) {
		if time.Now().After(deadline) {
			f.t.Fatalf("stderr never said %q: %s", s, f.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// next returns the next event printed, decoded.
func (f *follower) next(what string) map[string]any {
	f.t.Helper()
	select {
	case line, ok := <-f.lines:
		if !ok {
			f.t.Fatalf("stdout ended waiting for %s (stderr %s)", what, f.stderr.String())
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			f.t.Fatalf("not one JSON object: %q", line)
		}
		return ev
	case <-time.After(20 * time.Second):
		f.t.Fatalf("no event printed waiting for %s (stderr %s)", what, f.stderr.String())
	}
	return nil
}

// interrupt sends SIGINT, reads what is left of stdout and reports an exit
// that is not 0.
func (f *follower) interrupt() {
	f.t.Helper()
	if err := f.cmd.Process.Signal(os.Interrupt); err != nil {
		f.t.Fatal(err)
	}
	for range f.lines {
	}
	if err := f.cmd.Wait(); err != nil {
		f.t.Errorf("%s after SIGINT: %v (stderr %s)", f.cmd.Args[1], err, f.stderr.String())
	}
}
