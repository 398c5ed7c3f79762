package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/statusbar"
)

// jumpedMsg answers a `:i <id>` for an interaction the list does not
// hold: the server's details, or why there are none.
type jumpedMsg struct {
	ID          string
	Interaction client.Interaction
	Err         error
}

// jumpTo asks the server for interaction id before going to it: a jump
// that fails leaves the selection, the focus and the table where they
// were, and says why in the status line.
func (m *Model) jumpTo(id string) tea.Cmd {
	api, ctx := m.api, m.ctx
	m.setStatusInfo("looking for interaction " + sanitize.Truncate(sanitize.Line(id), 40) + "…")
	return func() tea.Msg {
		it, err := api.GetInteraction(ctx, id)
		return jumpedMsg{ID: id, Interaction: it, Err: err}
	}
}

// onJumped goes to the interaction found, or stays put and says why.
func (m *Model) onJumped(msg jumpedMsg) tea.Cmd {
	if msg.Err != nil {
		m.status = statusbar.Status{Kind: statusbar.Error,
			Text: "no interaction " + sanitize.Truncate(sanitize.Line(msg.ID), 40) + ": " + msg.Err.Error() + " (the selection is unchanged)"}
		return nil
	}
	m.store.setInteraction(msg.Interaction, m.opts.Now())
	m.setStatusInfo("")
	m.inter.SetFilter(filter.Query{}) // so the list shows it
	return m.openInteraction(msg.ID)
}
