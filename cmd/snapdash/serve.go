//go:build !windows

package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/tui"
	"github.com/snapdash/snapdash/tui/sshserve"
	"github.com/snapdash/snapdash/tui/upstream"
)

func serveCmd() *command {
	var (
		addr, authorizedKeys, hostKey string
		idle, loginTimeout            time.Duration
		maxSessions, maxPending       int
		maxPerAddress, maxPerNetwork  int
		keepalive                     time.Duration
	)
	return &command{
		name: "serve", summary: "serve the dashboard over SSH to the keys in authorized_keys until interrupted",
		group: "dashboard",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&addr, "addr", sshserve.DefaultAddr, "listen address")
			fs.StringVar(&authorizedKeys, "authorized-keys", "", "OpenSSH authorized_keys `file` of who may connect (required, unless config ssh.authorized_keys is set)")
			fs.StringVar(&hostKey, "host-key", "", "the server's host key `file`, created on first start (config ssh.host_key)")
			fs.DurationVar(&idle, "idle-timeout", sshserve.DefaultIdleTimeout, "end a session after this long without a key press")
			fs.IntVar(&maxSessions, "max-sessions", sshserve.DefaultMaxSessions, "most concurrent sessions")
			fs.DurationVar(&loginTimeout, "login-timeout", sshserve.DefaultLoginTimeout, "close a connection that has not logged in after this long")
			fs.IntVar(&maxPending, "max-unauthenticated", sshserve.DefaultMaxUnauthenticated, "most connections not logged in yet")
			fs.IntVar(&maxPerAddress, "max-per-address", sshserve.DefaultMaxPerAddress, "most connections not logged in yet from one address")
			fs.IntVar(&maxPerNetwork, "max-per-network", sshserve.DefaultMaxPerPrefix, "most connections not logged in yet from one /24 (IPv4) or /64 (IPv6)")
			fs.DurationVar(&keepalive, "keepalive", sshserve.DefaultKeepaliveInterval, "ask the client this often whether it is still there; 3 intervals unanswered end its session")
		},
		run: func(ctx context.Context, e *env, _ []string) error {
			return e.withSession("serve", func(s *session) error {
				if authorizedKeys == "" {
					authorizedKeys = s.cfg.SSH.AuthorizedKeys
				}
				if hostKey == "" {
					hostKey = s.cfg.SSH.HostKey
				}
				if authorizedKeys == "" {
					return usagef("serve: no authorized_keys: pass --authorized-keys or set ssh.authorized_keys in %s", s.cfg.Path)
				}
				base, err := dashboardOptions(s.cfg, &dashboardOpts{since: days(24 * time.Hour)}, e.getenv)
				if err != nil {
					return err
				}
				// One upstream for every session: one event stream, one
				// listing and one picture cache against the platform.
				shared := upstream.New(s.client, upstream.Options{})
				defer shared.Close()
				base.API, base.StateDir = shared, "" // sessions share no state of their own
				base.Events = func(ctx context.Context, o client.StreamOptions) upstream.EventStream {
					return shared.Events(ctx, o.UserEndpointID)
				}
				if err := tui.CheckOptions(base); err != nil {
					return err
				}
				// One journal for every session: each event is kept once.
				j, jerr := e.openJournal(s, "serve", true)
				e.sayJournal(jerr)
				if j != nil {
					defer j.Close()
					base.Journal = tui.NewJournal(j)
				}
				if base.Identity, err = e.identity(ctx, s, "the dashboard (to tell your own requests and events)"); err != nil {
					return err
				}
				// Claims shared by the sessions, and the team's through a broker.
				hub, err := openTeam(s.cfg, base.Identity, s.log, true)
				if err != nil {
					return err
				}
				defer hub.Close()
				if base.Identity.UserID == "" {
					base.StartWarning = unknownUserWarning
				}
				return s.withEndpoint(ctx, func(ep string) error {
					base.UserEndpointID = ep
					srv, err := sshserve.New(sshserve.Options{
						Addr: addr, HostKeyPath: hostKey, AuthorizedKeys: authorizedKeys,
						Roles: s.cfg.SSH.Roles, IdleTimeout: idle, MaxSessions: maxSessions, Logger: s.log,
						LoginTimeout: loginTimeout, MaxUnauthenticated: maxPending, MaxPerAddress: maxPerAddress,
						MaxPerPrefix: maxPerNetwork, KeepaliveInterval: keepalive,
						NewSession: func(info sshserve.SessionInfo) (tui.Options, error) {
							o := sessionOptions(base, s.cfg, info)
							o.Team = hub.Join(sessionName(info))
							return o, nil
						},
					})
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "snapdash: serving the dashboard over SSH on %s\n", srv.Addr())
					// Reviewers check it on their first connection; the log may
					// be a file nobody reads at start.
					fmt.Fprintf(e.stderr, "snapdash: host key %s\n", srv.HostKeyFingerprint())
					return srv.Serve(ctx)
				})
			})
		},
	}
}

// sessionOptions adapts the dashboard options to one SSH session: the
// client's SNAPDASH_THEME (sent with SendEnv) wins, and a light terminal gets
// the light theme unless one was configured.
func sessionOptions(base tui.Options, cfg *config.Config, info sshserve.SessionInfo) tui.Options {
	o := base
	if t := info.Env["SNAPDASH_THEME"]; slices.Contains(config.Themes(), t) {
		o.Theme = t
	} else if cfg.Origin("theme") == config.FromDefault && !info.DarkBackground {
		o.Theme = "light"
	}
	o.Interactions = slices.Clone(base.Interactions)
	if o.ReadOnly {
		// The operator's setting, not one the session's user passed.
		o.ReadOnlyReason = "the server is read-only"
	}
	return o
}
