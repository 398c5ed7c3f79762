package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/snapdash/snapdash/internal/urlsafe"
	"go.yaml.in/yaml/v3"
)

// maxFileSize bounds the config file read, so a wrong --config (a log, a
// device) fails fast.
const maxFileSize = 1 << 20

// LoadOptions are Load's inputs.
type LoadOptions struct {
	// Flags holds the global flags given on the command line, by flag name
	// (GlobalFlags.Values). A flag present here wins even when empty.
	Flags map[string]string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// Load builds the configuration: defaults, then the config file, then
// SNAPDASH_* environment variables, then flags. The file is
// --config, else $SNAPDASH_CONFIG, else $XDG_CONFIG_HOME/snapdash/config.yaml,
// else ~/.config/snapdash/config.yaml; only an explicitly named file must
// exist. A file holding a secret must not be readable by group or others.
func Load(opts LoadOptions) (*Config, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	c := &Config{Origins: map[string]Origin{}}

	path, explicit := opts.Flags["config"], true
	if _, ok := opts.Flags["config"]; !ok {
		path = getenv("SNAPDASH_CONFIG")
	}
	if path == "" {
		explicit = false
		path = DefaultPath(getenv)
	}
	c.Path = expandHome(path, getenv)
	if err := readFile(c, explicit); err != nil {
		return nil, err
	}
	if c.Mouse != nil {
		c.NoMouse = !*c.Mouse
	}
	for _, s := range settings() {
		if c.FileFound && s.get(c) != "" {
			c.Origins[s.name] = FromFile
		}
	}
	for _, s := range settings() {
		if s.env == "" || s.name == "config" {
			continue
		}
		if v := getenv(s.env); v != "" {
			if err := s.set(c, v); err != nil {
				return nil, &ValueError{Origin: FromEnv, Name: s.env, Err: err}
			}
			c.Origins[s.name] = FromEnv
		}
	}
	for _, s := range settings() {
		v, ok := opts.Flags[s.name]
		if !ok || s.name == "config" {
			continue
		}
		if err := s.set(c, v); err != nil {
			return nil, &ValueError{Origin: FromFlag, Name: "--" + s.name, Err: err}
		}
		c.Origins[s.name] = FromFlag
	}
	if err := c.finish(getenv); err != nil {
		return nil, err
	}
	return c, nil
}

// DefaultPath returns $XDG_CONFIG_HOME/snapdash/config.yaml, or
// ~/.config/snapdash/config.yaml when XDG_CONFIG_HOME is not set.
func DefaultPath(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" {
		return filepath.Join(dir, "snapdash", "config.yaml")
	}
	return filepath.Join(home(getenv), ".config", "snapdash", "config.yaml")
}

func home(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "."
}

// expandHome replaces a leading ~/ with the home directory.
func expandHome(p string, getenv func(string) string) string {
	if p == "~" {
		return home(getenv)
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home(getenv), p[2:])
	}
	return p
}

// readFile decodes c.Path into c, rejecting unknown keys and, when the file
// holds a secret, permissions wider than 0600.
func readFile(c *Config, explicit bool) error {
	f, err := os.Open(c.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return nil
		}
		return fmt.Errorf("config %s: %w", c.Path, unwrapPath(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("config %s: %w", c.Path, unwrapPath(err))
	}
	if info.IsDir() {
		return fmt.Errorf("config %s: is a directory", c.Path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return fmt.Errorf("config %s: %w", c.Path, unwrapPath(err))
	}
	if len(data) > maxFileSize {
		return fmt.Errorf("config %s: larger than %d bytes", c.Path, maxFileSize)
	}
	c.FileFound = true
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config %s: %s", c.Path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("config %s: line %d: expected a mapping of settings", c.Path, root.Line)
	}
	if err := checkKnown(root, configType, ""); err != nil {
		return fmt.Errorf("config %s: %w", c.Path, err)
	}
	if err := root.Decode(c); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  ")
		msg = strings.ReplaceAll(msg, "\n  ", "; ")
		return fmt.Errorf("config %s: %s", c.Path, msg)
	}
	if (c.Token != "" || c.ClientSecret != "" || c.Team.Password != "") && runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("config %s holds a secret but is readable by others (mode %04o); run: chmod 600 %s",
			c.Path, info.Mode().Perm(), c.Path)
	}
	return nil
}

// unwrapPath drops the *PathError wrapper, whose message repeats the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// valueError names the setting (by its flag name; key is its config-file
// key) as the user gave it: the flag, the environment variable or the
// config file's key.
func (c *Config) valueError(name, key string, err error) error {
	o := c.Origin(name)
	label := key
	switch o {
	case FromFlag:
		label = "--" + name
	case FromEnv:
		for _, s := range settings() {
			if s.name == name {
				label = s.env
			}
		}
	case FromFile:
		label = "config " + c.Path + ": " + key
	}
	return &ValueError{Origin: o, Name: label, Err: err}
}

// oneOf is the message of a value outside a list.
func oneOf(v string, list []string) error {
	return fmt.Errorf("%q is not one of %s", v, strings.Join(list, ", "))
}

// finish fills defaults and checks values, one part of the configuration
// after the other in a fixed order, so the first bad value is the error.
func (c *Config) finish(getenv func(string) string) error {
	for _, part := range []func() error{
		c.finishServer,
		c.finishLimits,
		c.finishLooks,
		c.finishEvents,
		c.finishWatch,
		c.finishJournal,
		c.finishSSHRoles,
	} {
		if err := part(); err != nil {
			return err
		}
	}
	c.LogFile = expandHome(c.LogFile, getenv)
	c.SSH.AuthorizedKeys = expandHome(c.SSH.AuthorizedKeys, getenv)
	c.SSH.HostKey = expandHome(c.SSH.HostKey, getenv)
	return nil
}

// finishServer checks the server and token URLs and keeps one usable kind
// of credentials.
func (c *Config) finishServer() error {
	if c.Server == "" {
		c.Server = DefaultServer
	}
	c.Server = strings.TrimRight(c.Server, "/")
	if err := c.checkURL(c.Server); err != nil {
		return c.valueError("server", "server", err)
	}
	if c.TokenURL != "" {
		if err := c.checkURL(c.TokenURL); err != nil {
			return c.valueError("token-url", "token_url", err)
		}
	}
	c.resolveCredentials()
	if c.Token == "" && (c.ClientID == "") != (c.ClientSecret == "") {
		if c.ClientID == "" {
			return errors.New("client_secret is set but client_id is not (SNAPDASH_CLIENT_ID, --client-id)")
		}
		return errors.New("client_id is set but client_secret is not (SNAPDASH_CLIENT_SECRET, --client-secret)")
	}
	return nil
}

// finishLimits fills and bounds the picture size limit and the timeout.
func (c *Config) finishLimits() error {
	switch {
	case c.MaxImageMB == 0:
		c.MaxImageMB = DefaultMaxImageMB
	case c.MaxImageMB < 0 || c.MaxImageMB > MaxMaxImageMB:
		return c.valueError("max-image-mb", "max_image_mb", fmt.Errorf("%d: want a whole number of MiB from 1 to %d", c.MaxImageMB, MaxMaxImageMB))
	}
	switch {
	case c.RequestRate == 0:
		c.RequestRate = DefaultRequestRate
	case c.RequestRate < 0 || c.RequestRate > MaxRequestRate:
		return c.valueError("request-rate", "request_rate", fmt.Errorf("%d: want a whole number of requests a second from 1 to %d", c.RequestRate, MaxRequestRate))
	}
	switch {
	case c.Timeout == 0:
		c.Timeout = DefaultTimeout
	case c.Timeout < MinTimeout || c.Timeout > MaxTimeout:
		return c.valueError("timeout", "timeout", fmt.Errorf("%s: want a duration from %s to %s", c.Timeout, MinTimeout, MaxTimeout))
	}
	return nil
}

// finishLooks fills and checks the theme, the image mode and the picture
// quality.
func (c *Config) finishLooks() error {
	if err := c.choose(&c.Theme, DefaultTheme, Themes(), "theme", "theme"); err != nil {
		return err
	}
	if err := c.choose(&c.ImageMode, DefaultImageMode, ImageModes(), "image-mode", "image_mode"); err != nil {
		return err
	}
	return c.choose(&c.PictureQuality, "fidelity", PictureQualities(), "picture-quality", "picture_quality")
}

// choose fills an empty choice with its default and checks it is one of
// list; name and key are the setting's flag and config-file key.
func (c *Config) choose(v *string, def string, list []string, name, key string) error {
	if *v == "" {
		*v = def
	}
	if !slices.Contains(list, *v) {
		return c.valueError(name, key, oneOf(*v, list))
	}
	return nil
}

// finishEvents checks the live events' transport, broker URL and
// scrollback.
func (c *Config) finishEvents() error {
	given := c.Events.Transport
	c.Events.Transport = strings.ToLower(strings.TrimSpace(c.Events.Transport))
	if c.Events.Transport == "" {
		c.Events.Transport = "auto"
	}
	if !slices.Contains(Transports(), c.Events.Transport) {
		return c.valueError("events", "events.transport", oneOf(given, Transports()))
	}
	if c.Events.MQTTURL != "" {
		if err := c.checkWSURL(c.Events.MQTTURL); err != nil {
			return c.valueError("mqtt-url", "events.mqtt_url", err)
		}
	}
	switch {
	case c.Events.Scrollback < 0:
		return fmt.Errorf("events.scrollback %d: must not be negative", c.Events.Scrollback)
	case c.Events.Scrollback == 0:
		c.Events.Scrollback = DefaultScrollback
	}
	return nil
}

// finishWatch fills the watch thresholds and checks warn comes before
// critical.
func (c *Config) finishWatch() error {
	if c.Watch.WarnAfter < 0 || c.Watch.CriticalAfter < 0 {
		return errors.New("watch: durations must not be negative")
	}
	if c.Watch.WarnAfter == 0 {
		c.Watch.WarnAfter = DefaultWarnAfter
	}
	if c.Watch.CriticalAfter == 0 {
		c.Watch.CriticalAfter = max(DefaultCriticalAfter, c.Watch.WarnAfter)
	}
	if c.Watch.WarnAfter > c.Watch.CriticalAfter {
		return fmt.Errorf("watch: warn_after (%s) is later than critical_after (%s)", c.Watch.WarnAfter, c.Watch.CriticalAfter)
	}
	return nil
}

// finishJournal fills the journal's retention.
func (c *Config) finishJournal() error {
	switch {
	case c.Journal.Retention < 0:
		return fmt.Errorf("journal.retention %s: must not be negative", c.Journal.Retention)
	case c.Journal.Retention == 0:
		c.Journal.Retention = DefaultJournalRetention
	}
	return nil
}

// finishSSHRoles checks that every role in ssh.roles is a known one.
func (c *Config) finishSSHRoles() error {
	for who, role := range c.SSH.Roles {
		if !slices.Contains(Roles(), role) {
			return fmt.Errorf("ssh.roles[%q] = %q: want one of %s", who, role, strings.Join(Roles(), ", "))
		}
	}
	return nil
}

// rank orders origins from weakest (default) to strongest (flag).
func rank(o Origin) int {
	switch o {
	case FromFile:
		return 1
	case FromEnv:
		return 2
	case FromFlag:
		return 3
	}
	return 0
}

// resolveCredentials keeps one kind of credentials when both a token and a
// complete pair of client credentials are set, so that precedence holds
// across them too: a token from a flag beats client credentials from the
// environment, client credentials from the environment beat a token in the
// file. On a tie the token wins, as documented on Config.Token. An
// incomplete pair never beats a token (it could not be used anyway).
func (c *Config) resolveCredentials() {
	if c.Token == "" || (c.ClientID == "" && c.ClientSecret == "") {
		return
	}
	pair := c.ClientID != "" && c.ClientSecret != ""
	if pair && max(rank(c.Origin("client-id")), rank(c.Origin("client-secret"))) > rank(c.Origin("token")) {
		c.Token = ""
		delete(c.Origins, "token")
		return
	}
	c.ClientID, c.ClientSecret = "", ""
	delete(c.Origins, "client-id")
	delete(c.Origins, "client-secret")
}

// checkURL checks a server or token URL; its messages never show the URL's
// user info or query, which may hold a password.
func (c *Config) checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", urlsafe.Redact(s))
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want an http(s)://host URL", urlsafe.Redact(s))
	}
	if u.User != nil {
		return fmt.Errorf("%q: user info is not allowed in the URL; set token, or client_id and client_secret", urlsafe.Redact(s))
	}
	if urlsafe.Insecure(u) && !c.AllowInsecureHTTP {
		return fmt.Errorf("%q: plain http would send credentials in clear, so it is allowed for loopback addresses only; "+
			"use https, or pass --allow-insecure-http (SNAPDASH_ALLOW_INSECURE_HTTP, config allow_insecure_http)", urlsafe.Redact(s))
	}
	return nil
}

// InsecureURLs lists the configured server, token and MQTT URLs that are plain
// http (ws) to another machine (allowed only with AllowInsecureHTTP), for a
// warning.
func (c *Config) InsecureURLs() []string {
	var out []string
	for _, s := range []string{c.Server, c.TokenURL} {
		if u, err := url.Parse(s); err == nil && s != "" && urlsafe.Insecure(u) {
			out = append(out, urlsafe.Redact(s))
		}
	}
	if u, err := url.Parse(c.Events.MQTTURL); err == nil && u.Scheme == "ws" && !urlsafe.IsLoopback(u.Host) {
		out = append(out, urlsafe.Redact(c.Events.MQTTURL))
	}
	return out
}

// checkWSURL accepts a broker's wss:// URL, or ws:// to a loopback address
// (the MQTT password is the access token) unless AllowInsecureHTTP.
func (c *Config) checkWSURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", urlsafe.Redact(s))
	}
	if (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q: want a wss://host/path URL (ws:// for a local broker)", urlsafe.Redact(s))
	}
	if u.Scheme == "ws" && !urlsafe.IsLoopback(u.Host) && !c.AllowInsecureHTTP {
		return fmt.Errorf("%q: plain ws would send the token in clear, so it is allowed for loopback addresses only; "+
			"use wss, or pass --allow-insecure-http (SNAPDASH_ALLOW_INSECURE_HTTP, config allow_insecure_http)", urlsafe.Redact(s))
	}
	return nil
}

// setting is one global setting with its flag, environment variable and
// config-file key.
type setting struct {
	name, env, key, usage string
	isBool                bool
	// local settings are flags of a few commands only (the dashboard's
	// --timeout), not global flags: camera has a --timeout of its own.
	local bool
	get   func(*Config) string
	set   func(*Config, string) error
}

func str(f func(*Config) *string) (func(*Config) string, func(*Config, string) error) {
	return func(c *Config) string { return *f(c) },
		func(c *Config, v string) error { *f(c) = v; return nil }
}

// boolSetting is a setting holding a boolean; the flag may stand alone.
func boolSetting(name, env, key, usage string, f func(*Config) *bool) setting {
	return setting{
		name: name, env: env, key: key, usage: usage, isBool: true,
		get: func(c *Config) string {
			if *f(c) {
				return "true"
			}
			return ""
		},
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			*f(c) = b
			return nil
		},
	}
}

func secretStr(f func(*Config) *Secret) (func(*Config) string, func(*Config, string) error) {
	return func(c *Config) string { return string(*f(c)) },
		func(c *Config, v string) error { *f(c) = Secret(v); return nil }
}

// settings returns the table of global settings, in usage order.
func settings() []setting {
	mk := func(name, env, key, usage string, g func(*Config) string, s func(*Config, string) error) setting {
		return setting{name: name, env: env, key: key, usage: usage, get: g, set: s}
	}
	list := []setting{
		mk("config", "SNAPDASH_CONFIG", "", "config file (default $XDG_CONFIG_HOME/snapdash/config.yaml)",
			func(c *Config) string { return "" }, func(*Config, string) error { return nil }),
	}
	add := func(name, env, key, usage string, g func(*Config) string, s func(*Config, string) error) {
		list = append(list, mk(name, env, key, usage, g, s))
	}
	g, s := str(func(c *Config) *string { return &c.Server })
	add("server", "SNAPDASH_SERVER", "server", "platform base URL (default "+DefaultServer+")", g, s)
	g, s = secretStr(func(c *Config) *Secret { return &c.Token })
	add("token", "SNAPDASH_TOKEN", "token", "static bearer token (better in the environment)", g, s)
	g, s = str(func(c *Config) *string { return &c.ClientID })
	add("client-id", "SNAPDASH_CLIENT_ID", "client_id", "OAuth2 client id", g, s)
	g, s = secretStr(func(c *Config) *Secret { return &c.ClientSecret })
	add("client-secret", "SNAPDASH_CLIENT_SECRET", "client_secret", "OAuth2 client secret (better in the environment)", g, s)
	g, s = str(func(c *Config) *string { return &c.TokenURL })
	add("token-url", "SNAPDASH_TOKEN_URL", "token_url", "OAuth2 token URL (default <server>/security/oauth/token)", g, s)
	g, s = str(func(c *Config) *string { return &c.UserID })
	add("user-id", "SNAPDASH_USER_ID", "user_id", "your user id, when the token does not name one", g, s)
	g, s = str(func(c *Config) *string { return &c.ApplicationID })
	add("application-id", "SNAPDASH_APPLICATION_ID", "application_id", "application id sent with requests and uploads", g, s)
	g, s = str(func(c *Config) *string { return &c.UserEndpointID })
	add("user-endpoint-id", "SNAPDASH_USER_ENDPOINT_ID", "user_endpoint_id", "reuse this user endpoint, do not register one", g, s)
	g, s = str(func(c *Config) *string { return &c.LogFile })
	add("log-file", "SNAPDASH_LOG_FILE", "log_file", "write a structured log to this file", g, s)
	g, s = str(func(c *Config) *string { return &c.Events.Transport })
	add("events", "SNAPDASH_EVENTS", "events.transport", "live events: auto, sse, mqtt or poll (default auto)", g, s)
	g, s = str(func(c *Config) *string { return &c.Events.MQTTURL })
	add("mqtt-url", "SNAPDASH_MQTT_URL", "events.mqtt_url", "MQTT broker WebSocket URL (default wss://<server host>/ws)", g, s)
	list = append(list, setting{
		name: "max-image-mb", env: "SNAPDASH_MAX_IMAGE_MB", key: "max_image_mb",
		usage: "largest picture to download or upload, in MiB (default 32)",
		get: func(c *Config) string {
			if c.MaxImageMB == 0 {
				return ""
			}
			return strconv.Itoa(c.MaxImageMB)
		},
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 || n > MaxMaxImageMB {
				return fmt.Errorf("%q: want a whole number of MiB from 1 to %d", v, MaxMaxImageMB)
			}
			c.MaxImageMB = n
			return nil
		},
	})
	list = append(list, setting{
		name: "request-rate", env: "SNAPDASH_REQUEST_RATE", key: "request_rate",
		usage: "API reads a second at most (default 20); actions are never held back",
		get: func(c *Config) string {
			if c.RequestRate == 0 {
				return ""
			}
			return strconv.Itoa(c.RequestRate)
		},
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 || n > MaxRequestRate {
				return fmt.Errorf("%q: want a whole number of requests a second from 1 to %d", v, MaxRequestRate)
			}
			c.RequestRate = n
			return nil
		},
	})
	g, s = str(func(c *Config) *string { return &c.Team.Broker })
	add("team-broker", "SNAPDASH_TEAM_BROKER", "team.broker", "team review: share claims through this MQTT broker (tcp, ssl, ws, wss)", g, s)
	g, s = str(func(c *Config) *string { return &c.Team.User })
	add("team-user", "SNAPDASH_TEAM_USER", "team.user", "user name at the team broker", g, s)
	g, s = secretStr(func(c *Config) *Secret { return &c.Team.Password })
	add("team-password", "SNAPDASH_TEAM_PASSWORD", "team.password", "password at the team broker (better in the environment)", g, s)
	g, s = str(func(c *Config) *string { return &c.Team.Name })
	add("team-name", "SNAPDASH_TEAM_NAME", "team.name", "your name as the team sees it (default $USER)", g, s)
	g, s = str(func(c *Config) *string { return &c.Theme })
	add("theme", "SNAPDASH_THEME", "theme", "dashboard theme: dark, light or high-contrast", g, s)
	g, s = str(func(c *Config) *string { return &c.ImageMode })
	add("image-mode", "SNAPDASH_IMAGE_MODE", "image_mode", "picture rendering: "+strings.Join(ImageModes(), ", "), g, s)
	g, s = str(func(c *Config) *string { return &c.PictureQuality })
	add("picture-quality", "SNAPDASH_PICTURE_QUALITY", "picture_quality", "pictures: "+strings.Join(PictureQualities(), ", ")+" (fewer bytes, less faithful)", g, s)
	list = append(list, boolSetting("allow-insecure-http", "SNAPDASH_ALLOW_INSECURE_HTTP", "allow_insecure_http",
		"allow http:// to another machine (credentials in clear)",
		func(c *Config) *bool { return &c.AllowInsecureHTTP }))
	list = append(list, setting{
		name: "mouse", env: "SNAPDASH_MOUSE", key: "mouse", isBool: true,
		usage: "dashboard: clicks and the wheel (false: the terminal selects text)",
		get: func(c *Config) string {
			if c.NoMouse {
				return "false"
			}
			return ""
		},
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			c.NoMouse = !b
			return nil
		},
	})
	list = append(list, setting{
		name: "timeout", env: "SNAPDASH_TIMEOUT", key: "timeout", local: true,
		usage: "dashboard: how long to wait for the server's first answer (default 30s)",
		get: func(c *Config) string {
			if c.Timeout == 0 {
				return ""
			}
			return c.Timeout.String()
		},
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("%q is not a duration (e.g. 10s, 1m)", v)
			}
			if d < MinTimeout || d > MaxTimeout {
				return fmt.Errorf("%s: want a duration from %s to %s", d, MinTimeout, MaxTimeout)
			}
			c.Timeout = d
			return nil
		},
	})
	list = append(list, boolSetting("read-only", "SNAPDASH_READ_ONLY", "read_only",
		"dashboard: view only, no approve/discard/request", func(c *Config) *bool { return &c.ReadOnly }))
	return list
}

// StateDir returns where the dashboard keeps state between runs (recently
// opened interactions): $XDG_STATE_HOME/snapdash, or
// ~/.local/state/snapdash when XDG_STATE_HOME is not set.
func StateDir(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	if dir := getenv("XDG_STATE_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "snapdash")
	}
	return filepath.Join(home(getenv), ".local", "state", "snapdash")
}
