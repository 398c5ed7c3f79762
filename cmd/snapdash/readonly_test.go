//go:build !windows

package main

import (
	"testing"

	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/tui"
	"github.com/snapdash/snapdash/tui/sshserve"
)

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
