package client

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/snapdash/snapdash/internal/urlsafe"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultUserAgent     = "snapdash/dev"
	DefaultTimeout       = 30 * time.Second
	DefaultMaxImageBytes = 32 << 20
)

// Response body caps: a list may be large, a single object never is, and an
// error body is only ever shown as a short excerpt.
const (
	listBodyLimit   = 64 << 20
	objectBodyLimit = 4 << 20
	errorBodyLimit  = 64 << 10
)

// Config configures a Client. Server and one of Token or ClientID+ClientSecret
// are required; everything else has a default.
type Config struct {
	// Server is the base URL, e.g. https://auvious.video (a trailing slash is
	// ignored; a path prefix is kept, for gateways).
	Server string
	// Token is a static bearer token obtained elsewhere. It is never renewed.
	Token string
	// ClientID and ClientSecret are OAuth2 client credentials, exchanged at
	// TokenURL for tokens that are cached and renewed before they expire.
	ClientID, ClientSecret string
	// TokenURL defaults to Server + "/security/oauth/token".
	TokenURL string
	// UserID is the user the client acts as, for tokens that do not say
	// (a plain token that is not a JWT, a token response without sub).
	// When set it wins over the token's claims.
	UserID string
	// UserIDHint ends the message of an *UnknownUserError: how the user
	// can give the id (e.g. the command-line flag).
	UserIDHint string
	// UserAgent is sent on every request, defaults to DefaultUserAgent.
	UserAgent string
	// Timeout bounds each call (all its attempts and retry waits included),
	// defaults to DefaultTimeout.
	Timeout time.Duration
	// MaxImageBytes caps downloads and uploads, defaults to DefaultMaxImageBytes.
	MaxImageBytes int64
	// Referer is sent on the signedUrl request, which requires it; defaults
	// to Server.
	Referer string
	// Retry controls how idempotent requests are retried.
	Retry RetryPolicy
	// RequestsPerSecond, when positive, bounds the rate of API reads
	// (GET, retries included), spaced evenly; actions (POST) are not held
	// back by it.
	// Zero means no bound (snapdash's commands use
	// DefaultRequestsPerSecond). Either way, after a 429 every request
	// waits out its Retry-After.
	RequestsPerSecond float64
	// AllowInsecureHTTP accepts a plain http:// Server or TokenURL that is
	// not a loopback address. Without it New refuses one: the token or
	// client secret would cross the network in clear.
	AllowInsecureHTTP bool
	// HTTPClient, when set, provides the transport; its Timeout and
	// redirect policy are not used.
	HTTPClient *http.Client
	// Events is the transport of Stream (default TransportAuto).
	Events Transport
	// MQTTURL is the broker's WebSocket URL for TransportMQTT (and auto);
	// defaults to DefaultMQTTURL(Server).
	MQTTURL string
	// Logger receives debug logs of requests and retries; nil discards them.
	// Tokens, secrets and signed-URL signatures are never logged.
	Logger *slog.Logger
}

// Client calls the Auvious snapshot, user-endpoint and interaction APIs. It
// is safe for concurrent use.
type Client struct {
	cfg    Config
	base   string       // scheme://host[/prefix], no trailing slash
	origin *url.URL     // base's scheme, host and port: where the token may go
	api    *http.Client // authenticated API calls; Authorization set per request
	plain  *http.Client // signed URLs: never carries Authorization
	tokens *tokenSource
	log    *slog.Logger
	limit  *limiter // nil: no bound on the request rate
}

// New checks cfg, fills in its defaults and returns a Client. It makes no
// request: credentials are first used by the first call.
func New(cfg Config) (*Client, error) {
	base, err := normalizeServer(cfg.Server)
	if err != nil {
		return nil, err
	}
	cfg.Server = base
	if err := checkCredentials(cfg); err != nil {
		return nil, err
	}
	if err := cfg.resolveEndpoints(base); err != nil {
		return nil, err
	}
	cfg.fillDefaults(base)
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var rt http.RoundTripper = http.DefaultTransport
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		rt = cfg.HTTPClient.Transport
	}
	origin, err := url.Parse(base)
	if err != nil {
		return nil, errors.New("client: the server URL is malformed")
	}
	c := &Client{
		cfg:    cfg,
		base:   base,
		origin: &url.URL{Scheme: origin.Scheme, Host: origin.Host},
		api:    &http.Client{Transport: rt, CheckRedirect: limitRedirects},
		plain:  &http.Client{Transport: rt, CheckRedirect: plainRedirects},
		log:    log,
		limit:  newLimiter(cfg.RequestsPerSecond),
	}
	c.tokens = newTokenSource(cfg, &http.Client{Transport: &uaTransport{base: rt, ua: cfg.UserAgent}, CheckRedirect: noTokenRedirects})
	return c, nil
}

// checkCredentials accepts exactly one kind of credentials: a token on one
// line, or both a client id and a client secret.
func checkCredentials(cfg Config) error {
	hasOAuth := cfg.ClientID != "" || cfg.ClientSecret != ""
	switch {
	case cfg.Token != "" && hasOAuth:
		return errors.New("client: set either a token or client credentials, not both")
	case cfg.Token == "" && !hasOAuth:
		return errors.New("client: no credentials: set a token or a client id and secret")
	case hasOAuth && (cfg.ClientID == "" || cfg.ClientSecret == ""):
		return errors.New("client: client credentials need both a client id and a client secret")
	}
	if strings.ContainsAny(cfg.Token, "\r\n") {
		return errors.New("client: the token contains a line break")
	}
	return nil
}

// resolveEndpoints fills in and checks the token URL, the event transport
// and the MQTT URL of a config whose server is base, refusing any that
// would carry credentials in clear over the network unless
// AllowInsecureHTTP says so.
func (cfg *Config) resolveEndpoints(base string) error {
	if cfg.TokenURL == "" {
		cfg.TokenURL = base + "/security/oauth/token"
	} else if _, err := normalizeServer(cfg.TokenURL); err != nil {
		return fmt.Errorf("client: token URL: %w", err)
	}
	if !cfg.AllowInsecureHTTP {
		for _, s := range []string{base, cfg.TokenURL} {
			if u, err := url.Parse(s); err == nil && urlsafe.Insecure(u) {
				return fmt.Errorf("client: %q: plain http would send credentials in clear; use https (http is allowed for loopback addresses only)", urlsafe.Redact(s))
			}
		}
	}
	var err error
	if cfg.Events, err = ParseTransport(string(cfg.Events)); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if cfg.MQTTURL == "" {
		cfg.MQTTURL, _ = DefaultMQTTURL(base)
	} else if err := checkMQTTURL(cfg.MQTTURL); err != nil {
		return err
	}
	if u, err := url.Parse(cfg.MQTTURL); err == nil && !cfg.AllowInsecureHTTP && strings.EqualFold(u.Scheme, "ws") && !urlsafe.IsLoopback(u.Host) {
		// The MQTT password is the access token.
		return fmt.Errorf("client: MQTT URL %q: plain ws would send the token in clear; use wss (ws is allowed for loopback addresses only)", urlsafe.Redact(cfg.MQTTURL))
	}
	return nil
}

// fillDefaults sets every unset tunable of a config whose server is base.
func (cfg *Config) fillDefaults(base string) {
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxImageBytes <= 0 {
		cfg.MaxImageBytes = DefaultMaxImageBytes
	}
	if cfg.Referer == "" {
		cfg.Referer = base
	}
	cfg.Retry = cfg.Retry.withDefaults()
}

// Server returns the base URL the client talks to, without a trailing slash.
func (c *Client) Server() string { return c.base }

// logger returns the configured logger (never nil). The event stream uses it.
func (c *Client) logger() *slog.Logger { return c.log }

// normalizeServer checks that s is an absolute http(s) URL without query or
// fragment and returns it without a trailing slash.
func normalizeServer(s string) (string, error) {
	if s == "" {
		return "", errors.New("client: no server URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("client: the server URL is malformed")
	}
	// The URL is echoed without user info or query, which may hold secrets.
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("client: server URL %q: scheme must be http or https", redactURL(s))
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("client: server URL %q: want scheme://host[/path] only", redactURL(s))
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// endpointURL returns the absolute URL of path (already escaped, starting
// with '/') below the server, with q encoded when not empty.
func (c *Client) endpointURL(path string, q url.Values) string {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// pathID checks an id that becomes one path segment and returns it escaped,
// so that an id holding '/', '?', '%' or ".." can never address another
// resource.
func pathID(op, field, id string) (string, error) {
	switch strings.TrimSpace(id) {
	case "":
		return "", &ValidationError{Op: op, Field: field, Reason: "is required"}
	case ".", "..":
		return "", &ValidationError{Op: op, Field: field, Reason: fmt.Sprintf("%q is not a valid id", id)}
	}
	return url.PathEscape(id), nil
}

// limitRedirects follows at most 5 redirects, and keeps the Authorization
// header only on a redirect to the origin (scheme, host and port) of the
// first request: net/http compares host names only, so it would carry the
// token to another port of the same host, or from https to http.
func limitRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("too many redirects")
	}
	if !urlsafe.SameOrigin(req.URL, via[0].URL) {
		req.Header.Del("Authorization")
	}
	return nil
}

// noTokenRedirects refuses every redirect of a token request: following one
// would send the client secret in the request body to wherever it points.
func noTokenRedirects(req *http.Request, _ []*http.Request) error {
	return fmt.Errorf("the token endpoint redirects to %s; token requests follow no redirects (set the token URL to the final address)",
		urlsafe.Redact(req.URL.String()))
}

// plainRedirects is limitRedirects for the unauthenticated client, which also
// makes sure no Authorization header is ever carried along.
func plainRedirects(req *http.Request, via []*http.Request) error {
	req.Header.Del("Authorization")
	return limitRedirects(req, via)
}

// uaTransport sets the User-Agent on requests that have none (the OAuth2
// token requests, which x/oauth2 builds itself).
type uaTransport struct {
	base http.RoundTripper
	ua   string
}

// RoundTrip implements http.RoundTripper.
func (t *uaTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == t.ua {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.ua)
	return t.base.RoundTrip(r)
}
