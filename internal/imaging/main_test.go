package imaging

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind (the
// parallel box filter's workers, a decode left running after a cancel).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
