package keyinput

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// recorder is a Bubble Tea model that writes down the input it gets.
type recorder struct {
	mu   sync.Mutex
	got  []string
	more chan struct{}
}

func (r *recorder) Init() tea.Cmd { return nil }

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var s string
	switch msg := msg.(type) {
	case tea.KeyMsg:
		s = msg.String()
		if msg.Paste {
			s = "paste" + s
		} else if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 {
			// One read's characters arrive as one KeyMsg; one each here.
			r.mu.Lock()
			for _, c := range msg.Runes {
				r.got = append(r.got, string(c))
			}
			r.mu.Unlock()
			r.more <- struct{}{}
			return r, nil
		}
	case tea.MouseMsg:
		s = "mouse " + msg.String()
	default:
		return r, nil
	}
	r.mu.Lock()
	r.got = append(r.got, s)
	r.mu.Unlock()
	r.more <- struct{}{}
	return r, nil
}

func (r *recorder) View() string { return "" }

// run starts a program reading through a Reader fed by the returned pipe.
func run(t *testing.T, o Options) (*recorder, *io.PipeWriter) {
	t.Helper()
	pr, pw := io.Pipe()
	in := New(pr, o)
	rec := &recorder{more: make(chan struct{}, 1024)}
	p := tea.NewProgram(rec, tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
	done := make(chan struct{})
	go func() { _, _ = p.Run(); close(done) }()
	t.Cleanup(func() {
		p.Quit()
		_ = in.Close()
		_ = pw.Close()
		<-done
	})
	return rec, pw
}

// expect waits until the program got want (and fails on anything else).
func (r *recorder) expect(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		got := append([]string(nil), r.got...)
		r.mu.Unlock()
		if len(got) >= len(want) {
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("got %q, want %q", got, want)
			}
			r.mu.Lock()
			r.got = r.got[:0]
			r.mu.Unlock()
			return
		}
		select {
		case <-r.more:
		case <-deadline:
			t.Fatalf("got %q, want %q (timed out)", got, want)
		}
	}
}

func TestEscapeIsEscapeWhateverArrivesInOneRead(t *testing.T) {
	rec, w := run(t, Options{Wait: time.Hour})
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"d\x1b\x1by", []string{"d", "esc", "esc", "y"}},
		{"\x1by", []string{"esc", "y"}},
		{"\x1b\x1b\x1bq", []string{"esc", "esc", "esc", "q"}},
		{"\x1b\r", []string{"esc", "enter"}},
		{"x\x1b[Ay", []string{"x", "up", "y"}},
		{"\x1b\x1b[B.", []string{"esc", "down", "."}},
		{"\x1bOA.", []string{"up", "."}},
		{"\x1b[<0;10;5M.", []string{"mouse left press", "."}},
		{"\x1b[200~a\x1bb\r\x1b[201~.", []string{"paste[a\x1bb\r]", "."}},
		{"\x1b]11;rgb:0000/0000/0000\x07z", []string{"z"}},
		{"\x1bP>|xterm\x1b\\z", []string{"z"}},
		{"\x1b[\x1b.", []string{"esc", "[", "esc", "."}},
	} {
		if _, err := io.WriteString(w, c.in); err != nil {
			t.Fatal(err)
		}
		rec.expect(t, c.want...)
	}
}

func TestSequencesSplitAcrossReadsAreCompleted(t *testing.T) {
	rec, w := run(t, Options{Wait: time.Hour, PasteWait: time.Hour})
	for _, c := range []struct {
		in   []string
		want []string
	}{
		{[]string{"\x1b", "[A"}, []string{"up"}},
		{[]string{"\x1b[", "B"}, []string{"down"}},
		{[]string{"\x1b", "[", "1;5", "C"}, []string{"ctrl+right"}},
		{[]string{"\x1b[<0;1", "2;7M", "\x1b[<0;12;7", "m"}, []string{"mouse left press", "mouse left release"}},
		{[]string{"\x1b[20", "0~ab", "c\x1b[2", "01~"}, []string{"paste[abc]"}},
		{[]string{"\xc3", "\xa9"}, []string{"é"}},
		{[]string{"\x1b", "y"}, []string{"esc", "y"}},
		{[]string{"d\x1b", "\x1b", "y"}, []string{"d", "esc", "esc", "y"}},
	} {
		for _, part := range c.in {
			if _, err := io.WriteString(w, part); err != nil {
				t.Fatal(err)
			}
		}
		rec.expect(t, c.want...)
	}
}

func TestALoneEscapeIsHandedOverAfterTheWait(t *testing.T) {
	rec, w := run(t, Options{Wait: 20 * time.Millisecond})
	_, _ = io.WriteString(w, "\x1b")
	rec.expect(t, "esc")
	_, _ = io.WriteString(w, "\x1b[")
	rec.expect(t, "esc", "[")
	_, _ = io.WriteString(w, "\x1b[<0;3")
	rec.expect(t, "esc", "[", "<", "0", ";", "3")
}

func TestAnUnfinishedPasteIsClosedNotTyped(t *testing.T) {
	rec, w := run(t, Options{PasteWait: 20 * time.Millisecond})
	_, _ = io.WriteString(w, "\x1b[200~dy")
	rec.expect(t, "paste[dy]")
	_, _ = io.WriteString(w, "q")
	rec.expect(t, "q")
}

func TestALongPasteArrivesWhole(t *testing.T) {
	rec, w := run(t, Options{Wait: time.Hour, PasteWait: time.Hour})
	text := strings.Repeat("abcdefghij", 100)
	_, _ = io.WriteString(w, "x\x1b[200~"+text[:300])
	_, _ = io.WriteString(w, text[300:]+"\x1b[201~\x1b")
	_, _ = io.WriteString(w, "y")
	rec.expect(t, "x", "paste["+text+"]", "esc", "y")
}

func TestCloseEndsRead(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	r := New(pr, Options{})
	errc := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 16))
		errc <- err
	}()
	_ = r.Close()
	select {
	case err := <-errc:
		if err != io.EOF {
			t.Fatalf("Read after Close: %v, want io.EOF", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read did not return after Close")
	}
}
