package termgfx

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// scriptedTerminal answers the query with replies, written in chunks of
// chunk bytes (0 = all at once), after the query has been written.
func scriptedTerminal(t *testing.T, replies string, chunk int) (io.Reader, *bytes.Buffer) {
	t.Helper()
	pr, pw := io.Pipe()
	go func() {
		b := []byte(replies)
		for len(b) > 0 {
			n := len(b)
			if chunk > 0 && chunk < n {
				n = chunk
			}
			if _, err := pw.Write(b[:n]); err != nil {
				return
			}
			b = b[n:]
		}
	}()
	t.Cleanup(func() { pw.Close() })
	return pr, &bytes.Buffer{}
}

const (
	xtermReplies = "\x1bP>|XTerm(388)\x1b\\" + "\x1b[6;20;10t" + "\x1b[?63;1;2;4;6;9;15;22c"
	kittyReplies = "\x1bP>|kitty(0.35.2)\x1b\\" + "\x1b[6;17;8t" + "\x1b_Gi=31;OK\x1b\\" + "\x1b[?62;c"
)

func TestQueryXterm(t *testing.T) {
	for _, chunk := range []int{0, 1, 3} {
		in, out := scriptedTerminal(t, xtermReplies, chunk)
		c, err := Query(in, out, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Sixel || c.Kitty || c.Term != "XTerm" || c.Version != "388" || c.CellW != 10 || c.CellH != 20 {
			t.Fatalf("chunk %d: caps %+v", chunk, c)
		}
		if out.String() != QueryString {
			t.Fatalf("wrote %q", out.String())
		}
		if Auto(c) != ModeSixel {
			t.Fatalf("auto = %s", Auto(c))
		}
	}
}

func TestQueryKitty(t *testing.T) {
	in, out := scriptedTerminal(t, kittyReplies, 2)
	c, err := Query(in, out, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Kitty || c.Sixel || !c.TrueColor || c.Term != "kitty" || c.Version != "0.35.2" || c.CellW != 8 || c.CellH != 17 {
		t.Fatalf("caps %+v", c)
	}
	if Auto(c) != ModeKitty {
		t.Fatalf("auto = %s", Auto(c))
	}
}

func TestQueryVariants(t *testing.T) {
	cases := []struct {
		replies string
		check   func(Caps) bool
	}{
		// DA1 without 4: no sixel; XTVERSION with a space.
		{"\x1bP>|WezTerm 20240203-110809-5046fc22\x1b\\\x1b[?65;1;9c", func(c Caps) bool {
			return !c.Sixel && c.Term == "WezTerm" && c.Version == "20240203-110809-5046fc22"
		}},
		// A kitty error reply is not support.
		{"\x1b_Gi=31;EINVAL:bad\x1b\\\x1b[?62c", func(c Caps) bool { return !c.Kitty }},
		// Only DA1 (a terminal that ignores the rest).
		{"\x1b[?1;2c", func(c Caps) bool { return c == Caps{} }},
		// Escape junk in XTVERSION is sanitized.
		{"\x1bP>|evil\x07\x1b]0;x(1)\x1b\\\x1b[?1;2;4c", func(c Caps) bool { return c.Sixel && !strings.ContainsAny(c.Term+c.Version, "\x07\x1b") }},
	}
	for i, tc := range cases {
		in, out := scriptedTerminal(t, tc.replies, 0)
		c, err := Query(in, out, time.Second)
		if err != nil || !tc.check(c) {
			t.Errorf("case %d: %+v %v", i, c, err)
		}
	}
}

func TestQueryNoReplyReturnsWithinBudget(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	start := time.Now()
	c, rest, err := QueryInput(pr, io.Discard, 150*time.Millisecond)
	el := time.Since(start)
	if !errors.Is(err, ErrNoReply) {
		t.Fatalf("err = %v", err)
	}
	if c != (Caps{}) {
		t.Fatalf("reported %+v", c)
	}
	if el < 150*time.Millisecond || el > 400*time.Millisecond {
		t.Fatalf("took %v for a 150ms budget", el)
	}
	// A key typed afterwards reaches the program through the handover.
	go func() { _, _ = pw.Write([]byte("q")) }()
	buf := make([]byte, 8)
	n, err := rest.Read(buf)
	if err != nil || string(buf[:n]) != "q" {
		t.Fatalf("handover read %q %v", buf[:n], err)
	}
}

func TestQueryFileIsCancelled(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	start := time.Now()
	c, err := Query(r, io.Discard, 100*time.Millisecond)
	if !errors.Is(err, ErrNoReply) || c != (Caps{}) {
		t.Fatalf("%+v %v", c, err)
	}
	if el := time.Since(start); el > 350*time.Millisecond {
		t.Fatalf("took %v", el)
	}
	// Nothing is left reading the file: the next byte is the program's.
	if _, err := w.Write([]byte("k")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	_ = r.SetReadDeadline(time.Now().Add(time.Second))
	n, err := r.Read(buf)
	if err != nil || string(buf[:n]) != "k" {
		t.Fatalf("read %q %v: the query goroutine stole input", buf[:n], err)
	}
}

func TestQueryKeepsTypedKeys(t *testing.T) {
	in, out := scriptedTerminal(t, "j"+xtermReplies[:10]+xtermReplies[10:]+"k", 0)
	c, rest, err := QueryInput(in, out, time.Second)
	if err != nil || !c.Sixel {
		t.Fatalf("%+v %v", c, err)
	}
	buf := make([]byte, 16)
	n, _ := rest.Read(buf)
	if string(buf[:n]) != "jk" {
		t.Fatalf("leftover %q, want the keys typed around the replies", buf[:n])
	}
}

func TestQueryEOFAndWriteError(t *testing.T) {
	start := time.Now()
	if _, err := Query(strings.NewReader(""), io.Discard, time.Second); !errors.Is(err, ErrNoReply) {
		t.Fatalf("EOF: %v", err)
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Fatal("EOF did not end the query early")
	}
	pr, pw := io.Pipe()
	pr.Close()
	if _, err := Query(strings.NewReader(""), pw, time.Second); err == nil || errors.Is(err, ErrNoReply) {
		t.Fatalf("write error: %v", err)
	}
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDetectEnv(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want func(Caps) bool
	}{
		{"kitty", map[string]string{"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}, func(c Caps) bool { return c.Kitty && c.TrueColor && Auto(c) == ModeKitty }},
		{"wezterm", map[string]string{"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}, func(c Caps) bool { return c.Sixel && !c.Kitty && c.Term == "WezTerm" }},
		{"tmux in kitty", map[string]string{"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "TERM_PROGRAM": "tmux", "KITTY_WINDOW_ID": "3"}, func(c Caps) bool { return c.InTmux && c.Kitty }},
		{"plain xterm", map[string]string{"TERM": "xterm-256color"}, func(c Caps) bool { return !c.Sixel && !c.Kitty && !c.TrueColor && Auto(c) == ModeHalfblock }},
		{"colorterm", map[string]string{"TERM": "xterm-256color", "COLORTERM": "truecolor"}, func(c Caps) bool { return c.TrueColor }},
		{"konsole", map[string]string{"TERM": "xterm-256color", "KONSOLE_VERSION": "230804"}, func(c Caps) bool { return c.Sixel && c.TrueColor }},
		{"foot", map[string]string{"TERM": "foot"}, func(c Caps) bool { return c.Sixel }},
		{"dumb", map[string]string{"TERM": "dumb"}, func(c Caps) bool { return Auto(c) == ModeASCII }},
		{"empty", map[string]string{}, func(c Caps) bool { return c == Caps{} }},
	}
	for _, tc := range cases {
		if c := DetectEnv(env(tc.env)); !tc.want(c) {
			t.Errorf("%s: %+v", tc.name, c)
		}
	}
	if c := DetectEnv(nil); c != (Caps{}) {
		t.Errorf("nil getenv: %+v", c)
	}
}

func TestDetectMerges(t *testing.T) {
	in, out := scriptedTerminal(t, xtermReplies, 0)
	c := Detect(env(map[string]string{"TERM": "xterm-256color", "COLORTERM": "truecolor"}), in, out, time.Second)
	if !c.Sixel || !c.TrueColor || c.CellW != 10 || c.Term != "XTerm" {
		t.Fatalf("%+v", c)
	}
	// WezTerm answers the kitty query but has no Unicode placeholders.
	in, out = scriptedTerminal(t, "\x1bP>|WezTerm 2024\x1b\\\x1b_Gi=31;OK\x1b\\\x1b[?65;4c", 0)
	c = Detect(env(nil), in, out, time.Second)
	if c.Kitty || !c.Sixel {
		t.Fatalf("wezterm: %+v", c)
	}
	if c := Detect(env(map[string]string{"TERM": "foot"}), nil, nil, time.Second); !c.Sixel {
		t.Fatalf("env only: %+v", c)
	}
}

func TestModes(t *testing.T) {
	for _, s := range []string{"", "auto", "ASCII", "halfblock", "blocks", "sixel", "kitty"} {
		if _, err := ParseMode(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ParseMode("png"); err == nil {
		t.Error("png accepted")
	}
	all := Caps{Sixel: true, Kitty: true}
	seq := []Mode{}
	m := ModeAuto
	for i := 0; i < 5; i++ {
		m = m.Next(all)
		seq = append(seq, m)
	}
	if want := []Mode{ModeASCII, ModeHalfblock, ModeSixel, ModeKitty, ModeASCII}; !equalModes(seq, want) {
		t.Fatalf("cycle %v, want %v", seq, want)
	}
	if got := ModeHalfblock.Next(Caps{}); got != ModeASCII {
		t.Fatalf("text-only cycle: %s", got)
	}
	if got := ModeSixel.Resolve(Caps{}); got != ModeHalfblock {
		t.Fatalf("unsupported sixel resolves to %s", got)
	}
	if s := (Caps{Term: "XTerm", Version: "388", Sixel: true, CellW: 10, CellH: 20}).String(); s != "XTerm 388 sixel cell 10x20" {
		t.Fatalf("caps string %q", s)
	}
}

func equalModes(a, b []Mode) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCellSize(t *testing.T) {
	if w, h := CellSize(80, 24, 480, 312); w != 6 || h != 13 {
		t.Fatalf("%d %d", w, h)
	}
	for _, c := range [][4]int{{0, 24, 480, 312}, {80, 24, 0, 0}, {80, 24, 80, 24}} {
		if w, h := CellSize(c[0], c[1], c[2], c[3]); w != 0 || h != 0 {
			t.Fatalf("%v: %d %d", c, w, h)
		}
	}
	if c := (Caps{CellW: 9, CellH: 18}).WithWindowPixels(80, 24, 480, 312); c.CellW != 9 {
		t.Fatal("known cell size overwritten")
	}
	if c := (Caps{}).WithWindowPixels(80, 24, 480, 312); c.CellW != 6 || c.CellH != 13 {
		t.Fatalf("%+v", c)
	}
}

func TestQueryStringForTmuxLeavesOutKitty(t *testing.T) {
	for _, tc := range []struct {
		term  string
		tmux  bool
		kitty bool
	}{
		{"xterm-256color", false, true},
		{"xterm-kitty", false, true},
		{"tmux-256color", false, false},
		{"screen-256color", false, false},
		{"xterm-256color", true, false},
	} {
		q := QueryStringFor(tc.term, tc.tmux)
		if got := strings.Contains(q, "\x1b_G"); got != tc.kitty {
			t.Errorf("QueryStringFor(%q, %v) has kitty query %v, want %v", tc.term, tc.tmux, got, tc.kitty)
		}
		if !strings.HasSuffix(q, queryDA1) {
			t.Errorf("QueryStringFor(%q, %v) must end with DA1", tc.term, tc.tmux)
		}
	}
}

func TestDetectInTmuxSendsNoAPC(t *testing.T) {
	in, out := scriptedTerminal(t, "\x1b[?62;4c", 0)
	env := map[string]string{"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"}
	c := Detect(func(k string) string { return env[k] }, in, out, time.Second)
	if !c.Sixel {
		t.Fatalf("DA1 ;4 not seen: %+v", c)
	}
	if strings.Contains(out.String(), "\x1b_") || !strings.Contains(out.String(), queryDA1) {
		t.Fatalf("inside tmux the query was %q; want no APC string and DA1", out.String())
	}
}
