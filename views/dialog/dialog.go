// Package dialog holds what every dialog shares: the Result a dialog's
// Update returns in the same call that received the key.
//
// A dialog never answers through a tea.Cmd. The root handles the Result in
// the Update that received the key and closes the dialog there, so a key
// typed ahead (several arrive in one read over a slow SSH link, or from a
// fast typist) goes to whatever has the focus next, never to a dialog that
// was already answered.
package dialog

// Result is a dialog's answer: nil while the dialog stays open, Closed
// when it was dismissed, or the typed value the dialog was opened with
// (the root's own types, such as a confirmed discard naming its snapshot).
type Result any

// Closed is the Result of a dialog dismissed without an answer (esc, or
// No to a question). Name says which dialog it was.
type Closed struct{ Name string }

// Hint is a key hint drawn inside a dialog; a click on it does what
// pressing Press does.
type Hint struct {
	Key, Desc string
	Press     string
}

// Label is the hint as drawn: the key, a space, the description.
func (h Hint) Label() string { return h.Key + " " + h.Desc }
