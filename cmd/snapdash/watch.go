package main

import (
	"context"
	"flag"
	"time"
)

// watchCmd is the dashboard started on the watch screen: every live
// interaction, most urgent first. It is read-only unless --act.
func watchCmd() *command {
	o := &dashboardOpts{since: days(24 * time.Hour)}
	act := false
	return &command{
		name: "watch", settings: []string{"timeout"}, summary: "watch every live interaction, most urgent first (read-only unless --act)",
		group: "dashboard",
		flags: func(fs *flag.FlagSet) {
			o.register(fs)
			fs.BoolVar(&act, "act", false, "allow requesting, approving and discarding after opening an interaction")
		},
		run: func(ctx context.Context, e *env, _ []string) error {
			o.watch, o.readOnly = true, !act
			return e.withSession("watch", func(s *session) error {
				return e.runDashboard(ctx, s, o)
			})
		},
	}
}
