package preview

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
)

// The preview keeps the component contract: View draws the box at the
// size SetSize gave, focused as SetFocused said; Update takes the full
// screen's keys while it is open; the key map is the full screen's.
func TestComponentContract(t *testing.T) {
	c := common.New(theme.New(theme.Palette{}, nil), nil, time.UTC)
	m := New(c, Config{Cache: termgfx.NewCache(1 << 20), Mode: termgfx.ModeASCII})
	m.SetSize(40, 8)
	m.SetFocused(true)
	if got, want := m.View(), strings.Join(m.Box(40, 8, true), "\n"); got != want || !strings.Contains(got, "No snapshot selected.") {
		t.Fatalf("View\n%s\nwant\n%s", got, want)
	}
	if len(strings.Split(m.View(), "\n")) != 8 {
		t.Fatalf("View is not 8 lines:\n%s", m.View())
	}
	m.SetFull(true)
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if m.Full() {
		t.Fatal("esc in Update did not close the full screen")
	}
	if h := m.ShortHelp(); len(h) == 0 || h[len(h)-1].Help().Desc != "back" {
		t.Fatalf("short help %v", h)
	}
}
