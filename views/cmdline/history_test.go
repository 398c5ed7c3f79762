package cmdline

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func run(t *testing.T, m Model, line string) Run {
	t.Helper()
	m = keys(t, m, line)
	_, res := send(t, m, "enter")
	r, ok := res.(Run)
	if !ok {
		t.Fatalf("%q answered %#v", line, res)
	}
	return r
}

// TestHistoryIsKeptBetweenRuns: lines run in one History are walked with
// ↑ and ↓ in a second one opened later on the same file; ↓ past the newest
// line gives back what was being typed.
func TestHistoryIsKeptBetweenRuns(t *testing.T) {
	dir := t.TempDir()
	h1, err := OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"refresh", "filter garcía", "filter garcía", "i int-7"} {
		if r := run(t, open(t, h1), l); r.HistoryErr != nil {
			t.Fatal(r.HistoryErr)
		}
	}
	// An unknown command and esc are not kept.
	m := keys(t, open(t, h1), "nope")
	if _, res := send(t, m, "enter"); res != nil {
		t.Fatal("unknown command answered")
	}
	send(t, keys(t, open(t, h1), "quit"), "esc")

	h2, err := OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"refresh", "filter garcía", "i int-7"}
	if got := h2.Lines(); !slices.Equal(got, want) {
		t.Fatalf("second history %q, want %q", got, want)
	}
	m = keys(t, open(t, h2), "ima")
	for _, step := range []struct{ key, want string }{
		{"up", "i int-7"}, {"up", "filter garcía"}, {"up", "refresh"}, {"up", "refresh"},
		{"down", "filter garcía"}, {"down", "i int-7"}, {"down", "ima"}, {"down", "ima"},
	} {
		m = keys(t, m, step.key)
		if m.Value() != step.want {
			t.Fatalf("%s: %q, want %q", step.key, m.Value(), step.want)
		}
	}
	// A recalled line runs like a typed one.
	m = keys(t, m, "up", "up")
	if _, res := send(t, m, "enter"); res.(Run).Name != "filter" {
		t.Fatalf("recalled line answered %#v", res)
	}
	// Two sessions open at once keep each other's lines.
	if err := h1.Add("watch"); err != nil {
		t.Fatal(err)
	}
	if err := h2.Add("events"); err != nil {
		t.Fatal(err)
	}
	h3, _ := OpenHistory(dir)
	if got := h3.Lines(); !slices.Equal(got[len(got)-2:], []string{"watch", "events"}) {
		t.Fatalf("concurrent sessions: %q", got)
	}
}

// TestHistoryFileIsBoundedPrivateAndAtomic: at most MaxHistory lines,
// consecutive repeats once, mode 0600, no temporary file left behind.
func TestHistoryFileIsBoundedPrivateAndAtomic(t *testing.T) {
	dir := t.TempDir()
	h, _ := OpenHistory(dir)
	for i := range MaxHistory + 20 {
		if err := h.Add("i int-" + strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if err := h.Add("i int-" + strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(dir, HistoryFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != MaxHistory || lines[0] != "i int-20" || lines[MaxHistory-1] != "i int-519" {
		t.Fatalf("%d lines, %q … %q", len(lines), lines[0], lines[len(lines)-1])
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("dir holds %d entries (a temporary file left?)", len(ents))
	}
	// A file made bigger, or with longer lines, than the history writes
	// is read by its tail, line by line, sanitized and bounded.
	big := strings.Repeat("x", 2*maxHistoryRead) + "\n" + strings.Repeat("refresh\n", 3000) + "quit\x1b[2J\n"
	if err := os.WriteFile(path, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	h2, err := OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := h2.Lines(); !slices.Equal(got, []string{"refresh", "quit"}) {
		t.Fatalf("big file read as %q", got)
	}
	long := strings.Repeat("é", MaxLineLen)
	if err := h2.Add("filter " + long); err != nil {
		t.Fatal(err)
	}
	if l := h2.Lines()[2]; len(l) > MaxLineLen || !strings.HasPrefix(l, "filter é") {
		t.Fatalf("long line kept as %d bytes", len(l))
	}
}

// TestHistoryErrorsNeverStopTheLine: a state directory that cannot hold
// the file (here a regular file stands where the directory should be)
// gives errors to show, while the command runs and the line is kept in
// memory.
func TestHistoryErrorsNeverStopTheLine(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := OpenHistory(filepath.Join(notDir, "state"))
	if err == nil {
		t.Fatal("no error for a state directory under a file")
	}
	r := run(t, open(t, h), "refresh")
	if r.Name != "refresh" || r.HistoryErr == nil || !strings.Contains(r.HistoryErr.Error(), "command history") {
		t.Fatalf("run %#v", r)
	}
	m := keys(t, open(t, h), "up")
	if m.Value() != "refresh" {
		t.Fatalf("the line was not kept in memory: %q", m.Value())
	}
	// A directory in memory only never touches the disk.
	mem, err := OpenHistory("")
	if err != nil || mem.Add("watch") != nil || !slices.Equal(mem.Lines(), []string{"watch"}) {
		t.Fatalf("memory history: %v %q", err, mem.Lines())
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"help", "help", 0}, {"hepl", "help", 1}, {"refesh", "refresh", 1}, {"fltr", "filter", 2}, {"", "abc", 3}, {"garcía", "garcia", 1}} {
		if got := distance(c.a, c.b); got != c.d {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
