package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// identityTimeout bounds how long `snapdash config` asks the token
// endpoint who the client credentials are.
const identityTimeout = 5 * time.Second

// configReport is what `snapdash config --json` prints.
type configReport struct {
	File      string                   `json:"file"`
	FileFound bool                     `json:"fileFound"`
	StateDir  string                   `json:"stateDir"`
	Identity  *identityReport          `json:"identity,omitempty"`
	Settings  map[string]settingReport `json:"settings"`
	order     []string
}

// identityReport is who the credentials act as, or why that is unknown.
type identityReport struct {
	UserID       string `json:"userId,omitempty"`
	Organization string `json:"organization,omitempty"`
	Error        string `json:"error,omitempty"`
}

// settingReport is one setting's value (secrets redacted) and origin.
type settingReport struct {
	Value  string `json:"value"`
	Source string `json:"source"`
	From   string `json:"from,omitempty"` // the variable, flag or file
}

func configCmd() *command {
	return &command{
		name: "config", args: "[path]", summary: "show the configuration in use: the config file, the state directory, the identity and where each setting came from",
		group: "other", jsonFlag: true, maxArgs: 1,
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 1 && args[0] != "path" {
				return usagef("config: unknown argument %q: want path, or nothing", args[0])
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			if len(args) == 1 {
				if e.json {
					return writeJSON(e.stdout, map[string]any{"file": cfg.Path, "fileFound": cfg.FileFound})
				}
				_, err := fmt.Fprintln(e.stdout, sanitize.Line(cfg.Path))
				return err
			}
			r := buildConfigReport(cfg, e.getenv)
			r.Identity = resolveIdentity(ctx, cfg, e.version)
			if e.json {
				return writeJSON(e.stdout, r)
			}
			return r.write(e)
		},
	}
}

// buildConfigReport describes cfg: every setting with its value and origin.
func buildConfigReport(cfg *config.Config, getenv func(string) string) *configReport {
	r := &configReport{File: cfg.Path, FileFound: cfg.FileFound, StateDir: config.StateDir(getenv),
		Settings: map[string]settingReport{}}
	for _, s := range config.Settings() {
		if s.Flag == "config" {
			continue
		}
		o := cfg.Origin(s.Flag)
		sr := settingReport{Value: cfg.Value(s.Flag), Source: string(o)}
		switch o {
		case config.FromFlag:
			sr.From = "--" + s.Flag
		case config.FromEnv:
			sr.From = s.Env
		case config.FromFile:
			sr.From = cfg.Path
		}
		r.Settings[s.Flag] = sr
		r.order = append(r.order, s.Flag)
	}
	return r
}

// resolveIdentity says who the credentials act as: read from a JWT, or
// asked of the token endpoint for client credentials (briefly).
func resolveIdentity(ctx context.Context, cfg *config.Config, version string) *identityReport {
	if !cfg.HasCredentials() {
		return &identityReport{Error: "no credentials (SNAPDASH_TOKEN, or SNAPDASH_CLIENT_ID and SNAPDASH_CLIENT_SECRET)"}
	}
	s := &session{cfg: cfg, log: slog.New(slog.DiscardHandler)}
	if err := s.dial(version); err != nil {
		return &identityReport{Error: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, identityTimeout)
	defer cancel()
	id, err := s.client.Identity(ctx)
	r := &identityReport{UserID: id.UserID, Organization: id.Organization}
	if err != nil {
		if errors.As(err, new(*client.UnknownUserError)) {
			r.Error = "the token names no user; " + userIDHint
		} else {
			r.Error = err.Error()
		}
	}
	return r
}

// write prints the report for people.
func (r *configReport) write(e *env) error {
	file := r.File
	if !r.FileFound {
		file += " (not found: defaults and environment only)"
	}
	ident := "-"
	if r.Identity != nil {
		var parts []string
		if r.Identity.UserID != "" {
			parts = append(parts, "user "+r.Identity.UserID)
		}
		if r.Identity.Organization != "" {
			parts = append(parts, "organization "+r.Identity.Organization)
		}
		if r.Identity.Error != "" {
			parts = append(parts, "unknown: "+r.Identity.Error)
		}
		ident = strings.Join(parts, ", ")
	}
	if err := fields(e.stdout,
		"config file", file,
		"state dir", r.StateDir,
		"server", r.Settings["server"].Value,
		"identity", ident,
	); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
	for _, name := range r.order {
		s := r.Settings[name]
		v := s.Value
		if v == "" {
			v = "-"
		}
		src := s.Source
		if s.From != "" && s.Source != string(config.FromFile) {
			src += " (" + s.From + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, cell(v), src)
	}
	return tw.Flush()
}
