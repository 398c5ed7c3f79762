package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/imaging"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/team"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/tui/upstream"
	"github.com/snapdash/snapdash/views/preview"
)

// API is the part of *client.Client the dashboard uses: the same contract
// the shared upstream of `snapdash serve` reads through and offers
// (upstream.Shared satisfies it too). Tests pass the real client talking
// to the real simulator; the interface only keeps the dashboard compiling
// against the contract rather than an implementation.
type API = upstream.API

var (
	_ API = (*client.Client)(nil)
	_ API = (*upstream.Shared)(nil)
)

// Options configure one dashboard program (one local run or one SSH
// session). Only API is required.
type Options struct {
	// API talks to the platform; *client.Client satisfies it.
	API API
	// ServerURL is shown in the header.
	ServerURL string
	// Identity is who the token acts as, shown in the header.
	Identity client.Identity
	// UserEndpointID is the dashboard's registered user endpoint, sent with
	// every command and used for the event stream. The caller opens it.
	UserEndpointID string
	// ApplicationID is sent with snapshot requests and uploads.
	ApplicationID string
	// Renderer is this program's lipgloss renderer (never the global one);
	// nil makes Run build one on its output.
	Renderer *lipgloss.Renderer
	// Theme is "dark" (default), "light" or "high-contrast".
	Theme string
	// KeyBindings rebinds actions: action name (see ActionNames) to keys.
	KeyBindings map[string][]string
	// Now is the clock (default time.Now); Location the zone absolute times
	// are shown in (default time.Local).
	Now      func() time.Time
	Location *time.Location
	// Tick schedules fn after d, as tea.Tick does (the default, which
	// also ends with the program, leaving no timer behind): every
	// timer of the dashboard (spinner, countdowns, the preview's rest
	// delay, the watch screen's refresh) goes through it, so a test can
	// hold time still or run it by hand.
	Tick func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	// Events, when set, opens the event stream instead of API.Stream:
	// `snapdash serve` hands every session a subscription to one shared
	// stream (package upstream).
	Events func(ctx context.Context, opts client.StreamOptions) upstream.EventStream
	// NoMouse leaves the mouse to the terminal (its own text selection);
	// by default clicks and the wheel work in the dashboard.
	NoMouse bool
	// EscapeWait is how long an escape sequence cut off at the end of a
	// read waits for its rest before its ESC counts as the Escape key
	// (default keyinput.DefaultWait, 100 ms; like tmux's escape-time).
	EscapeWait time.Duration
	// ArmDelay is how long a text field that just opened ignores keys
	// typed ahead (default DefaultArmDelay; negative: none).
	ArmDelay time.Duration
	// ReadOnly disables every action that changes a snapshot. (A token the
	// server refuses with 403 turns the dashboard read-only on its own and
	// says so.)
	ReadOnly bool
	// ReadOnlyReason says why ReadOnly is set, in a few words shown in the
	// status line: "--read-only", "supervisor role"; "" gives no reason.
	ReadOnlyReason string
	// StartWarning, when set, is shown once in the status line at start
	// (say, that the token names no user and --user-id was not given).
	StartWarning string
	// ImageMode is the picture mode ("" or ImageModeAuto picks from Caps);
	// ImageModeNone shows no pictures. Caps is what the terminal supports,
	// detected by the caller before the program starts (with the zero
	// Caps, a terminal of text only, auto draws half blocks).
	ImageMode ImageMode
	Caps      Caps
	// PictureQuality is fidelity (""), balanced or bandwidth: see
	// docs/pictures.md.
	PictureQuality string
	// Interactions are shown first and the first is selected (--interaction).
	Interactions []string
	// Since is how far back the interactions endpoint is asked (default 24h).
	Since time.Duration
	// StateDir keeps the recently opened interactions; "" remembers none.
	StateDir string
	// Bell rings the terminal bell when a picture arrives or the customer's
	// device answers a camera command.
	Bell bool
	// EventScrollback is how many lines the events pane keeps (default 10000).
	EventScrollback int
	// WarnAfter marks a request whose picture has not arrived as late in
	// the snapshots table, and, on the watch screen, an interaction whose
	// oldest picture has waited longer than this for review (default 2m
	// there).
	WarnAfter time.Duration
	// CriticalAfter marks an interaction critical on the watch screen when
	// its oldest picture has waited longer than this (default 5m).
	CriticalAfter time.Duration
	// Watch starts on the watch screen, every live interaction at a glance
	// (snapdash watch); w toggles it in any case.
	Watch bool
	// NoLocalFiles disables save, upload-from-file and open; set for SSH
	// sessions, where they would act on the server's files. The keys
	// disappear from the help and say why when pressed.
	NoLocalFiles bool
	// Output receives OSC 52 (copy) and the bell; Run sets it to its output.
	// When it is the picture overlay Run (or `snapdash serve`) puts
	// between the program and a terminal that shows sixel or kitty
	// graphics, pictures drawn as pixels are painted through it; any
	// other writer gets the text lines of a frame only.
	Output io.Writer
	// Clipboard copies text (default: OSC 52 written to Output, which also
	// works over SSH). Opener opens a file in the local viewer (default
	// xdg-open or open). Both are hooks for tests.
	Clipboard func(text string) error
	Opener    func(path string) error
	// NoStream leaves the event stream closed (tests of pure screens).
	NoStream bool
	// PreviewDelay is how long the selection must rest before a picture is
	// fetched (default 80ms), so scrolling does not download every row.
	PreviewDelay time.Duration
	// Team, when set, shares review claims with the team (package
	// team): the selected picture awaiting review is claimed, n
	// and N skip the others' claims, and rows show who has them. The
	// caller joins the hub; the dashboard leaves it when it is closed.
	Team *team.Reviewer
	// Journal, when set, records every event received and every action's
	// result, and gives the watch screen's charts their last hours (see
	// tui/journal.go). `snapdash serve` gives all its sessions one.
	Journal Journal
	// JournalErr is why the journal could not be opened: said once in the
	// events pane and the status line.
	JournalErr error
	// PictureBudget is the memory budget picture decoding and caching
	// share; a server gives all its sessions one. Nil: one of its own
	// (NewPictureBudget(0)).
	PictureBudget *PictureBudget
}

// ImageMode names how pictures are drawn in the preview.
type ImageMode string

// The image modes. ImageModeAuto picks the best one Caps allows.
const (
	// ImageModeAuto picks the best mode the terminal supports.
	ImageModeAuto ImageMode = "auto"
	// ImageModeASCII draws characters from a brightness ramp.
	ImageModeASCII ImageMode = "ascii"
	// ImageModeHalfblock draws two pixels per cell with '▀' and colours.
	ImageModeHalfblock ImageMode = "halfblock"
	// ImageModeSixel paints DEC sixel graphics.
	ImageModeSixel ImageMode = "sixel"
	// ImageModeKitty uses the kitty graphics protocol.
	ImageModeKitty ImageMode = "kitty"
	// ImageModeNone shows no pictures.
	ImageModeNone ImageMode = ImageMode(preview.ModeNone)
)

// ParseImageMode reads an image mode as the configuration spells it
// ("auto", "ascii", "halfblock", "sixel", "kitty" or "none").
func ParseImageMode(s string) (ImageMode, error) {
	if ImageMode(s) == ImageModeNone {
		return ImageModeNone, nil
	}
	md, err := termgfx.ParseMode(s)
	return ImageMode(md), err
}

// gfx is the mode as the picture packages name it.
func (md ImageMode) gfx() termgfx.Mode { return termgfx.Mode(md) }

// Caps describes what the terminal can display: the dashboard's own copy
// of what the terminal detection found, so that code outside this module
// can fill it.
type Caps struct {
	// Sixel is true when the terminal paints DEC sixel graphics.
	Sixel bool
	// Kitty is true when the terminal speaks the kitty graphics protocol
	// (with Unicode placeholders).
	Kitty bool
	// TrueColor is true when 24-bit colours are shown faithfully.
	TrueColor bool
	// InTmux is true when running inside tmux.
	InTmux bool
	// CellW and CellH are the size of one cell in pixels, 0 when unknown.
	CellW, CellH int
	// Term is the terminal's name; Version its version, when known.
	Term, Version string
}

// String summarises the capabilities for the status bar and logs.
func (c Caps) String() string { return c.gfx().String() }

// gfx converts c field by field to the picture packages' type.
func (c Caps) gfx() termgfx.Caps {
	return termgfx.Caps{Sixel: c.Sixel, Kitty: c.Kitty, TrueColor: c.TrueColor, InTmux: c.InTmux,
		CellW: c.CellW, CellH: c.CellH, Term: c.Term, Version: c.Version}
}

// PictureBudget is a memory budget that picture decoding and caching
// share; a server hands one to all its sessions. It is safe for
// concurrent use. Make one with NewPictureBudget (a zero PictureBudget
// has no limit).
type PictureBudget struct{ b *imaging.Budget }

// NewPictureBudget returns a budget of total bytes (1 GiB when not
// positive; at least 64 MiB): a quarter for caches, the rest for decodes.
func NewPictureBudget(total int64) *PictureBudget {
	return &PictureBudget{b: imaging.NewBudget(total)}
}

// CheckOptions reports options New cannot honour: no API, an unknown theme
// or image mode, an unknown action or a key bound twice.
func CheckOptions(o Options) error {
	if o.API == nil {
		return errors.New("tui: no API client")
	}
	if _, err := theme.Lookup(o.Theme); err != nil {
		return err
	}
	if o.ImageMode != "" {
		if _, err := ParseImageMode(string(o.ImageMode)); err != nil {
			return err
		}
	}
	_, err := DefaultKeyMap().Rebind(o.KeyBindings)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Since <= 0 {
		o.Since = 24 * time.Hour
	}
	if o.PreviewDelay <= 0 {
		o.PreviewDelay = 80 * time.Millisecond
	}
	if o.ImageMode == "" {
		o.ImageMode = ImageModeAuto
	}
	if o.PictureBudget == nil {
		o.PictureBudget = NewPictureBudget(0)
	}
	return o
}
