package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
)

// The filter follows the input at once, in the Update of each key: no
// message from an earlier keystroke, arriving late, can put back an older
// filter (one once left "state:uploade" applied after "state:uploaded"
// was typed).
func TestFilterFollowsTheInputWhateverTheMessageOrder(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "/")
	for _, r := range "state:uploaded" {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	if got := m.snaps.Filter().String(); got != "state:uploaded" {
		t.Fatalf("filter %q right after typing, want state:uploaded", got)
	}
	press(m, "enter")
	if got := m.snaps.Filter().String(); got != "state:uploaded" || m.Focus().Dialog != "" {
		t.Fatalf("enter left the filter %q, focus %+v", got, m.Focus())
	}
}
