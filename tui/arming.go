package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// A text field (the request form, the upload or save path, a new approve
// type) takes no key typed before it visibly opened: keys that arrive in
// the same read as the key that opened it, or within DefaultArmDelay
// after, were typed blind (a fast typist, a paste buffer, a slow SSH
// link) and are dropped, with a note. Escape still cancels at once. The
// footer shows the field's keys once it takes keys.

// DefaultArmDelay is how long a text field that just opened ignores keys
// (Options.ArmDelay).
const DefaultArmDelay = 200 * time.Millisecond

// fieldArmedMsg says the text field opened as armSeq takes keys now.
type fieldArmedMsg struct{ seq int }

// fieldState is the arming of the open text field.
type fieldState struct {
	open  bool // a text field is open
	armed bool // and takes keys
	seq   int  // counts the fields opened
}

// textField reports whether the open dialog is a text field.
func (m *Model) textField() bool {
	f, ok := m.dialog.(fielder)
	return ok && f.Typing()
}

// armFields notes a text field that opened in this Update: it takes keys
// after Options.ArmDelay (at once when negative).
func (m *Model) armFields() tea.Cmd {
	open := m.textField()
	if open == m.field.open {
		return nil
	}
	m.field.open, m.field.armed = open, false
	if !open {
		return nil
	}
	m.field.seq++
	if m.opts.ArmDelay < 0 {
		m.field.armed = true
		return nil
	}
	d, seq := m.opts.ArmDelay, m.field.seq
	if d == 0 {
		d = DefaultArmDelay
	}
	return m.opts.Tick(d, func(time.Time) tea.Msg { return fieldArmedMsg{seq: seq} })
}

// onFieldArmed arms the field the message was for, if still open.
func (m *Model) onFieldArmed(msg fieldArmedMsg) {
	if msg.seq == m.field.seq && m.field.open {
		m.field.armed = true
	}
}

// typedAhead reports whether msg is a key (or paste) the open text field
// must not take yet; it says so in the status line.
func (m *Model) typedAhead(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyMsg)
	if !ok || !m.textField() || m.field.armed {
		return false
	}
	if s := k.String(); s == "esc" || s == "ctrl+c" {
		return false
	}
	m.setStatusInfo("keys typed before the field opened were ignored")
	return true
}

// armedKeys are the footer's keys for the open text field: none until it
// takes keys.
func (m *Model) armedKeys(keys []key.Binding) []key.Binding {
	if m.textField() && !m.field.armed {
		return nil
	}
	return keys
}
