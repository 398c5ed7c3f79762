package common

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// Component is the contract every pane of the dashboard keeps, as
// soft-serve's common.Component: it takes its messages and keys in Update
// and returns itself (T, its own type, so a value pane is replaced and a
// pointer pane returns itself), draws itself at the size last given to
// SetSize, and says which keys it handles as a help.KeyMap, which the
// footer and the help show while it has the focus.
//
// A pane may offer more (its lines for the root's layout, a selection,
// a filter); the root asks for those where it lays panes out. Dialogs keep
// the same contract with a typed answer added to Update (tui/dialog.go).
type Component[T any] interface {
	// Update handles msg and returns the updated component.
	Update(msg tea.Msg) (T, tea.Cmd)
	// View draws the component at its size.
	View() string
	// SetSize sets the cells the component may draw in.
	SetSize(w, h int)
	help.KeyMap
}
