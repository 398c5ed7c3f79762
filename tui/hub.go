package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/tui/tasks"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/statusbar"
)

// hub is what the root and every room share, as soft-serve's
// common.Common is: the options and the API, the program's context, the
// styles and keys, the store of what the server said, the status line and
// the events pane every room reports to, the tasks in flight, the one
// open dialog, the selected interaction, the wall clock and the bell. It
// holds no feature's state and makes no decision of its
// own; a room embeds *hub so that reporting ("m.succeed") reads the same
// in every room.
type hub struct {
	opts   Options
	api    API
	ctx    context.Context
	cancel context.CancelFunc
	st     *theme.Styles
	c      *common.Common // shared with the components: styles, clock, spinner frame
	keys   KeyMap
	// wall is the real clock, for what runs on it: the stream's countdown
	// (its times come from the stream), the listing scheduler, double
	// clicks. Options.Now may be a test's fixed clock.
	wall func() time.Time

	store  *store         // what the server said, by interaction
	tasks  tasks.Registry // every action in flight: requests, uploads, copies, downloads, approvals, discards, camera commands
	events events.Model   // the events pane: every room's log

	// selected is the selected interaction's id, which every room reads;
	// selectInteraction (update_keys.go) sets it, the lists room chooses
	// the first and clears it when the server forgets it.
	selected string

	status statusbar.Status
	// statusSeen is the status message at the end of the last Update and
	// statusAt when it was set, for fading (see fadeAfter).
	statusSeen statusbar.Status
	statusAt   time.Time
	// readOnlyWhy says why actions are off; empty when they are on.
	readOnlyWhy string

	dialog  dialogModel // the open dialog; nil when none is
	subject string      // what the open dialog acts on (Focus)
}

// ring rings the terminal bell when asked to (Options.Bell).
func (m *hub) ring() tea.Cmd {
	out := m.opts.Output
	if !m.opts.Bell || out == nil {
		return nil
	}
	return func() tea.Msg {
		_, _ = out.Write([]byte{'\a'})
		return nil
	}
}

// readOnly reports whether actions are disabled.
func (m *hub) readOnly() bool { return m.readOnlyWhy != "" }

// inFlight is how many actions await the server's answer.
func (m *Model) inFlight() int { return m.tasks.Len() }
