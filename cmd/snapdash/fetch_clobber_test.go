package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client"
)

// TestFetchNeverOverwritesWithoutClobber: fetch -o keeps an existing file
// (as gh release download does) unless --clobber is given; -o - is as
// before.
func TestFetchNeverOverwritesWithoutClobber(t *testing.T) {
	t.Parallel()
	srv := startSim(t, true)
	c := newCLI(t, agentEnv(srv))
	s := snapshotIn(t, srv, client.StateUploaded)
	dir := t.TempDir()
	out := filepath.Join(dir, "existing.jpg")
	if err := os.WriteFile(out, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := c.run("fetch", s.ID, "-o", out)
	if r.code != 1 || !strings.Contains(r.stderr, "already exists") || !strings.Contains(r.stderr, "--clobber") {
		t.Errorf("fetch onto an existing file: %s", r)
	}
	if got, _ := os.ReadFile(out); string(got) != "mine" {
		t.Errorf("the existing file was replaced: %d bytes", len(got))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a refused fetch left files: %v", entries)
	}
	c.ok("fetch", s.ID, "-o", out, "--clobber")
	if got, _ := os.ReadFile(out); string(got) == "mine" || len(got) == 0 {
		t.Error("--clobber did not replace the file")
	}
	fresh := filepath.Join(dir, "fresh.jpg")
	c.ok("fetch", s.ID, "-o", fresh)
	if a, b := mustRead(t, out), mustRead(t, fresh); !bytes.Equal(a, b) {
		t.Error("a new file and a clobbered one differ")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("fetch left temporary files: %v", entries)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
