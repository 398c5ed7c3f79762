package tui

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/tasks"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/statusbar"
)

// begin records an action in flight and shows it in progress: requests,
// uploads, copies, downloads. Review operations and camera commands are
// tasks of the same registry, started by tui/review (keyed by their
// snapshot) and tui/camera (of kind camera.Kind).
func (m *hub) begin(text string) tasks.ID {
	m.progress(text)
	return m.tasks.Start(text).ID
}

// end forgets an action.
func (m *hub) end(op tasks.ID) { m.tasks.Finish(op) }

// progress shows an action in progress ("approving 05895d86-…", one
// ellipsis even when the text ends with a cut id).
func (m *hub) progress(text string) {
	m.status = statusbar.Status{Kind: statusbar.Progress, Text: strings.TrimSuffix(text, "…") + "…"}
	m.events.Push(events.Entry{At: m.opts.Now(), Kind: events.Progress, Text: text})
}

// succeed shows a success in the status line and the events pane.
func (m *hub) succeed(text string) {
	m.status = statusbar.Status{Kind: statusbar.OK, Text: text}
	m.events.Push(events.Entry{At: m.opts.Now(), Kind: events.OK, Text: text})
}

// fail shows the server's own error; a 403 also turns actions off.
func (m *hub) fail(err error) {
	text := err.Error()
	m.status = statusbar.Status{Kind: statusbar.Error, Text: text}
	m.events.Push(events.Entry{At: m.opts.Now(), Kind: events.Error, Text: text})
	if client.IsForbidden(err) && !m.readOnly() {
		m.readOnlyWhy = "read-only: the server refused this token's actions (403); actions are disabled"
		m.events.Push(events.Entry{At: m.opts.Now(), Kind: events.Error, Text: m.readOnlyWhy})
		m.status.Text += " — actions disabled (read-only)"
	}
}

// setStatusInfo shows a neutral message.
func (m *hub) setStatusInfo(text string) {
	m.status = statusbar.Status{Kind: statusbar.Info, Text: text}
}

// logEvent adds a line to the events pane only.
func (m *hub) logEvent(kind events.Kind, text string) {
	m.events.Push(events.Entry{At: m.opts.Now(), Kind: kind, Text: text})
}

// fadeAfter is how long a success, a neutral message or news (a picture
// arrived) stays in the status line; errors and work in progress stay
// until the next one.
const fadeAfter = 5 * time.Second

// statusFadeMsg redraws the status line when its message is due to fade.
type statusFadeMsg struct{}

// fades reports whether messages of kind k fade.
func fades(k statusbar.Kind) bool {
	return k == statusbar.OK || k == statusbar.Info || k == statusbar.Notice
}

// dialogOpened clears the status line when a dialog opens: the dialog's
// own text says what is asked, and a message about what came before
// ("discard cancelled") must not stand under a new question.
func (m *hub) dialogOpened(before dialogModel) {
	if before == nil && m.dialog != nil {
		m.status = statusbar.Status{}
	}
}

// noteStatus starts the fade of a message that changed since the last
// Update.
func (m *hub) noteStatus() tea.Cmd {
	if m.status == m.statusSeen {
		return nil
	}
	m.statusSeen, m.statusAt = m.status, m.opts.Now()
	if !fades(m.status.Kind) || m.status.Text == "" {
		return nil
	}
	return m.opts.Tick(fadeAfter, func(time.Time) tea.Msg { return statusFadeMsg{} })
}

// shownStatus is the status line's message now: a faded one is gone; with
// none, read-only mode says why actions are off.
func (m *hub) shownStatus() statusbar.Status {
	s := m.status
	if fades(s.Kind) && !m.statusAt.IsZero() && m.opts.Now().Sub(m.statusAt) >= fadeAfter {
		s = statusbar.Status{}
	}
	if s.Text == "" && m.readOnly() {
		s = statusbar.Status{Kind: statusbar.Info, Text: m.readOnlyWhy}
	}
	return s
}
