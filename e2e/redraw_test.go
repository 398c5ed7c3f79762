//go:build !windows

package e2e

import (
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/tui"
)

// counter counts what the program writes to its terminal.
type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.n += len(p)
	c.mu.Unlock()
	return len(p), nil
}

func (c *counter) bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// recorder keeps the last frame the renderer was given.
type recorder struct {
	tea.Model
	mu   sync.Mutex
	last string
}

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.Model.Update(msg)
	r.Model = m
	return r, cmd
}

func (r *recorder) View() string {
	v := r.Model.View()
	r.mu.Lock()
	r.last = v
	r.mu.Unlock()
	return v
}

func (r *recorder) frame() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Split(r.last, "\n")
}

// moveStats is what one cursor move cost on the wire.
type moveStats struct {
	written, changedLines, changedBytes int
	headerChanged                       bool
}

// TestCursorMoveRedrawsOnlyWhatChanged moves the table cursor in a 100x30
// 256-colour dashboard (the SSH load test's terminal) and checks what the
// renderer sends: only the lines that changed, never the header, never the
// whole screen. It logs the figures behind the SSH "bytes per cursor move":
// with pictures, most of a move is the new picture's lines (mostly colour
// escapes); without, a handful of lines.
func TestCursorMoveRedrawsOnlyWhatChanged(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulator and a program for a few seconds")
	}
	for _, tc := range []struct {
		mode     tui.ImageMode
		maxLines int
	}{
		{tui.ImageModeASCII, 20}, // table rows + title, details, picture, footer
		{tui.ImageModeNone, 8},   // table rows + title, details, footer
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			moves := measureMoves(t, tc.mode, 100, 30, 6)
			var written, lines, changed int
			for i, m := range moves {
				if m.headerChanged {
					t.Errorf("move %d rewrote the header", i)
				}
				if m.changedLines > tc.maxLines {
					t.Errorf("move %d rewrote %d of 30 lines, want at most %d", i, m.changedLines, tc.maxLines)
				}
				// The renderer sends the changed lines and little else.
				if m.written > m.changedBytes+m.changedLines*16+256 {
					t.Errorf("move %d wrote %d bytes for %d changed lines of %d bytes", i, m.written, m.changedLines, m.changedBytes)
				}
				written, lines, changed = written+m.written, lines+m.changedLines, changed+m.changedBytes
			}
			n := len(moves)
			t.Logf("100x30, 256 colours, image mode %s: %d bytes per move, %.1f lines rewritten (%d bytes of line content)",
				tc.mode, written/n, float64(lines)/float64(n), changed/n)
		})
	}
}

// measureMoves runs the dashboard on the demo simulator with the
// interaction that has three pictures, warms the picture cache, then
// alternates j and k n times, waiting for quiet after each.
func measureMoves(t *testing.T, mode tui.ImageMode, w, h, n int) []moveStats {
	t.Helper()
	s, api, id, ep := demoSim(t)
	sofia := interactionOf(t, s, "Sofía García")
	out := &counter{}
	r := lipgloss.NewRenderer(out)
	r.SetColorProfile(termenv.ANSI256)
	m := tui.New(tui.Options{API: api, ServerURL: s.URL(), Identity: id, UserEndpointID: ep, Renderer: r,
		ImageMode: mode, Interactions: []string{sofia}, PreviewDelay: time.Millisecond})
	t.Cleanup(m.Close)
	rec := &recorder{Model: m}
	in, keys := io.Pipe()
	p := tea.NewProgram(rec, tea.WithInput(in), tea.WithOutput(out), tea.WithoutSignalHandler())
	done := make(chan struct{})
	go func() { _, _ = p.Run(); close(done) }()
	t.Cleanup(func() { p.Quit(); <-done; _ = keys.Close() })
	p.Send(tea.WindowSizeMsg{Width: w, Height: h})

	quiet := func() {
		last := -1
		for q := time.Now(); time.Since(q) < 300*time.Millisecond; {
			time.Sleep(20 * time.Millisecond)
			if b := out.bytes(); b != last {
				last, q = b, time.Now()
			}
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	listed := regexp.MustCompile(`Snapshots · Sofía García \d+/3`)
	for !listed.MatchString(strings.Join(rec.frame(), "\n")) {
		if time.Now().After(deadline) {
			t.Fatalf("the dashboard never showed Sofía's snapshots:\n%s", strings.Join(rec.frame(), "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, k := range []string{"j", "k"} { // every picture decoded and cached once
		_, _ = keys.Write([]byte(k))
		time.Sleep(500 * time.Millisecond)
		quiet()
	}
	quiet()
	stats := make([]moveStats, 0, n)
	for i := range n {
		before, b0 := rec.frame(), out.bytes()
		k := "j"
		if i%2 == 1 {
			k = "k"
		}
		if _, err := keys.Write([]byte(k)); err != nil {
			t.Fatal(err)
		}
		quiet()
		after := rec.frame()
		st := moveStats{written: out.bytes() - b0}
		for j, l := range after {
			if j < len(before) && before[j] == l {
				continue
			}
			st.changedLines++
			st.changedBytes += len(l)
			if j == 0 {
				st.headerChanged = true
			}
		}
		if st.changedLines == 0 {
			t.Fatalf("move %d (%s) changed nothing on screen", i, k)
		}
		stats = append(stats, st)
	}
	return stats
}
