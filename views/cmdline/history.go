package cmdline

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/snapdash/snapdash/internal/sanitize"
)

// HistoryFile is the history's file name in the state directory.
const HistoryFile = "cmdline_history"

// Bounds of the history: lines kept, the length of one line (the input's
// own limit), and how much of the file is read (the tail), so a file grown
// or damaged by something else costs at most this much.
const (
	MaxHistory     = 500
	MaxLineLen     = 512
	maxHistoryRead = MaxHistory * (MaxLineLen + 1)
)

// History is the command line's history: the lines run, oldest first,
// kept in a file of the state directory between runs. Every SSH session
// may hold its own History on the same file; each Add merges with what the
// file holds then, so sessions do not erase each other's lines. I/O errors
// never stop the command line: they are returned for the caller to show,
// and the history carries on in memory.
type History struct {
	mu    sync.Mutex
	path  string
	lines []string
}

// OpenHistory reads the history kept in dir (the file cmdline_history);
// dir "" keeps the history in memory only. The History is usable even when
// the error is not nil (a missing file is no error).
func OpenHistory(dir string) (*History, error) {
	h := &History{}
	if dir == "" {
		return h, nil
	}
	h.path = filepath.Join(dir, HistoryFile)
	lines, err := readHistory(h.path)
	h.lines = lines
	return h, err
}

// Lines returns a copy of the lines, oldest first.
func (h *History) Lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.lines...)
}

// Add records line (sanitized; blank lines are not kept, nor a line equal
// to the last) and saves the history, merged with what the file holds now.
// The line is kept in memory even when saving fails.
func (h *History) Add(line string) error {
	line = clean(line)
	h.mu.Lock()
	defer h.mu.Unlock()
	var rerr error
	if h.path != "" {
		// Another session may have added lines since: start from the
		// file, so its lines are kept.
		onDisk, err := readHistory(h.path)
		if err == nil {
			h.lines = onDisk
		}
		rerr = err
	}
	if line == "" {
		return rerr
	}
	if n := len(h.lines); n == 0 || h.lines[n-1] != line {
		h.lines = append(h.lines, line)
	}
	if over := len(h.lines) - MaxHistory; over > 0 {
		h.lines = append([]string(nil), h.lines[over:]...)
	}
	if h.path == "" {
		return nil
	}
	if err := writeHistory(h.path, h.lines); err != nil {
		return err
	}
	return rerr
}

// clean makes a line safe to draw and to store one per line.
func clean(s string) string {
	s = strings.TrimSpace(sanitize.Line(s))
	if len(s) > MaxLineLen {
		i := MaxLineLen
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	return s
}

// readHistory reads the tail of the file at path: a missing file is an
// empty history.
func readHistory(path string) ([]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("command history: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("command history: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("command history: %s is not a regular file", path)
	}
	skipFirst := false
	if st.Size() > maxHistoryRead {
		if _, err := f.Seek(-maxHistoryRead, io.SeekEnd); err != nil {
			return nil, fmt.Errorf("command history: %w", err)
		}
		skipFirst = true // it starts mid-line
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHistoryRead))
	if err != nil {
		return nil, fmt.Errorf("command history: %w", err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxHistoryRead)
	for sc.Scan() {
		if skipFirst {
			skipFirst = false
			continue
		}
		l := clean(sc.Text())
		if l == "" || (len(lines) > 0 && lines[len(lines)-1] == l) {
			continue
		}
		lines = append(lines, l)
	}
	if over := len(lines) - MaxHistory; over > 0 {
		lines = lines[over:]
	}
	return lines, nil
}

// writeHistory replaces the file at path with lines, atomically: a
// private temporary file in the same directory, renamed over it, so a
// crash or a concurrent reader never sees half a history.
func writeHistory(path string, lines []string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("command history: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+HistoryFile+"-*")
	if err != nil {
		return fmt.Errorf("command history: %w", err)
	}
	tmp := f.Name()
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("command history: %w", err)
	}
	return nil
}
