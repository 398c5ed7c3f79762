// Package tui is snapdash's dashboard: the root Bubble Tea model that lays
// out the panes, routes keys to the focused one, turns actions into
// tea.Cmds that call the API, and applies their results and the server's
// events. One Model is one program: it holds its own styles, keys, clock
// and client, so SSH sessions never share state.
package tui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/theme"
	camcorr "github.com/snapdash/snapdash/tui/camera"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/events"
	helpview "github.com/snapdash/snapdash/views/help"
	"github.com/snapdash/snapdash/views/interactions"
	"github.com/snapdash/snapdash/views/preview"
	"github.com/snapdash/snapdash/views/snapshots"
	"github.com/snapdash/snapdash/views/statusbar"
	"github.com/snapdash/snapdash/views/watch"
)

type focus int

const (
	focusInteractions focus = iota
	focusSnapshots
	focusPreview
	focusEvents
)

func (f focus) String() string {
	return [...]string{"interactions", "snapshots", "preview", "events"}[f]
}

// Model is the root model. Build it with New.
type Model struct {
	*hub // what every room shares (hub.go)

	width, height int
	focus         focus
	showEvents    bool
	laidFor       dialogModel // the dialog the layout was computed with
	quitAsked     int         // the actions in flight the quit question names
	lastClick     click       // the last click on a snapshot, for double clicks

	inter    interactions.Model
	snaps    snapshots.Model
	help     help.Model
	spinner  spinner.Model
	spinning bool

	cmdline *cmdRoom // the `:` line, the `/` filter and the jump (room_cmdline.go)

	lists *listsRoom // loading, the listing scheduler, recent interactions (room_lists.go)
	watch *watchRoom // the watch screen (room_watch.go)

	shownVersion int // version of the selected interaction's rows in the table
	// topPending puts the table's cursor on the newest row once the selected
	// interaction is listed, unless the reviewer moved it (snapsMoved) since
	// selecting it. Replayed history re-arms it: its rows, coming before or
	// after the listing, would otherwise leave the cursor on a row that is
	// no longer the first. Live events never move the cursor.
	topPending bool
	snapsMoved bool
	review     *reviewRoom   // approve, discard, bulk review, the queue, team claims
	requests   *requestsRoom // picture requests (room_requests.go)
	cam        *cameraRoom   // camera commands and their answers (room_camera.go)
	files      *filesRoom    // uploads, copies, opening and saving pictures (room_files.go)
	live       *liveRoom     // the live events: stream, events pane, journal (room_live.go)

	screen   screenID
	preview  *previewRoom // the picture of the selection (room_preview.go)
	quitting bool
	lay      layoutT
	field    fieldState // the open text field's arming
}

// New builds the root model. Invalid options (see CheckOptions) fall back
// to defaults; call CheckOptions first to report them.
func New(opts Options) *Model {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	if opts.Tick == nil {
		opts.Tick = tickUntil(ctx)
	}
	st, err := theme.Load(opts.Theme, opts.Renderer)
	if err != nil {
		st, _ = theme.Load("", opts.Renderer)
	}
	keys, err := DefaultKeyMap().Rebind(opts.KeyBindings)
	if err != nil {
		keys = DefaultKeyMap()
	}
	c := common.New(st, opts.Now, opts.Location)
	m := &Model{
		hub: &hub{
			opts: opts, api: opts.API, ctx: ctx, cancel: cancel, st: st, keys: keys, c: c, wall: time.Now,
			events: events.New(c, opts.EventScrollback),
			store:  newStore(),
		},
		inter:   interactions.New(c),
		snaps:   snapshots.New(c),
		help:    helpview.New(st),
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Warn)),
	}
	m.review = newReviewRoom(m.hub, reviewRoot{
		selectedRow: m.selectedRow,
		shownRows: func() []snapshots.Row {
			rows := make([]snapshots.Row, m.snaps.Len())
			for i := range rows {
				rows[i], _ = m.snaps.At(i)
			}
			return rows
		},
		moveOn: func() {
			m.snaps.Move(1)
			m.topPending, m.snapsMoved = false, true
		},
		reveal: func(iid, sid string) tea.Cmd {
			cmd := m.selectInteraction(iid)
			m.refreshLists()
			if !m.snaps.Select(sid) {
				// The table's filter hides it: show it rather than stop.
				m.cmdline.setFilter("")
				m.snaps.Select(sid)
			}
			m.topPending, m.snapsMoved = false, true
			m.setFocus(focusSnapshots)
			return cmd
		},
		opened: func() bool { return m.screen == screenMain && !m.quitting && m.snapsMoved },
	})
	m.c.Spinner = m.spinFrame()
	// The rooms, each with what it needs of the root.
	pick := choice{allowed: m.review.allowed, allowedOn: m.review.allowedOn, interaction: func() string { return m.selected }, row: m.selectedRow}
	m.requests = &requestsRoom{hub: m.hub, choice: pick, showNew: func(sid string) {
		m.refreshLists() // the new row must be in the table to be selected
		m.snaps.Select(sid)
		m.topPending, m.snapsMoved = false, true
	}}
	m.cam = &cameraRoom{hub: m.hub, Model: camcorr.New(ctx, opts.API, opts.UserEndpointID, &m.tasks), choice: pick}
	m.live = newLiveRoom(m.hub, m.cam.Model)
	m.lists = newListsRoom(m.hub, m.live.link, m.selectInteraction)
	m.files = &filesRoom{hub: m.hub, choice: pick, loadSnapshots: m.lists.loadSnapshots}
	m.preview = &previewRoom{hub: m.hub, snaps: &m.snaps, spinner: &m.spinner, layout: m.layout, tooSmall: m.tooSmall,
		Model: preview.New(c, preview.Config{Ctx: ctx, API: opts.API, Cache: termgfx.NewBudgetCache(64<<20, opts.PictureBudget.b),
			Caps: opts.Caps.gfx(), Mode: opts.ImageMode.gfx(), Quality: termgfx.Quality(opts.PictureQuality), Delay: opts.PreviewDelay, Tick: opts.Tick, NoLocalFiles: opts.NoLocalFiles}),
		pane: func() rect { return m.lay.prev },
		uncovered: func() bool {
			return !m.dialogCovers() && m.screen == screenMain && m.width > 0 && !m.tooSmall() && !m.quitting
		},
	}
	m.preview.overlay, _ = opts.Output.(*termgfx.Overlay)
	m.events.SetDescriber(m.live.describeEvent)
	m.watch = newWatchRoom(m.hub, m.live.lastEvent, m.live.chartPictures)
	m.cmdline = newCmdRoom(m)
	// Through setFocus, so the table draws its cursor row focused at once.
	m.setFocus(focusSnapshots)
	if opts.Watch {
		m.screen = screenWatch
	}
	m.snaps.SetWarnAfter(opts.WarnAfter)
	m.snaps.SetKeyMap(keys.listKeys())
	m.inter.SetKeyMap(keys.listKeys())
	m.events.SetKeyMap(keys.eventsKeys())
	m.events.SetNotify(m.setStatusInfo)
	for i, id := range opts.Interactions {
		e, _ := m.store.ensure(id, opts.Now())
		e.pinned = i + 1
	}
	if len(opts.Interactions) > 0 {
		m.selected, m.topPending = opts.Interactions[0], true
	}
	if opts.ReadOnly {
		m.readOnlyWhy = "read-only: actions are disabled"
		if r := sanitize.Line(opts.ReadOnlyReason); r != "" {
			m.readOnlyWhy = "read-only (" + r + "): actions are disabled"
		}
	}
	if w := sanitize.Line(opts.StartWarning); w != "" {
		m.status = statusbar.Status{Kind: statusbar.Error, Text: w}
	}
	m.refreshLists()
	m.updateKeys()
	return m
}

// Close stops the event stream and every request in flight, and gives the
// picture cache's memory back to the shared budget. Quitting does it; call
// it when the program ended another way.
func (m *Model) Close() {
	m.review.teamLeave()
	m.cancel()
	m.preview.Close()
}

// Init starts loading: interactions, the pinned ones, the recent list and
// the event stream.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.lists.loadInteractions(), m.lists.loadRecent()}
	for _, id := range m.opts.Interactions {
		cmds = append(cmds, m.lists.loadInteraction(id), m.lists.loadSnapshots(id))
		m.store.byID[id].loading = true
	}
	cmds = append(cmds, m.live.start())
	if m.screen == screenWatch {
		cmds = append(cmds, m.openWatch())
	}
	cmds = append(cmds, m.startSpinner(), m.review.waitTeam())
	return tea.Batch(cmds...)
}

// Update routes one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && !k.Paste {
		if k.Alt {
			return m.unalt(k)
		}
		if k.Type == tea.KeyRunes && len(k.Runes) > 1 {
			return m.splitKeys(k)
		}
	}
	cmd := m.update(msg)
	cmd = tea.Batch(cmd, m.armFields())
	if m.dialog != nil && m.dialog.Name() == "quit" && m.inFlight() != m.quitAsked {
		m.askQuitAbout(m.inFlight())
	}
	m.dialogOpened(m.laidFor)
	if m.preview.Full() && !sameKind(m.dialog, m.laidFor) {
		m.layout() // the picture makes room for a dialog, or takes it back
	}
	m.laidFor = m.dialog
	if id := m.cmdline.takeSelect(); id != "" {
		cmd = tea.Batch(cmd, m.selectInteraction(id))
	}
	m.refreshLists()
	m.events.SetInteraction(m.selected)
	m.updateKeys()
	cmds := []tea.Cmd{cmd, m.review.syncClaim(), m.preview.sync(), m.startSpinner(), m.lists.pumpListings(), m.noteStatus()}
	// The panes' spinner frame: still while a picture's pixels are up.
	m.c.Spinner = m.preview.bodySpin(m.spinFrame())
	if m.quitting {
		return m, tea.Quit
	}
	return m, tea.Batch(cmds...)
}

// splitKeys handles each rune of k as a key press of its own. Bubble Tea v1
// delivers the characters of one read as one KeyMsg, so "jj" typed fast,
// sent by key repeat, or arriving together over a slow SSH link would match
// no binding and both presses would be lost.
func (m *Model) splitKeys(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	cmds := make([]tea.Cmd, 0, len(k.Runes))
	for _, r := range k.Runes {
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		cmds = append(cmds, cmd)
		if m.quitting {
			return m, tea.Quit
		}
	}
	return m, tea.Batch(cmds...)
}

// update routes a message to its owner: the terminal's own messages, the
// data arriving from the server, the answers to actions, and last the open
// dialog.
func (m *Model) update(msg tea.Msg) tea.Cmd {
	m.live.journalSee(msg)
	for _, route := range routes {
		if cmd, ok := route(m, msg); ok {
			return cmd
		}
	}
	return m.updateDialog(msg)
}

// routes are update's owners in the order they are asked; each says
// whether the message was its own.
var routes = []func(*Model, tea.Msg) (tea.Cmd, bool){
	(*Model).routeTerminal,
	(*Model).routeData,
	(*Model).routeResults,
}

// routeTerminal handles the terminal's messages: size, keys, mouse and the
// timers of the spinner and the preview.
func (m *Model) routeTerminal(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return nil, true
	case spinner.TickMsg:
		return m.onSpinnerTick(msg), true
	case tea.KeyMsg:
		return m.handleKey(msg), true
	case tea.MouseMsg:
		return m.onMouse(msg), true
	case fieldArmedMsg:
		m.onFieldArmed(msg)
		return nil, true
	case preview.DueMsg, preview.FrameMsg:
		_, cmd := m.preview.Update(msg)
		return cmd, true
	}
	return nil, false
}

// onSpinnerTick draws the spinner's next frame while something is in
// progress.
func (m *Model) onSpinnerTick(msg spinner.TickMsg) tea.Cmd {
	if !m.needSpinner() {
		m.spinning = false
		return nil
	}
	// The next frame through Options.Tick, not the spinner's own timer.
	m.spinner, _ = m.spinner.Update(msg)
	return m.spinTick()
}

// routeData handles what the server sends: lists, the live stream, the
// team's claims and the watch screen's ticks.
func (m *Model) routeData(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case jumpedMsg:
		return m.cmdline.onJumped(msg), true
	case InteractionsLoadedMsg:
		return m.lists.onInteractions(msg), true
	case InteractionLoadedMsg:
		return m.lists.onInteraction(msg), true
	case SnapshotsLoadedMsg:
		return m.lists.onSnapshots(msg), true
	case SnapshotLoadedMsg:
		return m.lists.onSnapshot(msg), true
	case RecentLoadedMsg:
		return m.lists.onRecent(msg), true
	case StreamUpdateMsg:
		return m.onStream(msg), true
	case teamMsg:
		return m.review.onTeam(), true
	case StreamClosedMsg:
		m.live.closed()
		return nil, true
	case ConnTickMsg:
		return m.live.onConnTick(msg), true
	case ListTickMsg:
		return m.lists.onListTick(msg), true
	case watch.TickMsg:
		return m.watch.onTick(msg, m.screen == screenWatch), true
	case watch.OpenInteractionMsg:
		return m.openInteraction(msg.ID), true
	}
	return nil, false
}

// routeResults hands each action's answer to the feature that sent it.
func (m *Model) routeResults(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case RequestDoneMsg:
		return m.requests.onDone(msg), true
	case review.DoneMsg:
		return m.review.onDone(msg), true
	case camcorr.SentMsg:
		return m.cam.onSent(msg), true
	case UploadDoneMsg:
		return m.files.onUploadDone(msg), true
	case CopyDoneMsg:
		return m.files.onCopyDone(msg), true
	case FileDoneMsg:
		return m.files.onFileDone(msg), true
	}
	return nil, false
}

// refreshLists pushes store changes into the list and table views.
func (m *Model) refreshLists() {
	m.review.recount()
	if m.store.dirty {
		m.store.dirty = false
		m.inter.SetItems(m.interactionItems())
		m.inter.Select(m.selected)
	}
	e := m.store.byID[m.selected]
	if e == nil {
		if m.snaps.Total() > 0 {
			m.snaps.SetRows(nil)
		}
		m.shownVersion = -1
		return
	}
	if e.version != m.shownVersion {
		m.snaps.SetRows(m.tableRows(e))
		m.shownVersion = e.version
		if m.topPending && e.listed {
			m.snaps.Top()
			m.topPending = false
		}
	}
}

// startSpinner starts ticking when something is in progress.
func (m *Model) startSpinner() tea.Cmd {
	if m.spinning || !m.needSpinner() {
		return nil
	}
	m.spinning = true
	return m.spinTick()
}

// spinFrame is the spinner's frame now (without padding when there is no
// colour).
func (m *Model) spinFrame() string {
	spin := m.spinner.View()
	if m.st.NoColor {
		spin = strings.TrimSpace(spin)
	}
	return spin
}

func (m *Model) spinTick() tea.Cmd {
	id := m.spinner.ID()
	return m.opts.Tick(m.spinner.Spinner.FPS, func(t time.Time) tea.Msg { return spinner.TickMsg{ID: id, Time: t} })
}

func (m *Model) needSpinner() bool {
	if m.inFlight() > 0 || m.preview.Loading() || m.lists.listing {
		return true
	}
	if e := m.store.byID[m.selected]; e != nil {
		if e.loading || e.waiting() > 0 {
			return true
		}
	}
	return m.status.Kind == statusbar.Progress
}

// tickUntil is tea.Tick ending with ctx: a timer still running when the
// program ends (a message due to fade in 5 s) returns at once, so a closed
// session leaves no goroutine behind.
func tickUntil(ctx context.Context) func(time.Duration, func(time.Time) tea.Msg) tea.Cmd {
	return func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case now := <-t.C:
				return fn(now)
			case <-ctx.Done():
				return nil
			}
		}
	}
}
