package tui

import tea "github.com/charmbracelet/bubbletea"

// Focus says what has the keyboard, and what is selected: what the next
// key will act on. Tests, the SSH audit and the property test read it;
// nothing in it can be changed from outside.
type Focus struct {
	// Dialog is the open dialog: "discard", "approve", "request",
	// "camera", "upload", "save", "filter", "help" or "quit"; "" when
	// none is open.
	Dialog string
	// Subject is what the open dialog acts on: a snapshot id (discard,
	// approve, save) or an interaction id (request, camera, upload).
	Subject string
	// Screen is "main" or "watch"; Pane the focused pane of the main
	// screen: "interactions", "snapshots", "preview" or "events".
	Screen, Pane string
	// Interaction is the selected interaction's id and Snapshot the
	// selected snapshot's; Row is its index in the table as filtered and
	// Rows how many rows the table shows.
	Interaction, Snapshot string
	Row, Rows             int
	// InFlight is how many actions await the server's answer.
	InFlight int
}

// Focus returns what has the keyboard now.
func (m *Model) Focus() Focus {
	f := Focus{Screen: "main", Pane: m.focus.String(), Interaction: m.selected, Rows: m.snaps.Len(), InFlight: m.inFlight()}
	if m.screen == screenWatch {
		f.Screen = "watch"
	}
	if r, ok := m.selectedRow(); ok {
		f.Snapshot, f.Row = r.Snapshot.ID, m.snaps.Cursor()
	}
	if m.dialog != nil {
		f.Dialog, f.Subject = m.dialog.Name(), m.subject
	}
	return f
}

// toggleEvents shows or hides the events pane; hiding it while it has the
// focus gives the focus to the table.
func (m *Model) toggleEvents() tea.Cmd {
	m.showEvents = !m.showEvents
	if !m.showEvents && m.focus == focusEvents {
		m.setFocus(focusSnapshots)
	}
	m.layout()
	return nil
}

// togglePreview is enter: on the interactions it focuses the table, on the
// table it opens or closes the full-screen preview.
func (m *Model) togglePreview() tea.Cmd {
	if m.focus == focusInteractions {
		m.setFocus(focusSnapshots)
		return nil
	}
	m.preview.showFull(!m.preview.Full())
	return nil
}

// focusOrder lists the panes tab visits.
func (m *Model) focusOrder() []focus {
	f := []focus{focusInteractions, focusSnapshots, focusPreview}
	if m.showEvents {
		f = append(f, focusEvents)
	}
	return f
}

// cycleFocus moves the focus d panes along focusOrder (tab, shift+tab).
func (m *Model) cycleFocus(d int) {
	order := m.focusOrder()
	i := 0
	for j, f := range order {
		if f == m.focus {
			i = j
		}
	}
	m.setFocus(order[(i+d+len(order))%len(order)])
}

// setFocus gives the keyboard to pane f; the lists draw their cursor row
// focused or not.
func (m *Model) setFocus(f focus) {
	m.focus = f
	m.inter.SetFocused(f == focusInteractions)
	m.snaps.SetFocused(f == focusSnapshots || f == focusPreview)
}
