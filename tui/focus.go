package tui

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
