package recent

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

func TestReadMissingIsEmpty(t *testing.T) {
	ids, err := Read(t.TempDir())
	if err != nil || ids != nil {
		t.Fatalf("Read of an empty dir = %q, %v; want nothing and no error", ids, err)
	}
}

func TestReadBadFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(Path(dir), []byte(`{"not":"a list"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err == nil {
		t.Fatal("Read of a JSON object: no error")
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(Path(filepath.Join(dir, "sub")), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(filepath.Join(dir, "sub")); err == nil {
		t.Fatal("Read of a directory: no error")
	}
}

func TestWriteThenRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state") // created by the write
	var f File
	f.Write(dir, []string{"b", "a"})()
	ids, err := Read(dir)
	if err != nil || !slices.Equal(ids, []string{"b", "a"}) {
		t.Fatalf("Read = %q, %v", ids, err)
	}
	if fi, err := os.Stat(Path(dir)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("recent.json: %v, %v; want mode 0600", fi, err)
	}
}

// An older write that runs after a newer one must not undo it.
func TestWritesKeepTheirOrder(t *testing.T) {
	dir := t.TempDir()
	var f File
	older := f.Write(dir, []string{"old", "gone"})
	newer := f.Write(dir, []string{"old"})
	newer()
	older()
	ids, err := Read(dir)
	if err != nil || !slices.Equal(ids, []string{"old"}) {
		t.Fatalf("after the newer write then the older: %q, %v; want [old]", ids, err)
	}
	// In order, both land and the last wins.
	f.Write(dir, []string{"x"})()
	f.Write(dir, []string{"y"})()
	if ids, _ := Read(dir); !slices.Equal(ids, []string{"y"}) {
		t.Fatalf("in order: %q, want [y]", ids)
	}
}

func TestPut(t *testing.T) {
	in := []string{"a", "b", "c"}
	got := Put(in, "b")
	if !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Fatalf("Put(b) = %q", got)
	}
	if !slices.Equal(in, []string{"a", "b", "c"}) {
		t.Fatalf("Put modified its input: %q", in)
	}
	var many []string
	for i := range Max + 5 {
		many = Put(many, strconv.Itoa(i))
	}
	if len(many) != Max || many[0] != strconv.Itoa(Max+4) || many[Max-1] != "5" {
		t.Fatalf("after %d puts: %q", Max+5, many)
	}
}

func TestDrop(t *testing.T) {
	if got := Drop([]string{"a", "b", "a", "c"}, "a"); !slices.Equal(got, []string{"b", "c"}) {
		t.Fatalf("Drop(a) = %q", got)
	}
	if got := Drop(nil, "a"); len(got) != 0 {
		t.Fatalf("Drop on nothing = %q", got)
	}
}
