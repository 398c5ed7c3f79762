package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

var sizes = [][2]int{{80, 24}, {120, 40}}

// loaded is drawn once the selected snapshot's picture is on screen.
const loaded = `Preview · ascii · \d+×\d+`

// screen is one golden screen: how to set it up and which keys lead to it.
type screen struct {
	name  string
	fo    fixtureOpts
	opts  func(t *testing.T, f *fixture, o *Options)
	steps func(t *testing.T, f *fixture, tm *teatest.TestModel)
}

// sofia pins the demo interaction with a snapshot in every state.
func sofia(t *testing.T, f *fixture, o *Options) {
	o.Interactions = []string{f.interaction(t, "Sofía García")}
}

func screens() []screen {
	return []screen{
		{name: "list", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
		}},
		{name: "empty", fo: fixtureOpts{empty: true}, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, "in the last 24h")
		}},
		{name: "preview", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "enter")
			waitFor(t, tm, loaded+` · esc back`)
		}},
		{name: "events", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			keys(tm, "e")
			waitFor(t, tm, loaded)
			keys(tm, "a", "y")
			waitFor(t, tm, "✓ approved")
		}},
		{name: "help", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "?")
			waitFor(t, tm, "Keys")
		}},
		{name: "filter", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "/")
			typeText(tm, "state:uploaded")
			waitFor(t, tm, "/state:uploaded ━|/state:upload…━") // the title: the filter is applied
		}},
		{name: "request_form", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "r")
			waitFor(t, tm, "Request a snapshot")
			waitFor(t, tm, "send request") // the footer: the form takes keys
		}},
		{name: "camera_menu", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "c")
			waitFor(t, tm, "Flash off")
		}},
		{name: "upload", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "u")
			waitFor(t, tm, "Upload a picture")
			waitFor(t, tm, "complete / next") // the footer: the field takes keys
		}},
		{name: "command_line", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, ":")
			typeText(tm, "i ke")
			keys(tm, "tab")
			waitFor(t, tm, "Kenji Watanabe")
		}},
		{name: "marks", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "ctrl+a")
			waitFor(t, tm, "marked")
			keys(tm, "a")
			waitFor(t, tm, "marked snapshots?")
		}},
		{name: "approve_question", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "a")
			waitFor(t, tm, "change type")
		}},
		{name: "approve_type_picker", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "a", "t")
			waitFor(t, tm, "new type…")
		}},
		{name: "discard_confirm", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			keys(tm, "d")
			waitFor(t, tm, "Discard snapshot")
		}},
		{name: "server_error", opts: sofia, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
			// Someone else approves the picture the dashboard still shows as
			// uploaded: our approval is refused and rolled back.
			s := f.snapshotIn(t, f.interaction(t, "Sofía García"), client.StateUploaded)
			if err := f.api.Approve(context.Background(), client.SnapshotApproveCommand{SnapshotID: s.ID, UserEndpointID: f.ep}); err != nil {
				t.Fatal(err)
			}
			keys(tm, "a", "y")
			waitFor(t, tm, "400 state")
		}},
		{name: "read_only", opts: func(t *testing.T, f *fixture, o *Options) {
			sofia(t, f, o)
			o.ReadOnly, o.ReadOnlyReason = true, "--read-only"
		}, steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
			waitFor(t, tm, loaded)
		}},
		{name: "forbidden", fo: fixtureOpts{role: sim.RoleSupervisor}, opts: sofia,
			steps: func(t *testing.T, f *fixture, tm *teatest.TestModel) {
				waitFor(t, tm, loaded)
				keys(tm, "a", "y")
				waitFor(t, tm, "READ-ONLY")
			}},
	}
}

// TestScreens compares every screen and dialog with its golden file at
// 80x24 and 120x40. Run `go test ./tui/ -update` to regenerate.
func TestScreens(t *testing.T) {
	for _, sc := range screens() {
		t.Run(sc.name, func(t *testing.T) {
			for _, sz := range sizes {
				t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
					f := newFixture(t, sc.fo)
					o := f.options()
					if sc.opts != nil {
						sc.opts(t, f, &o)
					}
					tm, _ := start(t, o, sz[0], sz[1])
					sc.steps(t, f, tm)
					golden.RequireEqual(t, finalView(t, tm))
				})
			}
		})
	}
}

// TestScreenLoading draws the first frame, before any answer arrived.
func TestScreenLoading(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			m := New(f.options())
			t.Cleanup(m.Close)
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			golden.RequireEqual(t, []byte(spinnerFrames.Replace(m.View())))
		})
	}
}

// TestScreenTooSmall says how big the terminal must be.
func TestScreenTooSmall(t *testing.T) {
	for _, sz := range [][2]int{{60, 15}, {79, 19}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			tm, _ := start(t, f.options(), sz[0], sz[1])
			waitFor(t, tm, "make it bigger")
			golden.RequireEqual(t, finalView(t, tm))
		})
	}
}

// TestScreenFullscreenDiscard: the discard question beside the full-screen
// picture, which is drawn again for the room left.
func TestScreenFullscreenDiscard(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			o := f.options()
			sofia(t, f, &o)
			tm, p := startProbe(t, o, sz[0], sz[1])
			waitFor(t, tm, loaded)
			keys(tm, "enter", "d")
			p.until(t, tm, 20*time.Second, "the picture beside the question", func(m *Model) bool {
				return m.Focus().Dialog == "discard" && m.preview.Settled()
			})
			golden.RequireEqual(t, finalView(t, tm))
		})
	}
}
