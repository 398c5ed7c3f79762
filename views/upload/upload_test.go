package upload

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
)

func press(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "ctrl+v":
		return tea.KeyMsg{Type: tea.KeyCtrlV}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// submitted is the dialog's answer in these tests.
type submitted struct {
	Mode       Mode
	Path, Type string
}

// drive sends msg and keeps feeding the dialog the completions its
// commands answer with, returning the dialog and its results.
func drive(t *testing.T, m Model, msg tea.Msg) (Model, []dialog.Result) {
	t.Helper()
	var out []dialog.Result
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		var cmd tea.Cmd
		var res dialog.Result
		m, cmd, res = m.Update(queue[0])
		queue = queue[1:]
		if res != nil {
			out = append(out, res)
		}
		if cmd == nil {
			continue
		}
		if r, ok := cmd().(CompletedMsg); ok {
			queue = append(queue, r)
		}
	}
	return m, out
}

func newDialog(t *testing.T, mode Mode, path string) Model {
	t.Helper()
	m, _ := New(theme.New(theme.Palette{}, nil), mode, path, "other", func(p, typ string) dialog.Result {
		return submitted{Mode: mode, Path: p, Type: typ}
	})
	return m
}

func files(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"photo.jpg", "xé.jpg", "xè.jpg"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "pics"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "pics"), filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestUploadChecksThePathBeforeSubmitting(t *testing.T) {
	dir := files(t)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	for _, tc := range []struct{ path, err string }{
		{fifo, "not a regular file"}, // opening it would block the upload forever
		{filepath.Join(dir, "pics"), "directory"},
		{filepath.Join(dir, "nope.jpg"), "no such file"},
	} {
		m := newDialog(t, Upload, tc.path)
		m, out := drive(t, m, press("enter"))
		if len(out) != 0 {
			t.Errorf("%s: submitted %v", tc.path, out)
		}
		if !strings.Contains(m.Err(), tc.err) || !strings.Contains(m.View(80), tc.err) {
			t.Errorf("%s: error %q, want %q shown", tc.path, m.Err(), tc.err)
		}
		// Editing the path clears the error.
		m, _ = drive(t, m, press("backspace"))
		if m.Err() != "" {
			t.Errorf("%s: error kept after an edit", tc.path)
		}
	}
	m := newDialog(t, Upload, filepath.Join(dir, "photo.jpg"))
	_, out := drive(t, m, press("enter"))
	if len(out) != 1 {
		t.Fatalf("a regular file was not submitted: %v", out)
	}
	if s, ok := out[0].(submitted); !ok || s.Mode != Upload || s.Path != filepath.Join(dir, "photo.jpg") || s.Type != "other" {
		t.Fatalf("submitted %#v", out[0])
	}
}

func TestSaveRefusesExistingFilesAndMissingDirectories(t *testing.T) {
	dir := files(t)
	for _, tc := range []struct{ path, err string }{
		{filepath.Join(dir, "photo.jpg"), "already exists"},
		{filepath.Join(dir, "missing", "a.jpg"), "no directory"},
	} {
		m := newDialog(t, Save, tc.path)
		m, out := drive(t, m, press("enter"))
		if len(out) != 0 || !strings.Contains(m.Err(), tc.err) {
			t.Errorf("%s: out %v err %q, want %q", tc.path, out, m.Err(), tc.err)
		}
	}
	m := newDialog(t, Save, filepath.Join(dir, "new.jpg"))
	_, out := drive(t, m, press("enter"))
	if len(out) != 1 || out[0].(submitted).Mode != Save {
		t.Fatalf("a new file in an existing directory was not submitted: %v", out)
	}
}

func TestCompletion(t *testing.T) {
	dir := files(t)
	// Two names that differ inside a multi-byte character complete to the
	// last whole character, not to half of é.
	m := newDialog(t, Upload, filepath.Join(dir, "x"))
	m, _ = drive(t, m, press("tab"))
	if got := m.Path(); got != filepath.Join(dir, "x") {
		t.Fatalf("completed to %q", got)
	}
	if v := m.View(80); !strings.Contains(v, "xé.jpg") || !strings.Contains(v, "xè.jpg") {
		t.Fatalf("candidates not listed:\n%s", v)
	}
	// A symlink to a directory completes like a directory.
	m = newDialog(t, Upload, filepath.Join(dir, "lin"))
	m, _ = drive(t, m, press("tab"))
	if got := m.Path(); got != filepath.Join(dir, "linked")+"/" {
		t.Fatalf("symlinked directory completed to %q", got)
	}
	// Tab on a file that exists moves on to the type.
	m = newDialog(t, Upload, filepath.Join(dir, "pho"))
	m, _ = drive(t, m, press("tab"))
	if m.Path() != filepath.Join(dir, "photo.jpg") || m.focus != 0 {
		t.Fatalf("first tab: %q focus %d", m.Path(), m.focus)
	}
	m, _ = drive(t, m, press("tab"))
	if m.focus != 1 {
		t.Fatal("tab on an existing file did not move to the type")
	}
	if !strings.Contains(m.View(80), "▸ Snapshot type") {
		t.Fatalf("the focused field is not marked:\n%s", m.View(80))
	}
}

func TestCommonPrefix(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"abc"}, "abc"},
		{[]string{"abc", "abd"}, "ab"},
		{[]string{"xé", "xè"}, "x"},
		{[]string{"日本", "日曜"}, "日"},
	} {
		if got := commonPrefix(tc.in); got != tc.want {
			t.Errorf("commonPrefix(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCandidatesAreSanitized(t *testing.T) {
	dir := t.TempDir()
	evil := "evil\x1b]0;pwned\x07name.jpg"
	if err := os.WriteFile(filepath.Join(dir, evil), []byte("x"), 0o644); err != nil {
		t.Skipf("file system refuses the name: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "evil2.jpg"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := newDialog(t, Upload, filepath.Join(dir, "ev"))
	m, _ = drive(t, m, press("tab"))
	v := m.View(80)
	if strings.ContainsAny(v, "\x1b\x07") || !strings.Contains(v, "evil2.jpg") {
		t.Fatalf("candidates drawn unsafely:\n%q", v)
	}
}

// TestNoHostClipboard: ctrl+v must not read the clipboard of the machine
// running snapdash (over SSH, the server's).
func TestNoHostClipboard(t *testing.T) {
	m := newDialog(t, Upload, "")
	if _, cmd, _ := m.Update(press("ctrl+v")); cmd != nil {
		t.Fatalf("ctrl+v returned a command (%T)", cmd())
	}
}

func TestCancel(t *testing.T) {
	m := newDialog(t, Upload, "x")
	if _, out := drive(t, m, press("esc")); len(out) != 1 {
		t.Fatalf("esc: %v", out)
	} else if out[0] != (dialog.Closed{Name: "upload"}) {
		t.Fatalf("esc: %#v", out[0])
	}
}

// The empty path field names every picture type the upload takes: the
// client sends JPEG, PNG, GIF and WebP.
func TestUploadHintNamesEveryAcceptedType(t *testing.T) {
	v := newDialog(t, Upload, "").View(80)
	for _, typ := range []string{"JPEG", "PNG", "GIF", "WebP"} {
		if !strings.Contains(v, typ) {
			t.Errorf("the upload hint does not name %s:\n%s", typ, v)
		}
	}
}
