// Package config loads snapdash's settings from the command line, the
// environment and a YAML file, in that order of precedence, and checks them.
// It never prints: callers decide where messages go. Secrets (the bearer
// token and the OAuth2 client secret) are held in a Secret, which redacts
// itself whenever it is formatted, logged or marshalled.
package config

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// DefaultServer is the production Auvious host used when none is configured.
const DefaultServer = "https://auvious.video"

// Defaults of the dashboard settings.
const (
	DefaultTheme         = "dark"
	DefaultImageMode     = "auto"
	DefaultScrollback    = 10000
	DefaultWarnAfter     = 2 * time.Minute
	DefaultCriticalAfter = 5 * time.Minute
	// DefaultMaxImageMB caps a downloaded or uploaded picture, in MiB.
	DefaultMaxImageMB = 32
	// DefaultJournalRetention is how long the journal keeps its rows.
	DefaultJournalRetention = 90 * 24 * time.Hour
	// DefaultRequestRate is how many API reads a second snapdash makes at
	// most: a dashboard counting a large organization's pictures keeps to it.
	DefaultRequestRate = 20
	// MaxRequestRate is the largest request_rate accepts.
	MaxRequestRate = 1000
	// MaxMaxImageMB is the largest cap max_image_mb accepts.
	MaxMaxImageMB = 1024
	// DefaultTimeout is how long the dashboard waits for the server's
	// first answer (signing in, registering its endpoint).
	DefaultTimeout = 30 * time.Second
	// MinTimeout and MaxTimeout bound the timeout setting.
	MinTimeout = time.Second
	MaxTimeout = time.Hour
)

// Themes lists the accepted values of the theme setting.
func Themes() []string { return []string{"dark", "light", "high-contrast"} }

// ImageModes lists the accepted values of the image_mode setting: auto
// detects the terminal's best protocol, none shows no picture.
func ImageModes() []string {
	return []string{"auto", "ascii", "halfblock", "sixel", "kitty", "none"}
}

// PictureQualities lists the accepted values of picture_quality, best
// picture first: fidelity (the default) is as faithful as chafa and
// img2sixel, balanced and bandwidth spend fewer bytes.
func PictureQualities() []string { return []string{"fidelity", "balanced", "bandwidth"} }

// Transports lists the accepted values of events.transport: auto picks SSE
// when the server has the events endpoint, else MQTT, else polling.
func Transports() []string { return []string{"auto", "sse", "mqtt", "poll"} }

// Roles lists the roles an SSH user can be given in ssh.roles.
func Roles() []string { return []string{"reviewer", "supervisor"} }

// Origin says where a setting's value came from.
type Origin string

// The places a setting can come from, from weakest to strongest.
const (
	FromDefault Origin = "default"
	FromFile    Origin = "file"
	FromEnv     Origin = "env"
	FromFlag    Origin = "flag"
)

// ValueError is a setting whose value snapdash cannot use. Name is the
// setting as the user wrote it: --image-mode for a flag, SNAPDASH_IMAGE_MODE
// for the environment, "config FILE: image_mode" for the config file, so
// that the message points at what to fix.
type ValueError struct {
	Origin Origin
	Name   string
	Err    error
}

// Error implements error.
func (e *ValueError) Error() string { return e.Name + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ValueError) Unwrap() error { return e.Err }

// Secret is a credential. Its String, GoString, LogValue and marshalling
// methods all redact it, so printing a Config never leaks it; Reveal returns
// the value for the one place that needs it (the HTTP client).
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String redacts the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString redacts the secret for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// LogValue redacts the secret in slog records.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText redacts the secret in JSON, YAML and other text encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Events holds the event stream's and the event pane's settings.
type Events struct {
	// Scrollback is how many events the pane keeps (default 10000).
	Scrollback int `yaml:"scrollback"`
	// Transport is how live events arrive: see Transports (default auto).
	Transport string `yaml:"transport"`
	// MQTTURL is the MQTT broker's WebSocket URL (default
	// wss://{server host}/ws; ws:// for a local broker).
	MQTTURL string `yaml:"mqtt_url"`
}

// Watch holds the thresholds after which a pending snapshot request is
// highlighted as late (WarnAfter) and as critically late (CriticalAfter).
type Watch struct {
	WarnAfter     time.Duration `yaml:"warn_after"`
	CriticalAfter time.Duration `yaml:"critical_after"`
}

// Journal holds the settings of the journal of events and actions
// ($XDG_STATE_HOME/snapdash/journal.db).
type Journal struct {
	// Retention is how long the journal keeps rows (default 90 days).
	Retention time.Duration `yaml:"retention"`
}

// SSH holds the settings of the dashboard's SSH server.
type SSH struct {
	// AuthorizedKeys is an authorized_keys file listing who may connect.
	AuthorizedKeys string `yaml:"authorized_keys"`
	// HostKey is the server's private host key file.
	HostKey string `yaml:"host_key"`
	// Roles maps a key's SHA256 fingerprint or its authorized_keys comment
	// to "reviewer" or "supervisor".
	Roles map[string]string `yaml:"roles"`
}

// Team holds the team review's settings: the broker through which
// reviewers on several processes and machines share their claims.
type Team struct {
	// Broker is the team's MQTT broker: tcp://, ssl://, ws:// or wss://.
	Broker string `yaml:"broker"`
	// User and Password authenticate to it.
	User     string `yaml:"user"`
	Password Secret `yaml:"password"`
	// Name is the reviewer's name the others see (default: the login
	// name on this machine).
	Name string `yaml:"name"`
}

// Config is every snapdash setting. Load fills it; the zero value is not
// useful (no defaults).
type Config struct {
	// Server is the platform's base URL.
	Server string `yaml:"server"`
	// Token is a static bearer token. When client credentials are set too,
	// Load keeps whichever came from the stronger source (flag > env >
	// file), the token on a tie, and clears the other.
	Token Secret `yaml:"token"`
	// ClientID and ClientSecret are OAuth2 client credentials.
	ClientID     string `yaml:"client_id"`
	ClientSecret Secret `yaml:"client_secret"`
	// TokenURL overrides the OAuth2 token endpoint.
	TokenURL string `yaml:"token_url"`
	// UserID is the user the token acts as, for a token that does not say
	// (a plain token that is not a JWT); it wins over the token's claims.
	UserID string `yaml:"user_id"`
	// ApplicationID is sent with snapshot requests and uploads.
	ApplicationID string `yaml:"application_id"`
	// UserEndpointID reuses an existing user endpoint instead of
	// registering one for the command's lifetime.
	UserEndpointID string `yaml:"user_endpoint_id"`
	// LogFile receives the structured log; empty means no log.
	LogFile string `yaml:"log_file"`
	// AllowInsecureHTTP accepts a plain http:// server or token URL that
	// is not a loopback address; without it only loopback may use http.
	AllowInsecureHTTP bool `yaml:"allow_insecure_http"`
	// MaxImageMB caps a picture downloaded or uploaded, in MiB (default
	// DefaultMaxImageMB).
	MaxImageMB int `yaml:"max_image_mb"`
	// RequestRate bounds the API reads a command or dashboard makes, per
	// second (default DefaultRequestRate); actions are never held back.
	RequestRate int `yaml:"request_rate"`

	// Timeout bounds the dashboard's wait for the server's first answer
	// (default DefaultTimeout).
	Timeout time.Duration `yaml:"timeout"`

	// Theme is dark, light or high-contrast.
	Theme string `yaml:"theme"`
	// ImageMode is how pictures are drawn: see ImageModes.
	ImageMode string `yaml:"image_mode"`
	// PictureQuality trades a picture's fidelity for bytes: see
	// PictureQualities ("" is fidelity).
	PictureQuality string `yaml:"picture_quality"`
	// ReadOnly hides and refuses every action that changes a snapshot.
	ReadOnly bool `yaml:"read_only"`
	// Bell rings the terminal bell when a new picture arrives.
	Bell bool `yaml:"bell"`
	// NoMouse leaves the mouse to the terminal (config `mouse: false`,
	// SNAPDASH_MOUSE=false, --no-mouse); the dashboard takes it by default.
	NoMouse bool `yaml:"-"`
	// Mouse is the config file's `mouse:` as written (nil when absent).
	Mouse *bool `yaml:"mouse"`
	// Keys rebinds dashboard actions: action name to its keys.
	Keys KeyBindings `yaml:"keys"`
	// Events holds the event pane's settings.
	Events Events `yaml:"events"`
	// Watch holds the lateness thresholds of pending requests.
	Watch Watch `yaml:"watch"`
	// SSH holds the SSH server's settings.
	SSH SSH `yaml:"ssh"`
	// Team holds the team review's settings.
	Team Team `yaml:"team"`
	// Journal holds the journal's settings.
	Journal Journal `yaml:"journal"`

	// Path is the config file that was read, or would have been.
	Path string `yaml:"-"`
	// FileFound reports whether Path existed and was read.
	FileFound bool `yaml:"-"`
	// Origins records where each global setting (by flag name) came from.
	Origins map[string]Origin `yaml:"-"`
}

// HasCredentials reports whether a token or a complete pair of client
// credentials is configured.
func (c *Config) HasCredentials() bool {
	return c.Token != "" || (c.ClientID != "" && c.ClientSecret != "")
}

// Configured reports whether the user set up a server at all: a server was
// given explicitly or credentials exist. When false, the dashboard explains
// how to configure one instead of contacting the default host.
func (c *Config) Configured() bool {
	return c.Origin("server") != FromDefault || c.HasCredentials()
}

// Origin returns where the setting with the given flag name came from.
func (c *Config) Origin(name string) Origin {
	if o, ok := c.Origins[name]; ok {
		return o
	}
	return FromDefault
}

// String describes the configuration with secrets redacted.
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "server=%s", c.Server)
	fmt.Fprintf(&b, " token=%s", presence(c.Token))
	fmt.Fprintf(&b, " client_id=%s client_secret=%s", c.ClientID, presence(c.ClientSecret))
	if c.TokenURL != "" {
		fmt.Fprintf(&b, " token_url=%s", c.TokenURL)
	}
	if c.UserID != "" {
		fmt.Fprintf(&b, " user_id=%s", c.UserID)
	}
	fmt.Fprintf(&b, " application_id=%s user_endpoint_id=%s", c.ApplicationID, c.UserEndpointID)
	fmt.Fprintf(&b, " max_image_mb=%d", c.MaxImageMB)
	fmt.Fprintf(&b, " events=%s", c.Events.Transport)
	if c.Events.MQTTURL != "" {
		fmt.Fprintf(&b, " mqtt_url=%s", c.Events.MQTTURL)
	}
	if c.AllowInsecureHTTP {
		b.WriteString(" allow_insecure_http=true")
	}
	if c.Team.Broker != "" {
		fmt.Fprintf(&b, " team_broker=%s team_user=%s team_password=%s", c.Team.Broker, c.Team.User, presence(c.Team.Password))
	}
	fmt.Fprintf(&b, " theme=%s image_mode=%s read_only=%t bell=%t", c.Theme, c.ImageMode, c.ReadOnly, c.Bell)
	fmt.Fprintf(&b, " config=%s", c.Path)
	return b.String()
}

// GoString is String, so %#v redacts too.
func (c Config) GoString() string { return "config.Config{" + c.String() + "}" }

// LogValue logs the configuration with secrets redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("server", c.Server),
		slog.String("token", presence(c.Token)),
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", presence(c.ClientSecret)),
		slog.String("token_url", c.TokenURL),
		slog.String("user_id", c.UserID),
		slog.String("application_id", c.ApplicationID),
		slog.String("user_endpoint_id", c.UserEndpointID),
		slog.String("config", c.Path),
		slog.Int("max_image_mb", c.MaxImageMB),
		slog.Bool("allow_insecure_http", c.AllowInsecureHTTP),
		slog.String("events", c.Events.Transport),
		slog.String("mqtt_url", c.Events.MQTTURL),
		slog.String("team_broker", c.Team.Broker),
		slog.String("team_password", presence(c.Team.Password)),
		slog.String("theme", c.Theme),
		slog.String("image_mode", c.ImageMode),
		slog.Bool("read_only", c.ReadOnly),
	)
}

func presence(s Secret) string {
	if s == "" {
		return "(none)"
	}
	return redacted
}
