package tui

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestScreenDemoFirst: the demo opens as `snapdash demo` does (nothing
// pinned) on its newest interaction with a picture awaiting review
// selected and previewed, not on a request still waiting for its picture.
func TestScreenDemoFirst(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			tm, _ := start(t, f.options(), sz[0], sz[1])
			waitFor(t, tm, loaded)
			v := finalView(t, tm)
			if !regexp.MustCompile(`Snapshots · Kenji Watanabe 1/`).Match(v) {
				t.Errorf("the demo does not open on its newest interaction:\n%s", v)
			}
			if !regexp.MustCompile(`›[^\n]*uploaded`).Match(v) {
				t.Errorf("the selected row is not a picture awaiting review:\n%s", v)
			}
			if regexp.MustCompile(`waiting for the customer's picture`).Match(v) {
				t.Errorf("the first preview waits for a picture:\n%s", v)
			}
			golden.RequireEqual(t, v)
		})
	}
}
