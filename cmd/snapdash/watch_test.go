//go:build !windows

package main

import (
	"strings"
	"testing"
)

// TestWatchInPTY: `snapdash watch` opens on the watch screen (the demo's
// pictures are hours old: critical), read-only; enter opens an interaction
// in the dashboard, still read-only.
func TestWatchInPTY(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	p := startPTY(t, c, "watch", "--image-mode", "none")
	p.WaitFor("every live interaction")
	p.WaitFor("CRITICAL")
	p.WaitFor("READ-ONLY")
	p.WaitFor("read-only (watch without --act)") // why, not a flag nobody passed
	p.Send("\r")
	// The dashboard's footer is the sign the opened interaction is drawn.
	if scr := p.WaitFor("Snapshots · ", "? help"); strings.Contains(scr, "r request") {
		t.Fatalf("watch without --act offers actions:\n%s", scr)
	}
	// r does nothing; the help that ? opens after it shows it was handled.
	p.Type("r", "?")
	scr := p.Until("the help or a request form", func(s string) bool {
		return strings.Contains(s, "full preview") || strings.Contains(s, "Request a snapshot")
	})
	if strings.Contains(scr, "Request a snapshot") {
		t.Fatalf("watch without --act opened the request form:\n%s", scr)
	}
	p.Send("\x1b")
	p.WaitGone("full preview")
	p.Send("q")
	if err := p.Exit(); err != nil {
		t.Fatalf("watch exited with %v; screen:\n%s", err, p.Screen())
	}
}

// TestWatchActInPTY: with --act the opened interaction can be acted on.
func TestWatchActInPTY(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	c := newCLI(t, agentEnv(srv))
	p := startPTY(t, c, "watch", "--act", "--image-mode", "none")
	p.WaitFor("CRITICAL")
	p.Send("\r")
	p.WaitFor("r request")
	if strings.Contains(p.Screen(), "READ-ONLY") {
		t.Fatal("watch --act is read-only")
	}
	p.Send("q")
	if err := p.Exit(); err != nil {
		t.Fatalf("watch exited with %v; screen:\n%s", err, p.Screen())
	}
}
