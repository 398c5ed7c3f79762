package main

import (
	"context"
	"flag"
	"time"
)

// dashboardOpts are the dashboard's own flags.
type dashboardOpts struct {
	interactions stringList
	since        days
	watch        bool // start on the watch screen (snapdash watch)
	readOnly     bool // read-only whatever the config says (watch without --act)
	// noState remembers no recent interactions (demo: its simulator's
	// interactions are new every run, and the real list must stay as it is).
	noState bool
	noMouse bool // --no-mouse: the terminal keeps the mouse (text selection)
}

func dashboardCmd() *command {
	o := &dashboardOpts{since: days(24 * time.Hour)}
	return &command{
		name: "dashboard", settings: []string{"timeout"}, summary: "open the dashboard (the default)", group: "dashboard", hidden: true,
		flags: func(fs *flag.FlagSet) { o.register(fs) },
		run: func(ctx context.Context, e *env, _ []string) error {
			return e.withSession("dashboard", func(s *session) error {
				return e.runDashboard(ctx, s, o)
			})
		},
	}
}

func (o *dashboardOpts) register(fs *flag.FlagSet) {
	fs.Var(&o.interactions, "interaction", "show this interaction `ID` first (repeatable)")
	fs.Var(&o.since, "since", "list interactions of this `period`, e.g. 8h or 7d")
	fs.BoolVar(&o.noMouse, "no-mouse", false, "leave the mouse to the terminal's own text selection")
}

func demoCmd() *command {
	o := &dashboardOpts{since: days(24 * time.Hour)}
	return &command{
		name: "demo", settings: []string{"timeout"}, summary: "open the dashboard on a built-in simulator with demo data", group: "dashboard",
		flags: func(fs *flag.FlagSet) { o.register(fs) },
		run: func(ctx context.Context, e *env, _ []string) error {
			return e.runDemo(ctx, o)
		},
	}
}
