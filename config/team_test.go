package config

import (
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestTeamSettings: the team broker's settings come from the file, the
// environment and flags like the rest; the password is a secret nothing
// prints, and a file holding it must be private.
func TestTeamSettings(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "team:\n  broker: tcp://file:1883\n  user: snapdash\n  password: file-pass\n  name: ada\n", 0o600)
	c, err := Load(LoadOptions{Flags: map[string]string{"config": file}, Getenv: env(map[string]string{"HOME": dir,
		"SNAPDASH_TEAM_BROKER": "ssl://env:8883", "SNAPDASH_TEAM_PASSWORD": "env-pass"})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Team.Broker != "ssl://env:8883" || c.Team.User != "snapdash" || c.Team.Password.Reveal() != "env-pass" || c.Team.Name != "ada" {
		t.Fatalf("team settings %+v", c.Team)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "c", c)
	for what, s := range map[string]string{"String": c.String(), "GoString": fmt.Sprintf("%#v", *c), "log": logged.String()} {
		if strings.Contains(s, "env-pass") {
			t.Errorf("%s shows the team password: %s", what, s)
		}
	}
	g := NewGlobalFlags()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	g.Register(fs)
	if err := fs.Parse([]string{"--team-password", "flag-pass"}); err != nil {
		t.Fatal(err)
	}
	if v := fs.Lookup("team-password").Value.String(); strings.Contains(v, "flag-pass") {
		t.Errorf("the flag prints the password: %q", v)
	}
	open := writeFile(t, t.TempDir(), "team:\n  password: secret\n", 0o644)
	if _, err := Load(LoadOptions{Flags: map[string]string{"config": open}, Getenv: env(map[string]string{"HOME": dir})}); err == nil ||
		!strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable file with the team password: %v", err)
	}
}
