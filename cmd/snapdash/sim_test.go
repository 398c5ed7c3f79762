package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

// startSimCommand runs `snapdash sim` and returns the environment its banner
// tells the user to export.
func startSimCommand(t *testing.T, c *cli, args ...string) (map[string]string, func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	cmd := c.command(ctx, append([]string{"sim", "--addr", "127.0.0.1:0", "--acquire-delay", "10ms"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	exports := map[string]string{}
	sc := bufio.NewScanner(stdout)
	var banner strings.Builder
	for sc.Scan() {
		banner.WriteString(sc.Text() + "\n")
		if k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "), "="); ok && strings.HasPrefix(k, "SNAPDASH_") {
			exports[k] = v
		}
		if strings.Contains(sc.Text(), "Ctrl-C") {
			break
		}
	}
	for _, want := range []string{"listening on http://127.0.0.1:", "snapdash-agent", "demo-agent-secret", "snapdash-supervisor"} {
		if !strings.Contains(banner.String(), want) {
			t.Fatalf("banner lacks %q:\n%s\nstderr: %s", want, banner.String(), stderr.String())
		}
	}
	stop := func() error {
		if runtime.GOOS == "windows" {
			return cmd.Process.Kill()
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			return err
		}
		io.Copy(io.Discard, stdout)
		return cmd.Wait()
	}
	return exports, stop
}

func TestSimCommand(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	exports, stop := startSimCommand(t, newCLI(t, nil), "--data", data)
	for _, k := range []string{"SNAPDASH_SERVER", "SNAPDASH_CLIENT_ID", "SNAPDASH_CLIENT_SECRET", "SNAPDASH_APPLICATION_ID"} {
		if exports[k] == "" {
			t.Fatalf("the banner does not export %s: %v", k, exports)
		}
	}
	// The exported variables are all a user needs (OAuth2 client credentials).
	c := newCLI(t, exports)
	var ins []client.Interaction
	if err := json.Unmarshal([]byte(c.ok("interactions", "--json").stdout), &ins); err != nil || len(ins) == 0 {
		t.Fatalf("interactions: %v %v", ins, err)
	}
	var snaps []client.Snapshot
	if err := json.Unmarshal([]byte(c.ok("list", "--json", "--interaction", ins[0].ID).stdout), &snaps); err != nil {
		t.Fatal(err)
	}
	var target string
	for _, s := range snaps {
		if s.State == client.StateUploaded {
			target = s.ID
		}
	}
	if target == "" {
		t.Fatal("no uploaded snapshot")
	}
	c.ok("approve", target)
	if err := stop(); err != nil {
		t.Fatalf("sim after SIGTERM: %v", err)
	}

	// Restarted on the same --data, it remembers the approval.
	exports, stop = startSimCommand(t, newCLI(t, nil), "--data", data)
	var got client.Snapshot
	if err := json.Unmarshal([]byte(newCLI(t, exports).ok("get", "--json", target).stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.State != client.StateApproved {
		t.Errorf("after restart: %s", got.State)
	}
	if err := stop(); err != nil {
		t.Fatalf("sim after SIGTERM: %v", err)
	}
	if entries, _ := os.ReadDir(data); len(entries) == 0 {
		t.Error("nothing persisted in --data")
	}
}
