package config

import (
	"flag"
	"maps"
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
		fs.Var(&flagValue{name: s.name, isBool: s.isBool, set: g.set}, s.name, s.usage)
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
}

// Settings lists the global settings, for usage texts and documentation.
func Settings() []Setting {
	var out []Setting
	for _, s := range settings() {
		out = append(out, Setting{Flag: s.name, Env: s.env, Key: s.key, Usage: s.usage})
	}
	return out
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
	if f.name == "token" || f.name == "client-secret" {
		if f.set[f.name] != "" {
			return redacted
		}
		return ""
	}
	return f.set[f.name]
}

// Set implements flag.Value.
func (f *flagValue) Set(v string) error {
	f.set[f.name] = v
	return nil
}

// IsBoolFlag lets --read-only stand alone.
func (f *flagValue) IsBoolFlag() bool { return f.isBool }
