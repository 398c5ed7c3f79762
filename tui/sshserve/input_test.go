package sshserve

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/internal/termgfx"
)

func TestStripReplies(t *testing.T) {
	for _, tc := range []struct {
		name, in, kept string
		replies        int
	}{
		{"plain keys", "jjk", "jjk", 0},
		{"arrow keys stay", "\x1b[A\x1b[1;5B", "\x1b[A\x1b[1;5B", 0},
		{"lone escape stays", "\x1b", "\x1b", 0},
		{"alt+] stays", "\x1b]x", "\x1b]x", 0},
		{"sgr mouse stays", "\x1b[<0;3;4M", "\x1b[<0;3;4M", 0},
		{"bracketed paste stays", "\x1b[200~hi\x1b[201~", "\x1b[200~hi\x1b[201~", 0},
		{"da1", "a\x1b[?62;4;22cb", "ab", 1},
		{"osc 11 st", "\x1b]11;rgb:0000/0000/0000\x1b\\j", "j", 1},
		{"osc 11 bel", "\x1b]11;rgb:ffff/ffff/ffff\x07j", "j", 1},
		{"xtversion dcs", "\x1bP>|kitty(0.35)\x1b\\", "", 1},
		{"kitty apc", "\x1b_Gi=31;OK\x1b\\q", "q", 1},
		{"cell size", "\x1b[6;20;10t", "", 1},
		{"decrpm", "\x1b[?2026;2$y", "", 1},
		{"all of a reply burst", "\x1b]11;rgb:1/1/1\x1b\\\x1bP>|WezTerm 2024\x1b\\\x1b[6;16;8t\x1b_Gi=31;OK\x1b\\\x1b[?62;4c", "", 5},
		{"incomplete dcs passes", "\x1bP>|kit", "\x1bP>|kit", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kept, replies := stripReplies([]byte(tc.in))
			if string(kept) != tc.kept || len(replies) != tc.replies {
				t.Fatalf("stripReplies(%q) = %q, %d replies; want %q, %d", tc.in, kept, len(replies), tc.kept, tc.replies)
			}
		})
	}
}

func TestHasDA1AndBackground(t *testing.T) {
	if !hasDA1([]byte("jj\x1b]11;rgb:0/0/0\x07\x1b[?1;2c")) {
		t.Error("DA1 after OSC not found")
	}
	if hasDA1([]byte("\x1b[>1;2c\x1b[?1;2")) {
		t.Error("DA2 or a partial DA1 taken for DA1")
	}
	if !isBackgroundReply([]byte("\x1b]11;rgb:ffff/ffff/ffff\x1b\\")) || isBackgroundReply([]byte("\x1b]10;rgb:0/0/0\x07")) {
		t.Error("isBackgroundReply")
	}
}

// chunkReader hands out one chunk per Read, waiting on a channel.
type chunkReader struct{ ch chan string }

func (r chunkReader) Read(p []byte) (int, error) {
	s, ok := <-r.ch
	if !ok {
		return 0, io.EOF
	}
	return copy(p, s), nil
}

func TestSessionInputProbeHandsBackKeys(t *testing.T) {
	src := chunkReader{ch: make(chan string, 8)}
	in := newSessionInput(src, time.Now)
	defer in.Close()
	src.ch <- "ab"
	src.ch <- "\x1b]11;rgb:ffff/ffff/ffff\x1b\\c\x1b[?62c"
	buf := make([]byte, 3)
	var got []byte
	pr := probeReader{in}
	for !hasDA1(got) {
		n, err := pr.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	src.ch <- "d"
	if !in.waitFor(time.Now().Add(time.Second), func(b []byte) bool { return bytes.HasSuffix(b, []byte("d")) }) {
		t.Fatal("waitFor did not see the late byte")
	}
	replies := in.endProbe()
	if len(replies) != 2 || !isBackgroundReply(replies[0]) || !isDA1(replies[1]) {
		t.Fatalf("replies %q", replies)
	}
	// After the probe a late reply inside one chunk is dropped.
	src.ch <- "e\x1b_Gi=31;OK\x1b\\f"
	close(src.ch)
	all, err := io.ReadAll(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(all) != "abcdef" {
		t.Fatalf("program read %q, want abcdef", all)
	}
	// A probe read after the probe ended gets EOF.
	if _, err := pr.Read(buf); err != io.EOF {
		t.Fatalf("probe read after end: %v", err)
	}
}

func TestProbeReaderUnblocksAtEnd(t *testing.T) {
	src := chunkReader{ch: make(chan string)}
	in := newSessionInput(src, time.Now)
	defer close(src.ch)
	defer in.Close()
	errc := make(chan error, 1)
	go func() {
		_, err := probeReader{in}.Read(make([]byte, 8))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	in.endProbe()
	select {
	case err := <-errc:
		if err != io.EOF {
			t.Fatalf("err %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("a probe read stayed blocked after the probe ended")
	}
	// The next key is the program's.
	go func() { src.ch <- "x" }()
	b := make([]byte, 4)
	n, err := in.Read(b)
	if err != nil || string(b[:n]) != "x" {
		t.Fatalf("program read %q, %v", b[:n], err)
	}
	in.Close()
	if _, err := in.Read(b); err != io.EOF {
		t.Fatalf("read after Close: %v", err)
	}
}

// A silent terminal costs the budget and nothing else: termgfx.Detect's own
// reader must not keep a key typed afterwards.
func TestProbeWithRealDetectOnSilentTerminal(t *testing.T) {
	src := chunkReader{ch: make(chan string, 4)}
	in := newSessionInput(src, time.Now)
	defer close(src.ch)
	defer in.Close()
	var out bytes.Buffer
	start := time.Now()
	caps := termgfx.Detect(func(k string) string {
		return map[string]string{"TERM": "xterm-kitty"}[k]
	}, probeReader{in}, &out, 100*time.Millisecond)
	if d := time.Since(start); d < 90*time.Millisecond || d > time.Second {
		t.Errorf("detect took %s", d)
	}
	if !caps.Kitty {
		t.Errorf("caps from env lost: %+v", caps)
	}
	if !strings.Contains(out.String(), "\x1b[c") {
		t.Errorf("no DA1 query written: %q", out.String())
	}
	in.endProbe()
	src.ch <- "k"
	b := make([]byte, 4)
	n, err := in.Read(b)
	if err != nil || string(b[:n]) != "k" {
		t.Fatalf("program read %q, %v (key stolen by the detector?)", b[:n], err)
	}
}
