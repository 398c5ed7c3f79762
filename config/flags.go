package config

import (
	"flag"
	"maps"
	"slices"
)

// GlobalFlags records the global settings given on a command line. Register
// it on every FlagSet that should accept them (the root one and each
// subcommand's), then pass Values to Load.
type GlobalFlags struct {
	set map[string]string
}

// NewGlobalFlags returns an empty GlobalFlags.
func NewGlobalFlags() *GlobalFlags { return &GlobalFlags{set: map[string]string{}} }

// Register defines the global flags on fs.
func (g *GlobalFlags) Register(fs *flag.FlagSet) {
	for _, s := range settings() {
		if !s.local {
			fs.Var(&flagValue{name: s.name, isBool: s.isBool, set: g.set}, s.name, s.usage)
		}
	}
}

// RegisterLocal defines the named local settings (Setting.Local, such as
// the dashboard's timeout) as flags on fs; Load reads them like the global
// ones.
func (g *GlobalFlags) RegisterLocal(fs *flag.FlagSet, names ...string) {
	for _, s := range settings() {
		if s.local && slices.Contains(names, s.name) {
			fs.Var(&flagValue{name: s.name, isBool: s.isBool, set: g.set}, s.name, s.usage)
		}
	}
}

// Values returns the flags given so far, by flag name.
func (g *GlobalFlags) Values() map[string]string { return maps.Clone(g.set) }

// Setting describes one global setting for help texts.
type Setting struct {
	// Flag is the flag name without dashes.
	Flag string
	// Env is the environment variable.
	Env string
	// Key is the config-file key ("" for --config).
	Key string
	// Usage is a one-line description.
	Usage string
	// Local settings are flags of some commands only (see RegisterLocal).
	Local bool
	// Secret settings are never shown.
	Secret bool
}

// Settings lists the global settings, for usage texts and documentation.
func Settings() []Setting {
	var out []Setting
	for _, s := range settings() {
		out = append(out, Setting{Flag: s.name, Env: s.env, Key: s.key, Usage: s.usage, Local: s.local,
			Secret: isSecret(s.name)})
	}
	return out
}

func isSecret(name string) bool {
	return name == "token" || name == "client-secret" || name == "team-password"
}

// Value returns the setting with the given flag name as text, a secret
// as [redacted] (or "" when unset); "" for an unknown name.
func (c *Config) Value(name string) string {
	if name == "config" {
		return c.Path
	}
	for _, s := range settings() {
		if s.name != name {
			continue
		}
		v := s.get(c)
		if isSecret(name) && v != "" {
			return redacted
		}
		if s.isBool && v == "" {
			if name == "mouse" {
				return "true" // on unless turned off
			}
			return "false"
		}
		return v
	}
	return ""
}

// flagValue stores its value in a shared map so that presence means "given".
type flagValue struct {
	name   string
	isBool bool
	set    map[string]string
}

// String implements flag.Value; secrets are redacted.
func (f *flagValue) String() string {
	if f == nil || f.set == nil {
		return ""
	}
	if isSecret(f.name) {
		if f.set[f.name] != "" {
			return redacted
		}
		return ""
	}
	return f.set[f.name]
}

// Set implements flag.Value. A value the setting cannot take at all (not
// a boolean, not a number in range, not a duration) is refused as the
// flag is parsed; values checked against the others (a theme, a URL) are
// checked by Load.
func (f *flagValue) Set(v string) error {
	for _, s := range settings() {
		if s.name == f.name {
			if err := s.set(&Config{}, v); err != nil {
				return err
			}
		}
	}
	f.set[f.name] = v
	return nil
}

// IsBoolFlag lets --read-only stand alone.
func (f *flagValue) IsBoolFlag() bool { return f.isBool }
