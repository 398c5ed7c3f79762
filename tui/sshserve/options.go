package sshserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/snapdash/snapdash/internal/dashcaps"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/tui"
)

// Options configure the server. AuthorizedKeys and NewSession are required.
type Options struct {
	// Addr is the TCP address to listen on (default ":2222").
	Addr string
	// HostKeyPath is the server's ed25519 host key, created (mode 0600) on
	// first start and reused after (default DefaultHostKeyPath()).
	HostKeyPath string
	// AuthorizedKeys is an OpenSSH authorized_keys file listing the keys
	// that may connect. It is re-read whenever it changes.
	AuthorizedKeys string
	// Roles gives keys a role, "reviewer" or "supervisor" (read-only),
	// keyed by SHA256 fingerprint ("SHA256:...") or by the key's comment in
	// authorized_keys; the fingerprint wins.
	Roles map[string]string
	// DefaultRole is the role of keys Roles does not name (default reviewer).
	DefaultRole string
	// IdleTimeout ends a session after this long without a keystroke
	// (default 30 minutes; negative: never).
	IdleTimeout time.Duration
	// Clock times the idle timeout (default: the system clock).
	Clock Clock
	// MaxSessions caps concurrent sessions (default 32); a session beyond
	// the cap is told so and closed.
	MaxSessions int
	// LoginTimeout closes a connection that has not logged in this long
	// after it was opened, however busy it keeps (default 30s).
	LoginTimeout time.Duration
	// MaxUnauthenticated caps connections that have not logged in yet
	// (default 64), MaxPerAddress those of them from one remote address
	// (default 8) and MaxPerPrefix those from one /24 (IPv4) or /64 (IPv6)
	// network (default 16, at least MaxPerAddress). A new connection
	// beyond its address's cap closes that address's oldest; one beyond
	// its network's cap or the pool closes the pending connection whose
	// source opened the most connections lately. A quarter of the pool is
	// kept for sources that logged in within a day, which the network caps
	// do not count. When the pool is half
	// full, new connections have at most 10s to log in. Logged-in
	// connections are capped apart, at 2*MaxSessions+16.
	MaxUnauthenticated, MaxPerAddress, MaxPerPrefix int
	// KeepaliveInterval is how often the server asks the client
	// whether it is still there (default 15s; negative: never), and
	// KeepaliveCountMax how many unanswered intervals end its connection
	// (default 3), like OpenSSH's ClientAliveInterval and
	// ClientAliveCountMax.
	KeepaliveInterval time.Duration
	KeepaliveCountMax int
	// WriteTimeout ends a session whose output has been stuck this long:
	// the client reads nothing (its channel window stays closed) or its
	// connection takes nothing (default: the idle timeout, or 30 minutes
	// when that is off).
	WriteTimeout time.Duration
	// QueryBudget is how long each session's terminal may take to answer
	// the capability query (default 200ms).
	QueryBudget time.Duration
	// ShutdownGrace is how long Serve waits for sessions to end after its
	// context is cancelled before closing their connections (default 2s).
	ShutdownGrace time.Duration
	// PictureBudget is the memory all sessions share for decoding and
	// caching pictures (default tui.NewPictureBudget(0), 1 GiB): it replaces
	// each session's own.
	PictureBudget *tui.PictureBudget
	// Logger receives the server's structured log and the audit lines
	// (default: discard). Nothing is ever written to stdout.
	Logger *slog.Logger

	// NewSession builds the dashboard options of one session. The server
	// then sets Renderer, Caps and Output (the picture overlay when the
	// terminal shows pixels) from the session's own
	// terminal, PictureBudget to the server's, forces ReadOnly for
	// supervisors (ReadOnlyReason "supervisor role" unless already
	// read-only), sets NoLocalFiles and disables Opener (they would act on
	// the server's files), and wraps API with the audit log. An error
	// refuses the session with the error's text.
	NewSession func(info SessionInfo) (tui.Options, error)
	// NewModel builds the root model from the final options (default
	// tui.New). It is a hook for tests.
	NewModel func(info SessionInfo, opts tui.Options) (tea.Model, error)
	// Detect finds what the session's terminal can show (default
	// termgfx.Detect). It is a hook for tests.
	Detect func(getenv func(string) string, in io.Reader, out io.Writer, budget time.Duration) termgfx.Caps
}

// SessionInfo describes one SSH session to NewSession. Strings that come
// from the client are sanitized.
type SessionInfo struct {
	// ID identifies the session in the log.
	ID string
	// User is the SSH user name; it is informational, the key decides.
	User string
	// Fingerprint is the key's SHA256 fingerprint and Comment its comment
	// in authorized_keys.
	Fingerprint, Comment string
	// Role is RoleReviewer or RoleSupervisor.
	Role string
	// RemoteAddr is the client's address.
	RemoteAddr string
	// Term is TERM from the pty request; Env holds the variables the
	// client sent (SendEnv/SetEnv), TERM included.
	Term string
	Env  map[string]string
	// Width and Height are the terminal's size at the start.
	Width, Height int
	// Renderer is the session's lipgloss renderer, with the colour profile
	// of the session's terminal; DarkBackground is what the terminal said
	// about its background (dark when it did not answer).
	Renderer       *lipgloss.Renderer
	DarkBackground bool
	// Caps is what the session's terminal can show, detected before the
	// program starts; ImageMode is the best picture mode for it.
	Caps      termgfx.Caps
	ImageMode termgfx.Mode
	// Context is done when the session ends.
	Context context.Context
}

// capsString summarises the capabilities for the log.
func (i SessionInfo) capsString() string { return i.Caps.String() }

// fill applies defaults and checks the options.
func (o *Options) fill() error {
	if o.AuthorizedKeys == "" {
		return errors.New("sshserve: no authorized keys file (--authorized-keys)")
	}
	if o.NewSession == nil {
		return errors.New("sshserve: Options.NewSession is required")
	}
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.HostKeyPath == "" {
		p, err := DefaultHostKeyPath()
		if err != nil {
			return err
		}
		o.HostKeyPath = p
	}
	if err := o.fillRoles(); err != nil {
		return err
	}
	o.fillLimits()
	o.fillHooks()
	return nil
}

// fillRoles checks the default role and the roles given to keys, and keeps
// a copy of the latter (the caller may keep changing its map) keyed without
// surrounding spaces.
func (o *Options) fillRoles() error {
	if o.DefaultRole == "" {
		o.DefaultRole = RoleReviewer
	}
	if !validRole(o.DefaultRole) {
		return fmt.Errorf("sshserve: unknown default role %q (want reviewer or supervisor)", o.DefaultRole)
	}
	roles := make(map[string]string, len(o.Roles))
	for k, r := range o.Roles {
		if !validRole(r) {
			return fmt.Errorf("sshserve: key %q has unknown role %q (want reviewer or supervisor)", k, r)
		}
		roles[strings.TrimSpace(k)] = r
	}
	o.Roles = roles
	return nil
}

// fillLimits applies the default of every cap and duration left unset. The
// idle timeout and the keepalive interval can be turned off (negative), so
// only their zero means the default; any other zero or negative value does.
func (o *Options) fillLimits() {
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.KeepaliveInterval == 0 {
		o.KeepaliveInterval = DefaultKeepaliveInterval
	}
	positiveOr(&o.MaxSessions, DefaultMaxSessions)
	positiveOr(&o.LoginTimeout, DefaultLoginTimeout)
	positiveOr(&o.MaxUnauthenticated, DefaultMaxUnauthenticated)
	positiveOr(&o.MaxPerAddress, DefaultMaxPerAddress)
	positiveOr(&o.MaxPerPrefix, max(DefaultMaxPerPrefix, o.MaxPerAddress))
	positiveOr(&o.KeepaliveCountMax, DefaultKeepaliveCountMax)
	if o.IdleTimeout > 0 { // the write timeout follows the idle timeout when that is on
		positiveOr(&o.WriteTimeout, o.IdleTimeout)
	}
	positiveOr(&o.WriteTimeout, defaultWriteTimeout)
	positiveOr(&o.QueryBudget, DefaultQueryBudget)
	positiveOr(&o.ShutdownGrace, DefaultShutdownGrace)
}

// positiveOr sets *v to def unless it is positive.
func positiveOr[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// fillHooks applies the default clock, logger, picture budget and the hooks
// tests replace.
func (o *Options) fillHooks() {
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.NewModel == nil {
		o.NewModel = func(_ SessionInfo, opts tui.Options) (tea.Model, error) { return tui.New(opts), nil }
	}
	if o.Detect == nil {
		o.Detect = termgfx.Detect
	}
	if o.PictureBudget == nil {
		o.PictureBudget = tui.NewPictureBudget(0)
	}
}

// build asks NewSession for the session's options, applies what the server
// decides, and builds the model. It returns the program's output writer.
func (s *Server) build(info SessionInfo, sess io.Writer) (tea.Model, io.Writer, error) {
	opts, err := s.opts.NewSession(info)
	if err != nil {
		return nil, nil, err
	}
	if opts.API == nil {
		return nil, nil, errors.New("no API client for the session")
	}
	// Pictures drawn as pixels need the overlay between the program and
	// the session (as tui.Run does locally).
	var out io.Writer = sess
	if opts.ImageMode != tui.ImageModeNone && (info.Caps.Sixel || info.Caps.Kitty) {
		out = termgfx.NewOverlay(sess, info.Caps)
	}
	opts.Output = out
	opts.Renderer = info.Renderer
	opts.Caps = dashcaps.Of(info.Caps)
	opts.PictureBudget = s.opts.PictureBudget
	if info.Role == RoleSupervisor && !opts.ReadOnly {
		// Say why: the session's user passed no --read-only.
		opts.ReadOnly, opts.ReadOnlyReason = true, "supervisor role"
	}
	opts.Opener = func(string) error {
		return errors.New("opening files is not available over SSH")
	}
	// Save, upload and open would write, read or open files on the server,
	// as the server's user, not the reviewer's.
	opts.NoLocalFiles = true
	// The server's logger, not the session's: the audit group carries the
	// session's attributes, which would otherwise be logged twice.
	opts.API = newAudit(opts.API, info, s.log)
	if err := tui.CheckOptions(opts); err != nil {
		return nil, nil, err
	}
	m, err := s.opts.NewModel(info, opts)
	if err != nil {
		return nil, nil, err
	}
	if m == nil {
		return nil, nil, errors.New("no model for the session")
	}
	return m, out, nil
}
