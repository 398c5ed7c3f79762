package main

import (
	"fmt"
	"log/slog"
	"net/url"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/urlsafe"
	"github.com/snapdash/snapdash/team"
)

// openTeam connects to the team broker when one is configured (--team-broker,
// SNAPDASH_TEAM_BROKER, team.broker). Without one it returns nil, or, for
// serve (shared), a hub its sessions share in memory.
func openTeam(cfg *config.Config, id client.Identity, log *slog.Logger, shared bool) (*team.Hub, error) {
	raw := cfg.Team.Broker
	if raw == "" {
		if shared {
			return team.NewMemory(team.Options{}), nil
		}
		return nil, nil
	}
	if err := team.CheckURL(raw); err != nil {
		return nil, err
	}
	u, _ := url.Parse(raw)
	if cfg.Team.Password != "" && (u.Scheme == "tcp" || u.Scheme == "ws" || u.Scheme == "mqtt") &&
		!urlsafe.IsLoopback(u.Host) && !cfg.AllowInsecureHTTP {
		return nil, fmt.Errorf("team broker %s: a plain %s connection would send the team password in clear; use ssl:// or wss://, "+
			"or pass --allow-insecure-http (SNAPDASH_ALLOW_INSECURE_HTTP, config allow_insecure_http)", u.Redacted(), u.Scheme)
	}
	hub, err := team.Connect(team.BrokerOptions{
		URL: raw, Username: cfg.Team.User, Password: cfg.Team.Password.Reveal(), Organization: id.Organization,
		OnError: func(err error) { log.Warn("team broker unreachable", "url", u.Redacted(), "err", err) },
	})
	if err != nil {
		return nil, err
	}
	log.Info("team broker", "url", u.Redacted(), "user", cfg.Team.User, "organization", id.Organization)
	return hub, nil
}

// teamName is the local reviewer's name as the team sees it: team.name,
// else the login name, else the token's user.
func teamName(cfg *config.Config, getenv func(string) string, id client.Identity) string {
	for _, n := range []string{cfg.Team.Name, getenv("USER"), getenv("LOGNAME"), id.UserID} {
		if n != "" {
			return n
		}
	}
	return "reviewer"
}
