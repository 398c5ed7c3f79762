package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client/sim"
)

// writeConfig writes a config file with the given mode.
func writeConfig(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	token := srv.IssueToken(sim.RoleAgent, 3600e9)
	dead := "http://127.0.0.1:1"

	// File only.
	p := writeConfig(t, "server: "+srv.URL()+"\ntoken: "+token+"\n", 0o600)
	c := newCLI(t, map[string]string{"SNAPDASH_CONFIG": p})
	c.ok("interactions")

	// Environment beats the file.
	p = writeConfig(t, "server: "+dead+"\ntoken: "+token+"\n", 0o600)
	c = newCLI(t, map[string]string{"SNAPDASH_CONFIG": p, "SNAPDASH_SERVER": srv.URL()})
	c.ok("interactions")

	// A flag beats the environment, before or after the command name.
	for _, args := range [][]string{{"--server", dead, "interactions"}, {"interactions", "--server", dead}} {
		r := c.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, "127.0.0.1:1") {
			t.Errorf("%v: %s", args, r)
		}
	}
	c = newCLI(t, map[string]string{"SNAPDASH_SERVER": dead, "SNAPDASH_TOKEN": token})
	c.ok("interactions", "--server", srv.URL())
	c.ok("--config", p, "--server", srv.URL(), "interactions")

	// The default path under $XDG_CONFIG_HOME.
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "snapdash"), 0o700); err != nil {
		t.Fatal(err)
	}
	body := "server: " + srv.URL() + "\ntoken: " + token + "\n"
	if err := os.WriteFile(filepath.Join(xdg, "snapdash", "config.yaml"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	newCLI(t, map[string]string{"XDG_CONFIG_HOME": xdg}).ok("interactions")
}

func TestConfigFileErrors(t *testing.T) {
	t.Parallel()
	const secret = "file-secret-value-42"
	p := writeConfig(t, "server: http://127.0.0.1:1\nclient_id: x\nclient_secret: "+secret+"\n", 0o644)
	c := newCLI(t, map[string]string{"SNAPDASH_CONFIG": p})
	for _, args := range [][]string{nil, {"interactions"}, {"sim", "--addr", "127.0.0.1:0"}} {
		r := c.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, "chmod 600 "+p) || len(lines(r.stderr)) != 1 {
			t.Errorf("%v: %s", args, r)
		}
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("%v: the secret was printed", args)
		}
	}

	p = writeConfig(t, "server: http://127.0.0.1:1\nwatch:\n  warn_afterr: 1m\n", 0o644)
	r := newCLI(t, map[string]string{"SNAPDASH_CONFIG": p}).run("interactions")
	if r.code != 1 || !strings.Contains(r.stderr, `line 3: unknown key "watch.warn_afterr"`) {
		t.Errorf("unknown key: %s", r)
	}

	// Key rebindings are checked against the dashboard's actions.
	p = writeConfig(t, "server: http://127.0.0.1:1\ntoken: x\nkeys:\n  aprove: x\n", 0o600)
	for _, args := range [][]string{nil, {"demo"}} {
		r = newCLI(t, map[string]string{"SNAPDASH_CONFIG": p}).run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, "unknown action aprove (valid: ") || !strings.Contains(r.stderr, "approve") {
			t.Errorf("%v: unknown action: %s", args, r)
		}
	}
	p = writeConfig(t, "server: http://127.0.0.1:1\ntoken: x\nkeys:\n  approve: q\n", 0o600)
	if r = newCLI(t, map[string]string{"SNAPDASH_CONFIG": p}).run(); r.code != 1 || !strings.Contains(r.stderr, `"q"`) {
		t.Errorf("a key bound twice: %s", r)
	}
	// Without a terminal the dashboard says what to use instead.
	p = writeConfig(t, "server: http://127.0.0.1:1\ntoken: x\n", 0o600)
	if r = newCLI(t, map[string]string{"SNAPDASH_CONFIG": p}).run(); r.code != 1 || !strings.Contains(r.stderr, "needs a terminal") {
		t.Errorf("no terminal: %s", r)
	}

	r = newCLI(t, nil).run("--config", filepath.Join(t.TempDir(), "none.yaml"), "interactions")
	if r.code != 1 || !strings.Contains(r.stderr, "none.yaml") {
		t.Errorf("missing explicit config: %s", r)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	var agent sim.Credential
	for _, cr := range srv.Credentials() {
		if cr.Role == sim.RoleAgent {
			agent = cr
		}
	}
	token := srv.IssueToken(sim.RoleAgent, 3600e9)
	snap := snapshotIn(t, srv, "UPLOADED")
	logFile := filepath.Join(t.TempDir(), "snapdash.log")

	check := func(name string, secrets []string, r result) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(r.stdout+r.stderr, s) {
				t.Errorf("%s: secret printed:\n%s", name, r)
			}
		}
	}
	// Client credentials from the environment, token from a flag.
	cc := newCLI(t, map[string]string{
		"SNAPDASH_SERVER": srv.URL(), "SNAPDASH_CLIENT_ID": agent.ClientID,
		"SNAPDASH_CLIENT_SECRET": agent.ClientSecret, "SNAPDASH_LOG_FILE": logFile,
	})
	secrets := []string{agent.ClientSecret, token}
	for _, args := range [][]string{
		{"interactions", "--json"},
		{"get", snap.ID},
		{"approve", snap.ID},
		{"approve", snap.ID}, // fails: 400
		{"url", snap.ID},
		{"help"},
		{"get", "--token", token}, // usage error
		{"bogus", "--client-secret", agent.ClientSecret}, // unknown command
		{"--token", token, "interactions", "--server", "http://127.0.0.1:1"},
	} {
		check(strings.Join(args, " "), secrets, cc.run(args...))
	}
	// A refused token.
	bad := newCLI(t, map[string]string{"SNAPDASH_SERVER": srv.URL(), "SNAPDASH_TOKEN": "not-a-valid-token-zzz", "SNAPDASH_LOG_FILE": logFile})
	r := bad.run("interactions")
	if r.code != 1 {
		t.Errorf("bad token: %s", r)
	}
	check("bad token", []string{"not-a-valid-token-zzz"}, r)

	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "command=approve") || !strings.Contains(string(log), "[redacted]") {
		t.Errorf("log file lacks the expected records:\n%s", log)
	}
	for _, s := range append(secrets, "not-a-valid-token-zzz") {
		if strings.Contains(string(log), s) {
			t.Errorf("log file holds a secret:\n%s", log)
		}
	}
	if info, _ := os.Stat(logFile); info.Mode().Perm()&0o077 != 0 {
		t.Errorf("log file mode %v", info.Mode())
	}
}
