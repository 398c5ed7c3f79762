//go:build !windows

package main

import (
	"strings"
	"testing"
	"time"
)

// TestWatchInPTY: `snapdash watch` opens on the watch screen (the demo's
// pictures are hours old: critical), read-only; enter opens an interaction
// in the dashboard, still read-only.
func TestWatchInPTY(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	p := startPTY(t, c, "watch", "--image-mode", "none")
	p.waitFor("every live interaction")
	p.waitFor("CRITICAL")
	p.waitFor("READ-ONLY")
	p.waitFor("read-only (watch without --act)") // why, not a flag nobody passed
	if _, err := p.tty.Write([]byte("\r")); err != nil {
		t.Fatal(err)
	}
	p.waitFor("Snapshots · ")
	time.Sleep(300 * time.Millisecond)
	if out := p.output(); strings.Contains(out, "r request") {
		t.Fatalf("watch without --act offers actions:\n%q", out)
	}
	if _, err := p.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(); err != nil {
		t.Fatalf("watch exited with %v; output:\n%q", err, p.output())
	}
}

// TestWatchActInPTY: with --act the opened interaction can be acted on.
func TestWatchActInPTY(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	p := startPTY(t, c, "watch", "--act", "--image-mode", "none")
	p.waitFor("CRITICAL")
	if _, err := p.tty.Write([]byte("\r")); err != nil {
		t.Fatal(err)
	}
	p.waitFor("r request")
	if strings.Contains(p.output(), "READ-ONLY") {
		t.Fatal("watch --act is read-only")
	}
	if _, err := p.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(); err != nil {
		t.Fatalf("watch exited with %v; output:\n%q", err, p.output())
	}
}
