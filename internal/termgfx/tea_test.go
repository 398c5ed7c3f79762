package termgfx

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// syncBuffer is a bytes.Buffer safe for the renderer goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type stepMsg int

// paneModel is a tiny dashboard: a list column, a preview pane at column
// 12 and a status line. Each step changes one thing.
type paneModel struct {
	ov     *Overlay
	frame  Frame
	status string
	list   string
	step   int
}

func (m paneModel) Init() tea.Cmd { return func() tea.Msg { return stepMsg(0) } }

func (m paneModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(stepMsg); ok {
		m.step = int(s)
		switch m.step {
		case 0:
			m.ov.Place("pic", 1, 12, m.frame)
		case 1:
			m.status = "tick 1" // below the picture: no repaint
		case 2:
			m.list = "selected" // on a row the picture covers: repaint
		case 3:
			m.ov.Clear()
		case 4:
			return m, tea.Quit
		}
		next := s + 1
		return m, tea.Tick(60*time.Millisecond, func(time.Time) tea.Msg { return next })
	}
	return m, nil
}

func (m paneModel) View() string {
	var sb strings.Builder
	sb.WriteString("header\n")
	for i, l := range m.frame.Lines {
		left := "          "
		if i == 2 && m.list != "" {
			left = "> " + m.list
		}
		sb.WriteString(left[:10] + "| " + l + "\n")
	}
	sb.WriteString("status: " + m.status)
	return sb.String()
}

// TestOverlayWithBubbleTea runs a real Bubble Tea program whose output goes
// through the Overlay and checks where the sixel graphic lands.
func TestOverlayWithBubbleTea(t *testing.T) {
	f, err := Render(context.Background(), testPicture(200, 100), Options{Cols: 20, Rows: 6, Mode: ModeSixel})
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	ov := NewOverlay(out, Caps{Sixel: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p := tea.NewProgram(paneModel{ov: ov, frame: f}, tea.WithOutput(ov), tea.WithInput(nil),
		tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler())
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	// Pane origin row 1, col 12; graphic offset inside the pane.
	cup := "\x1b[" + strconv.Itoa(2+f.GraphicRow) + ";" + strconv.Itoa(13+f.GraphicCol) + "H"
	paint := "\x1b7" + cup + f.Graphic + "\x1b8"
	if n := strings.Count(got, paint); n < 2 {
		t.Fatalf("graphic painted %d times, want the initial paint and one repaint after the list row changed", n)
	}
	if n := strings.Count(got, paint); n > 4 {
		t.Fatalf("graphic painted %d times: repainted for unrelated frames", n)
	}
	if !strings.Contains(got, "\x1b[?7l") {
		t.Fatal("graphic cells never erased after Clear")
	}
	// Nothing is painted after the erase.
	last := strings.LastIndex(got, "\x1b[?7l")
	if strings.Contains(got[last:], "\x1bP") {
		t.Fatal("graphic painted after Clear")
	}
	if i := strings.Index(got, "selected"); i < 0 || !strings.Contains(got[i:], paint) {
		t.Fatal("no repaint after the list row under the picture was rewritten")
	}
	// The status-line frame (below the picture) is not followed by a paint.
	if i := strings.Index(got, "status: tick 1"); i < 0 || strings.Index(got[i:], paint) < strings.Index(got[i:], "selected") {
		t.Fatalf("repainted after a frame that did not touch the picture's rows:\n%q", strings.ReplaceAll(got, f.Graphic, "<GRAPHIC>"))
	}
}
