package sshserve

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run when a session leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// image2ascii's colour dependency starts these at init.
		goleak.IgnoreTopFunction("github.com/aybabtme/rgbterm.interpret"),
		goleak.IgnoreAnyFunction("github.com/aybabtme/rgbterm.interpret"),
	)
}
