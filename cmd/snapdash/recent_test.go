//go:build !windows

package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDemoKeepsTheRealRecentList: `snapdash demo` runs on a simulator whose
// interactions are new every run; it must neither ask it for the real
// dashboard's recent interactions (and forget them when it does not know
// them) nor write its own into the real list.
func TestDemoKeepsTheRealRecentList(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	file := filepath.Join(state, "snapdash", "recent.json")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	real := []byte(`["real-interaction-1","real-interaction-2"]`)
	if err := os.WriteFile(file, real, 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, map[string]string{"SNAPDASH_IMAGE_MODE": "none", "XDG_STATE_HOME": state})
	p := startPTY(t, c, "demo")
	p.WaitFor("Kenji Watanabe")
	p.WaitFor("uploaded") // the selected interaction's snapshots are listed
	p.Send("q")
	if err := p.Exit(); err != nil {
		t.Fatalf("demo exited with %v; screen:\n%s", err, p.Screen())
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(real) {
		t.Fatalf("the demo changed the real recent list: %s", got)
	}
}
