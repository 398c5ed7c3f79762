package docs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goBlock finds the page's first ```go block.
var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// TestTestingPageAsWritten follows docs/testing.md from outside the module:
// a scratch module in a temporary directory, pointed at this checkout,
// holding the page's test file, set up with the page's commands. Nothing
// is downloaded: the modules come from the module cache (GOPROXY=off), so
// the page's code must build against this checkout's dependencies.
func TestTestingPageAsWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a module of its own")
	}
	page, err := os.ReadFile("testing.md")
	if err != nil {
		t.Fatal(err)
	}
	m := goBlock.FindSubmatch(page)
	if m == nil {
		t.Fatal("docs/testing.md has no go block")
	}
	for _, cmd := range []string{"go mod init example.com/reviewflows", "go mod edit -replace github.com/snapdash/snapdash=",
		"go mod tidy", "go test ./... -update", "go test ./..."} {
		if !bytes.Contains(page, []byte(cmd)) {
			t.Fatalf("the page no longer says %q: update this test with it", cmd)
		}
	}
	checkout, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "review_test.go"), m[1], 0o644); err != nil {
		t.Fatal(err)
	}
	// The checkout's sums, so that no checksum has to be asked for.
	sums, err := os.ReadFile(filepath.Join(checkout, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off", "GOTOOLCHAIN=local")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("mod", "init", "example.com/reviewflows")
	run("mod", "edit", "-replace", "github.com/snapdash/snapdash="+checkout)
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sums, 0o644); err != nil {
		t.Fatal(err)
	}
	// Offline, tidy cannot resolve what only the tests of dependencies
	// import (testify and the like: not in the cache, never built here);
	// -e lets it finish with everything the build needs. Online, the
	// page's plain `go mod tidy` fetches those too.
	run("mod", "tidy", "-e")
	run("test", "./...", "-update")
	golden, err := os.ReadFile(filepath.Join(dir, "testdata", "TestApproveAsks.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(golden, []byte("Approve")) || !bytes.Contains(golden, []byte("Sofía García")) {
		t.Fatalf("the golden is not the approve question:\n%s", golden)
	}
	// Twice more against the golden: the screen is the same on every run.
	run("test", "-count=2", "./...")
	// And a golden that differs fails the test with a diff.
	if err := os.WriteFile(filepath.Join(dir, "testdata", "TestApproveAsks.golden"), bytes.Replace(golden, []byte("Approve"), []byte("Discard"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-run", "TestApproveAsks", "./...")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "output does not match") {
		t.Fatalf("a changed golden did not fail the test: %v\n%s", err, out)
	}
}
