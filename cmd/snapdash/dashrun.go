package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/lipgloss"

	"golang.org/x/term"

	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/dashcaps"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/tui"
)

// queryBudget bounds the terminal capability query before the dashboard
// starts.
const queryBudget = 300 * time.Millisecond

// dashboardOptions builds the dashboard options that come from the
// configuration and the flags, and checks them before anything connects.
func dashboardOptions(cfg *config.Config, o *dashboardOpts, getenv func(string) string) (tui.Options, error) {
	if err := cfg.Keys.Check(tui.ActionNames()); err != nil {
		return tui.Options{}, fmt.Errorf("config %s: %w", cfg.Path, err)
	}
	mode := tui.ImageModeNone
	if cfg.ImageMode != "none" {
		m, err := tui.ParseImageMode(cfg.ImageMode)
		if err != nil {
			return tui.Options{}, err
		}
		mode = m
	}
	stateDir := config.StateDir(getenv)
	if o.noState {
		stateDir = ""
	}
	return tui.Options{
		ServerURL:       cfg.Server,
		ApplicationID:   cfg.ApplicationID,
		Theme:           cfg.Theme,
		KeyBindings:     cfg.Keys,
		ReadOnly:        cfg.ReadOnly || o.readOnly,
		ReadOnlyReason:  readOnlyReason(cfg, o),
		Watch:           o.watch,
		ImageMode:       mode,
		PictureQuality:  cfg.PictureQuality,
		Interactions:    o.interactions,
		Since:           time.Duration(o.since),
		StateDir:        stateDir,
		Bell:            cfg.Bell,
		NoMouse:         cfg.NoMouse || o.noMouse,
		EventScrollback: cfg.Events.Scrollback,
		WarnAfter:       cfg.Watch.WarnAfter,
		CriticalAfter:   cfg.Watch.CriticalAfter,
	}, nil
}

// readOnlyReason says, for the status line, what made the dashboard
// read-only: the setting and where it came from, or watch without --act.
func readOnlyReason(cfg *config.Config, o *dashboardOpts) string {
	if !cfg.ReadOnly {
		if o.readOnly {
			return "watch without --act"
		}
		return ""
	}
	switch cfg.Origin("read-only") {
	case config.FromFlag:
		return "--read-only"
	case config.FromEnv:
		return "SNAPDASH_READ_ONLY"
	case config.FromFile:
		return "read_only in the config file"
	}
	return ""
}

// runDashboard runs the dashboard on the terminal with the session's client
// and a user endpoint open for its lifetime.
func (e *env) runDashboard(ctx context.Context, s *session, o *dashboardOpts) error {
	opts, err := dashboardOptions(s.cfg, o, e.getenv)
	if err != nil {
		return err
	}
	opts.API = s.client
	if err := tui.CheckOptions(opts); err != nil {
		return err
	}
	if opts.StateDir != "" { // the demo keeps no journal: its ids are new every run
		source := "dashboard"
		if o.watch {
			source = "watch"
		}
		j, err := e.openJournal(s, source, false)
		if j != nil {
			defer j.Close()
			opts.Journal = tui.NewJournal(j)
		}
		opts.JournalErr = err
	}
	in, out, err := e.terminal()
	if err != nil {
		return err
	}
	ep, release, err := e.connectDashboard(ctx, s, &opts, in, out)
	if err != nil {
		return err
	}
	defer release()
	hub, err := openTeam(s.cfg, opts.Identity, s.log, false)
	if err != nil {
		return err
	}
	if hub != nil {
		defer hub.Close()
		opts.Team = hub.Join(teamName(s.cfg, e.getenv, opts.Identity))
	}
	if opts.Identity.UserID == "" {
		opts.StartWarning = unknownUserWarning
	}
	if opts.Theme == "" {
		opts.Theme = "dark"
	}
	if s.cfg.Origin("theme") == config.FromDefault && !lipgloss.HasDarkBackground() {
		// A light terminal gets the light theme, as SSH sessions do. The
		// answer was asked at start (bubbletea's init asks the terminal's
		// background on stdout), so this waits for nothing.
		opts.Theme = "light"
	}
	opts.UserEndpointID = ep
	opts.Caps = dashcaps.Of(detectCaps(e.getenv, in, out))
	s.log.Info("dashboard", "caps", opts.Caps.String(), "image_mode", opts.ImageMode, "theme", opts.Theme,
		"user", opts.Identity.UserID)
	err = tui.Run(ctx, opts, in, out)
	if errors.Is(err, context.Canceled) {
		return nil // interrupted: a normal way to leave
	}
	return err
}

// connectDashboard signs in and registers the dashboard's user endpoint
// behind the connecting screen, which shows the server, the step waited
// for and a countdown to the timeout (--timeout, SNAPDASH_TIMEOUT, config
// timeout), and which q or ctrl+c leaves. Warnings said meanwhile are
// printed after the screen is gone, so that they stay readable.
func (e *env) connectDashboard(ctx context.Context, s *session, opts *tui.Options, in, out *os.File) (string, func(), error) {
	var (
		ep      string
		release = func() {}
		held    bytes.Buffer
	)
	stderr := e.stderr
	e.stderr = &held
	label := "--timeout"
	switch s.cfg.Origin("timeout") {
	case config.FromEnv:
		label = "SNAPDASH_TIMEOUT"
	case config.FromFile:
		label = "timeout in " + s.cfg.Path
	}
	err := tui.Connect(ctx, tui.ConnectOptions{Server: s.cfg.Server, Timeout: s.cfg.Timeout, TimeoutFlag: label, Theme: opts.Theme},
		in, out, func(cctx context.Context, step func(string)) error {
			if s.cfg.Token == "" {
				step("the token endpoint to sign you in")
			}
			id, err := e.identity(cctx, s, "the dashboard (to tell your own requests and events)")
			if err != nil {
				return err
			}
			opts.Identity = id
			step("the server to register this dashboard")
			ep, release, err = s.endpoint(cctx)
			if err != nil {
				release = func() {}
			}
			return err
		})
	e.stderr = stderr
	_, _ = held.WriteTo(stderr)
	switch {
	case errors.Is(err, tui.ErrLeft):
		release()
		return "", nil, silentOK{}
	case err != nil:
		release()
		return "", nil, err
	}
	return ep, release, nil
}

// terminal returns the standard streams when both are terminals; the
// dashboard needs one, and says which commands work without.
func (e *env) terminal() (*os.File, *os.File, error) {
	in, ok1 := e.stdin.(*os.File)
	out, ok2 := e.stdout.(*os.File)
	if !ok1 || !ok2 || !term.IsTerminal(int(in.Fd())) || !term.IsTerminal(int(out.Fd())) {
		return nil, nil, errors.New("the dashboard needs a terminal; without one use the headless commands (snapdash help)")
	}
	return in, out, nil
}

// detectCaps asks the terminal what it can show, in raw mode so that the
// replies are not echoed, before Bubble Tea owns the input.
func detectCaps(getenv func(string) string, in, out *os.File) termgfx.Caps {
	state, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return termgfx.DetectEnv(getenv)
	}
	defer term.Restore(int(in.Fd()), state)
	return termgfx.Detect(getenv, in, out, queryBudget)
}

// runDemo starts a simulator on loopback with demo data and simulated
// customers, and runs the dashboard on it as the demo agent. The config
// file's dashboard settings (theme, keys, ...) apply; its server and
// credentials do not, and it remembers no recent interactions.
func (e *env) runDemo(ctx context.Context, o *dashboardOpts) (err error) {
	demo := *o
	demo.noState = true // the simulator's ids are new every run: keep the real recent list
	o = &demo
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if _, err := dashboardOptions(cfg, o, e.getenv); err != nil {
		return err
	}
	if _, _, err := e.terminal(); err != nil {
		return err
	}
	s, err := e.openSession("demo", cfg)
	if err != nil {
		return err
	}
	defer func() { s.close(err) }()
	srv, err := sim.New(sim.Options{Seed: time.Now().UnixNano(), Demo: true, Customers: true, Logger: s.log})
	if err != nil {
		return err
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		return err
	}
	defer srv.Close()
	agent, err := demoAgent(srv)
	if err != nil {
		return err
	}
	cfg.Server, cfg.TokenURL, cfg.Token = srv.URL(), "", ""
	cfg.ClientID, cfg.ClientSecret = agent.ClientID, config.Secret(agent.ClientSecret)
	cfg.UserEndpointID = ""
	if cfg.ApplicationID == "" {
		cfg.ApplicationID = demoApplicationID
	}
	if err := s.dial(e.version); err != nil {
		return err
	}
	return e.runDashboard(ctx, s, o)
}

// demoAgent returns the simulator's agent credentials.
func demoAgent(srv *sim.Server) (sim.Credential, error) {
	for _, c := range srv.Credentials() {
		if c.Role == sim.RoleAgent {
			return c, nil
		}
	}
	return sim.Credential{}, errors.New("demo: the simulator has no agent credentials")
}
