// Package recent is the dashboard's list of recently opened interactions,
// kept in StateDir/recent.json: read at start, the newest first, at most
// Max, written again whenever the reviewer opens one or the server forgets
// one. It is a convenience: a file that cannot be written loses nothing
// but the list.
package recent

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Max is how many recently opened interactions are remembered.
const Max = 10

// Path is the recent list's file in the state directory dir.
func Path(dir string) string { return filepath.Join(dir, "recent.json") }

// Read returns the list in dir, newest first: none when there is no file
// yet, an error when the file cannot be read or is not a JSON list of
// strings.
func Read(dir string) ([]string, error) {
	b, err := os.ReadFile(Path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// Put returns ids with id first and no other copy of it, at most Max
// long. ids is not modified.
func Put(ids []string, id string) []string {
	out := append([]string{id}, Drop(slices.Clone(ids), id)...)
	if len(out) > Max {
		out = out[:Max]
	}
	return out
}

// Drop removes every copy of id from ids, in place, and returns the
// shortened list.
func Drop(ids []string, id string) []string {
	return slices.DeleteFunc(ids, func(s string) bool { return s == id })
}

// File orders the writes of one recent.json. Each write runs in a command
// of its own (off the update loop), so without it an older list (say, with
// an interaction just forgotten) could land after a newer one and win.
// The zero File is ready to use.
type File struct {
	mu      sync.Mutex
	asked   uint64 // writes asked
	written uint64 // the newest write on disk
}

// Write returns the function that saves ids in dir, to run later on any
// goroutine. Run after a newer write of the same File, it does nothing.
// Errors are ignored: the list is only a convenience.
func (f *File) Write(dir string, ids []string) func() {
	b, _ := json.Marshal(ids)
	f.mu.Lock()
	f.asked++
	gen := f.asked
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if gen < f.written {
			return // a newer list is on disk already
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return
		}
		tmp := Path(dir) + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err == nil {
			_ = os.Rename(tmp, Path(dir))
		}
		f.written = gen
	}
}
