package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/config"
)

// keepAlive is the lifetime requested for a user endpoint registered by a
// command; the client refreshes it every keepAlive-5s.
const keepAlive = 60 * time.Second

// notConfigured explains how to point snapdash at a server.
const notConfigured = `no server configured.
Set one up with environment variables:
  export SNAPDASH_SERVER=https://auvious.video
  export SNAPDASH_CLIENT_ID=...  SNAPDASH_CLIENT_SECRET=...   (or SNAPDASH_TOKEN=...)
or in %s (chmod 600 when it holds a secret):
  server: https://auvious.video
  client_id: ...
  client_secret: ...
Or try the built-in simulator: snapdash demo`

// notConfiguredError tells the user how to configure a server; path is the
// config file snapdash looked for.
func notConfiguredError(path string) error {
	return &noticeError{msg: fmt.Sprintf(notConfigured, path)}
}

// session is what a command that talks to the server needs: the loaded
// configuration, a logger and a client. close releases the log file.
type session struct {
	cfg    *config.Config
	log    *slog.Logger
	client *client.Client
	closer io.Closer
}

// loadConfig reads the configuration from the collected flags, the
// environment and the config file.
func (e *env) loadConfig() (*config.Config, error) {
	return config.Load(config.LoadOptions{Flags: e.globals.Values(), Getenv: e.getenv})
}

// openLog returns a logger writing to path (appending, mode 0600), or one
// that discards everything when path is empty. An existing log file that
// others may read is made private first, as the log may name keys, users
// and snapshots; when that fails (the file is someone else's) it is refused
// the way a config file holding a secret is. Logs never go to stdout.
func openLog(path string) (*slog.Logger, io.Closer, error) {
	if path == "" {
		return slog.New(slog.DiscardHandler), io.NopCloser(nil), nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("log file: %w", err)
	}
	if err := makePrivate(f); err != nil {
		f.Close()
		return nil, nil, err
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), f, nil
}

// stdlogWriter passes the standard logger's lines to the session's log.
type stdlogWriter struct{ log *slog.Logger }

// Write implements io.Writer: one call is one line of the standard logger.
func (w stdlogWriter) Write(p []byte) (int, error) {
	w.log.Warn("go runtime", "msg", strings.TrimSpace(string(p)))
	return len(p), nil
}

// makePrivate sets an open regular file that group or others may read to
// mode 0600. Devices and pipes (--log-file /dev/stderr) are left alone.
func makePrivate(f *os.File) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	mode := info.Mode().Perm()
	if !info.Mode().IsRegular() || mode&0o077 == 0 {
		return nil
	}
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("log file %s is readable by others (mode %04o) and cannot be made private (%v); run: chmod 600 %s",
			f.Name(), mode, unwrapPathError(err), f.Name())
	}
	return nil
}

// unwrapPathError drops the *PathError wrapper, whose message repeats the
// path.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// connect loads the configuration, opens the log and builds a client. It
// refuses to run without a server or credentials, explaining how to set
// them.
func (e *env) connect(cmd string) (*session, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	if !cfg.Configured() {
		return nil, notConfiguredError(cfg.Path)
	}
	if !cfg.HasCredentials() {
		return nil, errors.New("no credentials: set SNAPDASH_TOKEN, or SNAPDASH_CLIENT_ID and SNAPDASH_CLIENT_SECRET (or the config file's token / client_id + client_secret)")
	}
	return e.newSession(cmd, cfg)
}

// newSession opens the log and builds a client for cfg.
func (e *env) newSession(cmd string, cfg *config.Config) (*session, error) {
	s, err := e.openSession(cmd, cfg)
	if err != nil {
		return nil, err
	}
	e.warnInsecure(cfg, s.log)
	if err := s.dial(e.version); err != nil {
		s.close(err)
		return nil, err
	}
	return s, nil
}

// openSession opens the log of a session; dial adds the client.
func (e *env) openSession(cmd string, cfg *config.Config) (*session, error) {
	log, closer, err := openLog(cfg.LogFile)
	if err != nil {
		return nil, err
	}
	if e.stdlog != nil {
		// The standard logger (net/http's "Unsolicited response …" and
		// the like) must never reach stderr: to the log file, or nowhere.
		e.stdlog(stdlogWriter{log})
	}
	log.Info("start", "version", e.version, "command", cmd, "config", cfg)
	return &session{cfg: cfg, log: log, closer: closer}, nil
}

// warnInsecure says once, on stderr and in the log, that the configured
// server or token URL is plain http to another machine (Load lets one
// through only with --allow-insecure-http).
func (e *env) warnInsecure(cfg *config.Config, log *slog.Logger) {
	urls := cfg.InsecureURLs()
	if len(urls) == 0 || e.warnedInsecure {
		return
	}
	e.warnedInsecure = true
	const msg = "plain http to another machine: credentials and tokens cross the network in clear"
	fmt.Fprintf(e.stderr, "snapdash: warning: %s (%s)\n", msg, strings.Join(urls, ", "))
	log.Warn(msg, "urls", urls)
}

// dial builds the session's client from its configuration.
func (s *session) dial(version string) error {
	c, err := client.New(client.Config{
		Server:       s.cfg.Server,
		Token:        s.cfg.Token.Reveal(),
		ClientID:     s.cfg.ClientID,
		ClientSecret: s.cfg.ClientSecret.Reveal(),
		TokenURL:     s.cfg.TokenURL,
		UserID:       s.cfg.UserID,
		UserIDHint:   userIDHint,
		Events:       client.Transport(s.cfg.Events.Transport),
		MQTTURL:      s.cfg.Events.MQTTURL,
		// Load refused such URLs unless allowed, and openSession warned.
		AllowInsecureHTTP: s.cfg.AllowInsecureHTTP,
		UserAgent:         userAgent(version),
		// The same cap applies to pictures downloaded and uploaded.
		MaxImageBytes: int64(s.cfg.MaxImageMB) << 20,
		// A --timeout longer than a call's default limit lets the first
		// calls wait that long too.
		Timeout: max(client.DefaultTimeout, s.cfg.Timeout),
		// A large organization is counted at a pace the server takes.
		RequestsPerSecond: float64(s.cfg.RequestRate),
		Logger:            s.log,
	})
	s.client = c
	if err == nil {
		s.logMQTTHost()
	}
	return err
}

// logMQTTHost logs, once per command, which host the MQTT transport would
// send the access token to as its password: the API server's own unless
// an MQTT URL was given (flag, environment or config).
func (s *session) logMQTTHost() {
	switch client.Transport(s.cfg.Events.Transport) {
	case client.TransportSSE, client.TransportPoll:
		return
	}
	broker, origin := s.cfg.Events.MQTTURL, "given"
	if broker == "" {
		broker, _ = client.DefaultMQTTURL(s.cfg.Server)
		origin = "the API server's (default)"
	}
	u, err := url.Parse(broker)
	if err != nil {
		return
	}
	s.log.Info("events: the MQTT broker gets the access token as its password", "broker_host", u.Host, "mqtt_url", origin)
}

// userIDHint says how to give the user id when the token does not name it.
const userIDHint = "pass --user-id ID or set SNAPDASH_USER_ID (config key user_id)"

// unknownUserWarning is the dashboard's status line when the token names no
// user and none was given.
const unknownUserWarning = "your user id is unknown (the token names no user): " + userIDHint

// identity returns who the session acts as. A user id nobody could tell
// (a token that is not a JWT, and no --user-id) is said once, in one line,
// with what it is needed for; the rest of the identity is still returned
// and the command goes on.
func (e *env) identity(ctx context.Context, s *session, neededFor string) (client.Identity, error) {
	id, err := s.client.Identity(ctx)
	var unknown *client.UnknownUserError
	if errors.As(err, &unknown) {
		if !e.warnedUserID {
			e.warnedUserID = true
			fmt.Fprintf(e.stderr, "snapdash: warning: your user id is unknown (the token names no user); %s needs it: %s\n", neededFor, userIDHint)
		}
		s.log.Warn("user id unknown", "needed_for", neededFor)
		return id, nil
	}
	return id, err
}

// userAgent is the User-Agent of every request: snapdash/<version>, the
// version being main.version as set at build time.
func userAgent(version string) string { return "snapdash/" + version }

// close ends the session: it logs the outcome and closes the log file.
func (s *session) close(err error) {
	if err != nil {
		s.log.Info("exit", "err", err)
	} else {
		s.log.Info("exit")
	}
	s.closer.Close()
}

// endpoint returns the configured user endpoint as it is (its owner keeps
// it alive), or registers one for the command's lifetime: kept alive in the
// background, unregistered by release even after ctx is cancelled.
func (s *session) endpoint(ctx context.Context) (id string, release func(), err error) {
	if s.cfg.UserEndpointID != "" {
		s.log.Debug("user endpoint reused", "id", s.cfg.UserEndpointID)
		return s.cfg.UserEndpointID, func() {}, nil
	}
	ep, err := s.client.OpenEndpoint(ctx, "", keepAlive)
	if err != nil {
		return "", nil, err
	}
	s.log.Debug("user endpoint registered", "id", ep.ID())
	return ep.ID(), func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := ep.Close(cctx); err != nil {
			s.log.Warn("unregister user endpoint", "id", ep.ID(), "err", err)
		}
	}, nil
}

// applicationID returns the configured application id, else the one the
// interaction's data names (the simulator and many integrations record it
// there), else a message saying how to set it.
func (s *session) applicationID(ctx context.Context, cmd, interactionID string) (string, error) {
	if s.cfg.ApplicationID != "" {
		return s.cfg.ApplicationID, nil
	}
	in, err := s.client.GetInteraction(ctx, interactionID)
	if err != nil {
		return "", err
	}
	var data struct {
		ApplicationID string `json:"applicationId"`
	}
	if json.Unmarshal(in.Data, &data) == nil && data.ApplicationID != "" {
		return data.ApplicationID, nil
	}
	return "", usagef("%s: no application id: pass --application-id or set SNAPDASH_APPLICATION_ID (config key application_id)", cmd)
}

// withSession runs fn with a connected session and closes it afterwards.
// An error is named after the command first, then the step that failed
// ("approve: token: 401 …"), unless it already starts with the command.
func (e *env) withSession(cmd string, fn func(s *session) error) error {
	s, err := e.connect(cmd)
	if err != nil {
		return err
	}
	err = stepError(cmd, fn(s))
	s.close(err)
	return err
}

// stepError prefixes err with the command's name when its message does not
// start with it; the error stays inspectable (errors.As).
func stepError(cmd string, err error) error {
	if err == nil || errors.As(err, new(silentError)) {
		return err
	}
	msg := err.Error()
	if strings.HasPrefix(msg, cmd+" ") || strings.HasPrefix(msg, cmd+":") {
		return err
	}
	return fmt.Errorf("%s: %w", cmd, err)
}

// withEndpoint is withSession plus a user endpoint for the call's lifetime.
func (e *env) withEndpoint(ctx context.Context, cmd string, fn func(s *session, endpointID string) error) error {
	return e.withSession(cmd, func(s *session) error {
		return s.withEndpoint(ctx, func(id string) error { return fn(s, id) })
	})
}

// withEndpoint runs fn with a user endpoint open.
func (s *session) withEndpoint(ctx context.Context, fn func(endpointID string) error) error {
	id, release, err := s.endpoint(ctx)
	if err != nil {
		return err
	}
	defer release()
	return fn(id)
}
