//go:build !windows

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/tui"
	"github.com/snapdash/snapdash/tui/sshserve"
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
	p.waitFor("Kenji Watanabe")
	p.waitFor("uploaded") // the selected interaction's snapshots are listed
	if _, err := p.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(); err != nil {
		t.Fatalf("demo exited with %v; output:\n%q", err, p.output())
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(real) {
		t.Fatalf("the demo changed the real recent list: %s", got)
	}
}

// TestReadOnlyReasons: the status line's reason names what made the
// dashboard read-only, and an SSH session never hears of the operator's
// flag as if it were its own.
func TestReadOnlyReasons(t *testing.T) {
	origin := func(o config.Origin) *config.Config {
		return &config.Config{ReadOnly: true, Origins: map[string]config.Origin{"read-only": o}}
	}
	for _, tc := range []struct {
		cfg  *config.Config
		o    dashboardOpts
		want string
	}{
		{origin(config.FromFlag), dashboardOpts{}, "--read-only"},
		{origin(config.FromEnv), dashboardOpts{}, "SNAPDASH_READ_ONLY"},
		{origin(config.FromFile), dashboardOpts{readOnly: true}, "read_only in the config file"},
		{&config.Config{}, dashboardOpts{readOnly: true}, "watch without --act"},
		{&config.Config{}, dashboardOpts{}, ""},
	} {
		if got := readOnlyReason(tc.cfg, &tc.o); got != tc.want {
			t.Errorf("readOnlyReason(%v, watch %v) = %q, want %q", tc.cfg.Origins, tc.o.readOnly, got, tc.want)
		}
	}
	base := tui.Options{ReadOnly: true, ReadOnlyReason: "--read-only"}
	o := sessionOptions(base, &config.Config{}, sshserve.SessionInfo{DarkBackground: true})
	if o.ReadOnlyReason != "the server is read-only" {
		t.Errorf("SSH session reason %q", o.ReadOnlyReason)
	}
}
