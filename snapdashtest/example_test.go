package snapdashtest_test

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/snapdash/snapdash/snapdashtest"
)

// Approving a picture from the keyboard, checked against a golden file
// (testdata/Example.golden; `go test -update` writes it again). In a test
// function, pass its t where this example passes et.
func Example() {
	et := newExampleT("Example") // an Example gets no *testing.T
	defer et.cleanup()

	d := snapdashtest.Start(et, snapdashtest.Options{Customer: "Sofía García"})
	d.Screen()  // settled: the interaction listed, its newest picture drawn
	d.Keys("a") // approve: the question opens
	golden.RequireEqual(et, d.Screen())

	d.Keys("y") // y approves as the type shown, id-document
	lines := strings.Split(string(d.Screen()), "\n")
	fmt.Println(strings.Join(strings.Fields(lines[len(lines)-2]), " ")) // the status line
	// Output:
	// ✓ approved 05895d86-dc28-4cb7-bef0… image ascii
}
