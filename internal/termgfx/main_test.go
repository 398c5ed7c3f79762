package termgfx

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind (the
// terminal query's reader, the Bubble Tea program). image2ascii imports
// github.com/aybabtme/rgbterm, whose package variables start a goroutine
// at init that never ends: not ours, ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/aybabtme/rgbterm.interpret"))
}
