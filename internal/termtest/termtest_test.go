package termtest

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
)

// recordTB is a testing.TB whose failures are recorded instead of ending
// the test, so the harness's own failures can be checked.
type recordTB struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (r *recordTB) Helper() {}

func (r *recordTB) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recordTB) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

func (r *recordTB) failure() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.failed, "\n")
}

// run calls f in its own goroutine (Fatalf ends it) and waits for it.
func run(f func()) {
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	<-done
}

// echoProgram is a program on a pipe: it paints "> " and then, for each
// line it reads, the line upper-cased on a fresh screen.
func echoProgram(t *testing.T, o Options) (*Term, *io.PipeWriter) {
	keysR, keysW := io.Pipe()
	outR, outW := io.Pipe()
	t.Cleanup(func() { _ = keysW.Close(); _ = outW.Close() })
	go func() {
		defer outW.Close()
		_, _ = io.WriteString(outW, "\x1b[2J\x1b[H> ")
		sc := bufio.NewScanner(keysR)
		for sc.Scan() {
			if sc.Text() == "quit" {
				return
			}
			_, _ = io.WriteString(outW, "\x1b[2J\x1b[H\x1b[1m"+strings.ToUpper(sc.Text())+"\x1b[0m")
		}
	}()
	return New(t, keysW, outR, o), outW
}

func TestWaitForSeesTheScreenNotTheBytes(t *testing.T) {
	tm, _ := echoProgram(t, Options{Width: 40, Height: 5})
	tm.WaitFor(">")
	tm.Type("hel", "lo\n")
	s := tm.WaitFor("HELLO")
	if strings.Contains(s, ">") {
		t.Fatalf("the cleared prompt is still on screen:\n%s", s)
	}
	if !strings.Contains(string(tm.Output()), "\x1b[1mHELLO") {
		t.Fatalf("Output lacks the escape sequences: %q", tm.Output())
	}
	tm.Send("quit\n")
	tm.WaitDone()
}

func TestNextRemembersHowFarItRead(t *testing.T) {
	tm, _ := echoProgram(t, Options{})
	tm.Send("one\n")
	tm.WaitFor("ONE")
	tm.Send("two\n")
	tm.WaitFor("TWO")
	// Both words were painted; ONE is gone from the screen, not from the
	// byte stream, and each Next starts where the last one stopped.
	if got := string(tm.Next("ONE")); !strings.HasPrefix(got, "\x1b[2J\x1b[H> ") {
		t.Fatalf("first Next = %q", got)
	}
	if got := string(tm.Next("TWO")); strings.Contains(got, "ONE") || !strings.HasSuffix(got, "TWO") {
		t.Fatalf("second Next = %q", got)
	}
	if rest := string(tm.Skip()); rest != "\x1b[0m" {
		t.Fatalf("Skip = %q", rest)
	}
	tm.Send("three\n")
	if got := string(tm.Next("E")); got != "\x1b[2J\x1b[H\x1b[1mTHRE" {
		t.Fatalf("Next after Skip = %q", got)
	}
}

func TestWaitsFailWithTheScreenInsteadOfHanging(t *testing.T) {
	rec := &recordTB{TB: t}
	keysR, keysW := io.Pipe()
	outR, outW := io.Pipe()
	t.Cleanup(func() { _ = keysR.Close(); _ = outW.Close() })
	var tm *Term
	run(func() { tm = New(rec, keysW, outR, Options{Timeout: 50 * time.Millisecond}) })
	go func() { _, _ = io.WriteString(outW, "still here") }()
	start := time.Now()
	run(func() { tm.WaitFor("still here"); tm.WaitFor("never") })
	if f := rec.failure(); !strings.Contains(f, `never showed "never"`) || !strings.Contains(f, "still here") {
		t.Fatalf("failure = %q", f)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("the 50ms hang guard took %s", d)
	}
	rec.failed = nil
	run(func() { tm.Next("missing") })
	if f := rec.failure(); !strings.Contains(f, `never wrote "missing"`) {
		t.Fatalf("Next failure = %q", f)
	}
	// Output that ends fails the wait at once, whatever the timeout.
	rec.failed = nil
	_ = outW.Close()
	tm.timeout = time.Hour
	run(func() { tm.WaitFor("never") })
	if f := rec.failure(); !strings.Contains(f, "output ended") {
		t.Fatalf("failure after EOF = %q", f)
	}
}

// queryProgram asks for the cursor position, then echoes everything it
// reads, so far, after each read.
func queryProgram(t *testing.T, o Options) *Term {
	keysR, keysW := io.Pipe()
	outR, outW := io.Pipe()
	t.Cleanup(func() { _ = keysW.Close(); _ = outW.Close(); _ = keysR.Close() })
	go func() {
		defer outW.Close()
		_, _ = io.WriteString(outW, "\x1b[3;5H\x1b[6nasked")
		var got []byte
		buf := make([]byte, 64)
		for {
			n, err := keysR.Read(buf)
			if err != nil {
				return
			}
			got = append(got, buf[:n]...)
			_, _ = fmt.Fprintf(outW, "\r\nread %q.", got)
		}
	}()
	return New(t, keysW, outR, o)
}

func TestTheTerminalAnswersQueries(t *testing.T) {
	tm := queryProgram(t, Options{})
	tm.Next(`read "\x1b[3;5R"`)
}

func TestNoRepliesKeepsTheTerminalSilent(t *testing.T) {
	tm := queryProgram(t, Options{NoReplies: true})
	tm.WaitFor("asked")
	tm.Send("x")
	if got := string(tm.Next(`x".`)); !strings.HasSuffix(got, `read "x".`) {
		t.Fatalf("the program read more than the key: %q", got)
	}
}

func TestResizeAndEmulator(t *testing.T) {
	tm, _ := echoProgram(t, Options{Width: 30, Height: 4})
	tm.WaitFor(">")
	tm.Resize(12, 3)
	var w, h int
	tm.Emulator(func(e *vt.Emulator) { w, h = e.Width(), e.Height() })
	if w != 12 || h != 3 {
		t.Fatalf("size %dx%d after Resize(12, 3)", w, h)
	}
}
