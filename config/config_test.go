package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const testSecret = "s3cr3t-value-xyz"

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, dir, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server != DefaultServer || c.Theme != "dark" || c.ImageMode != "auto" {
		t.Errorf("defaults: %+v", c)
	}
	if c.Events.Scrollback != DefaultScrollback || c.Watch.WarnAfter != DefaultWarnAfter || c.Watch.CriticalAfter != DefaultCriticalAfter {
		t.Errorf("dashboard defaults: %+v %+v", c.Events, c.Watch)
	}
	if c.Configured() || c.HasCredentials() || c.FileFound {
		t.Errorf("nothing configured, got Configured=%t", c.Configured())
	}
	if want := filepath.Join(dir, ".config", "snapdash", "config.yaml"); c.Path != want {
		t.Errorf("path %q, want %q", c.Path, want)
	}
}

func TestDefaultPathXDG(t *testing.T) {
	got := DefaultPath(env(map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}))
	if got != filepath.Join("/x", "snapdash", "config.yaml") {
		t.Errorf("got %q", got)
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "server: https://file.example\napplication_id: file-app\ntheme: light\nclient_id: file-id\nclient_secret: file-secret\n", 0o600)
	e := map[string]string{"HOME": dir, "SNAPDASH_APPLICATION_ID": "env-app", "SNAPDASH_THEME": "high-contrast"}
	flags := map[string]string{"config": p, "theme": "dark"}
	c, err := Load(LoadOptions{Flags: flags, Getenv: env(e)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server != "https://file.example" || c.Origin("server") != FromFile {
		t.Errorf("server %q from %s", c.Server, c.Origin("server"))
	}
	if c.ApplicationID != "env-app" || c.Origin("application-id") != FromEnv {
		t.Errorf("application id %q from %s", c.ApplicationID, c.Origin("application-id"))
	}
	if c.Theme != "dark" || c.Origin("theme") != FromFlag {
		t.Errorf("theme %q from %s", c.Theme, c.Origin("theme"))
	}
	if c.ClientSecret.Reveal() != "file-secret" || !c.Configured() {
		t.Errorf("credentials: %v", c)
	}
}

func TestConfigEnvAndMissingExplicit(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir, "SNAPDASH_CONFIG": filepath.Join(dir, "nope.yaml")})})
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("want a not-found error naming the file, got %v", err)
	}
}

func TestFullFile(t *testing.T) {
	dir := t.TempDir()
	body := `
server: http://127.0.0.1:8080/
token: ` + testSecret + `
log_file: ~/snap.log
theme: high-contrast
image_mode: halfblock
read_only: true
bell: true
keys:
  approve: [a, A]
  discard: x
events:
  scrollback: 500
watch:
  warn_after: 30s
  critical_after: 2m
ssh:
  authorized_keys: ~/.ssh/authorized_keys
  host_key: /etc/snapdash/host_ed25519
  roles:
    "SHA256:abc": supervisor
    alice@laptop: reviewer
`
	p := writeFile(t, dir, body, 0o600)
	c, err := Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server != "http://127.0.0.1:8080" || c.Token.Reveal() != testSecret || !c.ReadOnly || !c.Bell {
		t.Errorf("got %v", c)
	}
	if c.LogFile != filepath.Join(dir, "snap.log") || c.SSH.AuthorizedKeys != filepath.Join(dir, ".ssh/authorized_keys") {
		t.Errorf("paths: %q %q", c.LogFile, c.SSH.AuthorizedKeys)
	}
	if c.ImageMode != "halfblock" || c.Theme != "high-contrast" || c.Events.Scrollback != 500 {
		t.Errorf("dashboard: %v", c)
	}
	if c.Watch.WarnAfter != 30*time.Second || c.Watch.CriticalAfter != 2*time.Minute {
		t.Errorf("watch: %+v", c.Watch)
	}
	if got := c.Keys["discard"]; len(got) != 1 || got[0] != "x" {
		t.Errorf("keys: %v", c.Keys)
	}
	if c.SSH.Roles["alice@laptop"] != "reviewer" || c.SSH.Roles["SHA256:abc"] != "supervisor" {
		t.Errorf("roles: %v", c.SSH.Roles)
	}
	if err := c.Keys.Check([]string{"approve", "discard", "quit"}); err != nil {
		t.Error(err)
	}
}

func TestFileErrors(t *testing.T) {
	cases := []struct{ body, want string }{
		{"sever: x\n", `line 1: unknown key "sever" (known keys:`},
		{"watch:\n  warn: 1m\n", `line 2: unknown key "watch.warn"`},
		{"ssh:\n  roles:\n    bob: admin\n", `want one of reviewer, supervisor`},
		{"theme: pink\n", `: theme: "pink" is not one of dark, light, high-contrast`},
		{"image_mode: png\n", `: image_mode: "png" is not one of`},
		{"events:\n  scrollback: lots\n", "line 2"},
		{"watch:\n  warn_after: 10m\n  critical_after: 1m\n", "warn_after (10m0s) is later"},
		{"server: ftp://x\n", "want an http(s)://host URL"},
		{"- a\n- b\n", "expected a mapping"},
		{"keys:\n  approve: []\n", "keys.approve: no key given"},
		{"client_id: only\n", "client_secret is not"},
		{"events: 3\n", "events must be a mapping"},
	}
	for _, tc := range cases {
		dir := t.TempDir()
		p := writeFile(t, dir, tc.body, 0o600)
		_, err := Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir})})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestEmptyFile(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "# nothing\n", 0o644)
	c, err := Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir})})
	if err != nil || !c.FileFound {
		t.Fatalf("%v %v", c, err)
	}
}

func TestPermissionRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	for _, key := range []string{"token", "client_secret"} {
		dir := t.TempDir()
		body := key + ": " + testSecret + "\n"
		if key == "client_secret" {
			body += "client_id: id\n"
		}
		p := writeFile(t, dir, body, 0o640)
		_, err := Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir})})
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+p) {
			t.Fatalf("%s: want chmod hint, got %v", key, err)
		}
		if strings.Contains(err.Error(), testSecret) {
			t.Fatal("error leaks the secret")
		}
		if err := os.Chmod(p, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir})}); err != nil {
			t.Fatalf("%s: after chmod: %v", key, err)
		}
	}
	// A world-readable file without secrets is fine.
	dir := t.TempDir()
	p := writeFile(t, dir, "server: https://x.example\n", 0o644)
	if _, err := Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir})}); err != nil {
		t.Fatal(err)
	}
}

func TestSecretsRedacted(t *testing.T) {
	c, err := Load(LoadOptions{
		Flags:  map[string]string{"token": testSecret, "client-id": "id", "client-secret": testSecret + "2"},
		Getenv: env(map[string]string{"HOME": t.TempDir()}),
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v|%+v|%#v|%s|%v|%v\n", c, *c, *c, c, c.Token, c.ClientSecret)
	j, _ := json.Marshal(c)
	buf.Write(j)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "config", *c, "ptr", c, "tok", c.Token)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "config", *c, "tok", c.Token)
	if strings.Contains(buf.String(), testSecret) {
		t.Fatalf("secret leaked:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "[redacted]") {
		t.Fatalf("no redaction marker:\n%s", buf.String())
	}
}

func TestGlobalFlags(t *testing.T) {
	g := NewGlobalFlags()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	g.Register(fs)
	if err := fs.Parse([]string{"--server", "https://a.example", "--read-only", "--token", testSecret}); err != nil {
		t.Fatal(err)
	}
	fs2 := flag.NewFlagSet("y", flag.ContinueOnError)
	g.Register(fs2)
	if err := fs2.Parse([]string{"--server=https://b.example"}); err != nil {
		t.Fatal(err)
	}
	v := g.Values()
	if v["server"] != "https://b.example" || v["read-only"] != "true" {
		t.Errorf("values %v", v)
	}
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	fs.PrintDefaults()
	if strings.Contains(buf.String(), testSecret) {
		t.Error("usage shows the secret")
	}
	c, err := Load(LoadOptions{Flags: v, Getenv: env(map[string]string{"HOME": t.TempDir()})})
	if err != nil {
		t.Fatal(err)
	}
	if !c.ReadOnly || c.Server != "https://b.example" {
		t.Errorf("%v", c)
	}
	if _, err := Load(LoadOptions{Flags: map[string]string{"read-only": "maybe"}, Getenv: env(nil)}); err == nil {
		t.Error("bad bool accepted")
	}
	if len(Settings()) < 10 {
		t.Error("settings table too short")
	}
}

func TestKeysCheck(t *testing.T) {
	k := KeyBindings{"aprove": {"a"}}
	err := k.Check([]string{"approve", "discard"})
	if err == nil || !strings.Contains(err.Error(), "unknown action aprove (valid: approve, discard)") {
		t.Errorf("got %v", err)
	}
	k = KeyBindings{"approve": {"a"}, "discard": {"a"}}
	if err := k.Check([]string{"approve", "discard"}); err == nil || !strings.Contains(err.Error(), `"a" is bound to both`) {
		t.Errorf("got %v", err)
	}
}

func TestStateDir(t *testing.T) {
	if got := StateDir(env(map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"})); got != filepath.Join("/s", "snapdash") {
		t.Errorf("got %q", got)
	}
	if got := StateDir(env(map[string]string{"HOME": "/h"})); got != filepath.Join("/h", ".local", "state", "snapdash") {
		t.Errorf("got %q", got)
	}
}

// TestMouse: on by default; off from the file (`mouse: false`), the
// environment (SNAPDASH_MOUSE=false) or the flag (--mouse=false), each
// over the one before.
func TestMouse(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir})})
	if err != nil || c.NoMouse {
		t.Fatalf("default: no mouse %v (%v)", c.NoMouse, err)
	}
	p := writeFile(t, dir, "mouse: false\n", 0o600)
	c, err = Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir})})
	if err != nil || !c.NoMouse {
		t.Fatalf("file: no mouse %v (%v)", c.NoMouse, err)
	}
	c, err = Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir, "SNAPDASH_MOUSE": "true"})})
	if err != nil || c.NoMouse {
		t.Fatalf("env over file: no mouse %v (%v)", c.NoMouse, err)
	}
	c, err = Load(LoadOptions{Flags: map[string]string{"mouse": "false"}, Getenv: env(map[string]string{"HOME": dir, "SNAPDASH_MOUSE": "true"})})
	if err != nil || !c.NoMouse {
		t.Fatalf("flag over env: no mouse %v (%v)", c.NoMouse, err)
	}
	if _, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir, "SNAPDASH_MOUSE": "sometimes"})}); err == nil {
		t.Fatal("SNAPDASH_MOUSE=sometimes accepted")
	}
}
