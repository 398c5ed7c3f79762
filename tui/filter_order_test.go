package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/filter"
)

// The filter follows the input at once, and a late ChangedMsg from an
// earlier keystroke (commands run concurrently) never puts back an older
// filter: it once left "state:uploade" applied after "state:uploaded" was
// typed.
func TestFilterFollowsTheInputWhateverTheMessageOrder(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	press(m, "/")
	for _, r := range "state:uploaded" {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	if got := m.snaps.Filter().String(); got != "state:uploaded" {
		t.Fatalf("filter %q right after typing, want state:uploaded", got)
	}
	m.Update(filter.ChangedMsg{Query: filter.Parse("state:uploade")})
	if got := m.snaps.Filter().String(); got != "state:uploaded" {
		t.Fatalf("a late message set the filter back to %q", got)
	}
}
