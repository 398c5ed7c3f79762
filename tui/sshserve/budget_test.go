package sshserve

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/snapdash/snapdash/tui"
)

// TestSessionsShareOnePictureBudget checks that the server hands every
// session the same picture budget, the one it was given, so N reviewers
// decode and cache within one server-wide limit.
func TestSessionsShareOnePictureBudget(t *testing.T) {
	budget := tui.NewPictureBudget(256 << 20)
	got := make(chan *tui.PictureBudget, 2)
	alice := newTestKey(t, "alice@desk")
	ts := startServer(t, Options{
		PictureBudget: budget,
		NewSession: func(SessionInfo) (tui.Options, error) {
			// A session asking for its own is overruled.
			return tui.Options{API: nopAPI{}, PictureBudget: tui.NewPictureBudget(1 << 30)}, nil
		},
		NewModel: func(info SessionInfo, o tui.Options) (tea.Model, error) {
			got <- o.PictureBudget
			return &testModel{info: info, opts: o}, nil
		},
	}, alice)
	for i := 0; i < 2; i++ {
		c := dial(t, ts.Addr().String(), alice, clientOpts{})
		c.WaitFor("count=0")
		if b := <-got; b != budget {
			t.Fatalf("session %d got budget %p, want the server's %p", i, b, budget)
		}
	}
	// Without one, the server makes one for all its sessions.
	var o Options
	o.AuthorizedKeys, o.NewSession, o.HostKeyPath = "x", func(SessionInfo) (tui.Options, error) { return tui.Options{}, nil }, "y"
	if err := o.fill(); err != nil || o.PictureBudget == nil {
		t.Fatalf("default budget: %v %v", err, o.PictureBudget)
	}
}
