package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/snapdash/snapdash/client"
)

// action is something the reviewer can do to the platform or a file.
type action int

const (
	actRequest action = iota
	actApprove
	actDiscard
	actCamera
	actUpload
	actCopy
	actOpen
	actSave
)

// binding returns the key of a.
func (km *KeyMap) binding(a action) *key.Binding {
	return [...]*key.Binding{&km.Request, &km.Approve, &km.Discard, &km.Camera, &km.Upload, &km.Copy, &km.Open, &km.Save}[a]
}

// actions lists every action, in key map order.
var actions = [...]action{actRequest, actApprove, actDiscard, actCamera, actUpload, actCopy, actOpen, actSave}

// can reports whether a may run now on the selection and, when not, why
// in words for the status line. It alone decides: the footer and the help
// show the keys it allows, a key it refuses says why, and each action asks
// it again before anything is sent. The rule is the review room's, as most
// of it is about the snapshot under the cursor (its state, an approval in
// flight, the marks); the other actions ask it there.
func (m *reviewRoom) can(a action) (ok bool, why string) {
	r, _ := m.selectedRow()
	return m.canOn(a, m.selected, r.Snapshot.ID)
}

// canOn is can for interaction iid and snapshot sid, which a dialog names
// as they were when it opened.
func (m *reviewRoom) canOn(a action, iid, sid string) (ok bool, why string) {
	switch a {
	case actUpload, actOpen, actSave:
		if m.opts.NoLocalFiles {
			return false, [...]string{actUpload: "uploading files", actOpen: "opening pictures", actSave: "saving pictures"}[a] +
				" is not available over SSH"
		}
	}
	switch a {
	case actRequest, actApprove, actDiscard, actCamera, actUpload:
		if m.readOnly() {
			return false, m.readOnlyWhy
		}
	}
	switch a {
	case actRequest, actCamera, actUpload:
		e := m.store.byID[iid]
		switch {
		case e == nil:
			return false, "no interaction is selected"
		case !e.haveIt:
			// Acting on an interaction needs its details (its session): an
			// unknown or not yet loaded one (--interaction nope-id) could
			// only fail.
			return false, "the interaction's details are not loaded yet"
		}
		return true, ""
	}
	if (a == actApprove || a == actDiscard) && sid == m.selectedID() && len(m.marks) > 0 {
		return true, "" // the marked ones, each asked of the server in turn
	}
	_, r := m.store.row(sid)
	if r == nil {
		return false, "no snapshot is selected"
	}
	if op, busy := m.ops.Pending(sid); busy {
		return false, "already " + op.Kind.Progressive() + " " + short(sid)
	}
	switch a {
	case actApprove, actDiscard:
		if r.State != client.StateUploaded {
			verb := "approved"
			if a == actDiscard {
				verb = "discarded"
			}
			return false, "only an uploaded picture can be " + verb + "; this one is " + stateWord(r.State)
		}
	default: // copy, open, save
		if r.State == client.StateRequested {
			return false, "the picture has not arrived yet"
		}
	}
	return true, ""
}

// allowed reports whether a may run now; when not, the status line says
// why.
func (m *reviewRoom) allowed(a action) bool {
	ok, why := m.can(a)
	if !ok {
		m.setStatusInfo(why)
	}
	return ok
}

// allowedOn is allowed for interaction iid and snapshot sid, which a
// dialog named when it opened: asked again before anything is sent.
func (m *reviewRoom) allowedOn(a action, iid, sid string) bool {
	ok, why := m.canOn(a, iid, sid)
	if !ok {
		m.setStatusInfo(why)
	}
	return ok
}

// stateWord names a state in lower case for messages.
func stateWord(s client.SnapshotState) string {
	switch s {
	case client.StateRequested:
		return "requested"
	case client.StateUploaded:
		return "uploaded"
	case client.StateApproved:
		return "approved"
	case client.StateDiscarded:
		return "discarded"
	}
	return "in an unknown state"
}

// selectedID is the selected snapshot's id ("" when none).
func (m *reviewRoom) selectedID() string {
	r, _ := m.selectedRow()
	return r.Snapshot.ID
}
