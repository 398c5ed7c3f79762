package main

import (
	"context"
	"fmt"
	"image"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// The -tea demo: a miniature dashboard (a list, a preview pane, a status
// line) run by Bubble Tea with its output going through termgfx.Overlay,
// stepping through a few pictures by itself so erasing and repainting are
// exercised in a real terminal. Used for docs/sixel-xterm.png.

type demoStep struct{}

type demoModel struct {
	ov     *termgfx.Overlay
	caps   termgfx.Caps
	mode   termgfx.Mode
	pics   []image.Image
	names  []string
	sel    int
	steps  int
	frame  termgfx.Frame
	cols   int
	rows   int
	status string
}

const paneTop, paneLeft = 2, 24

func (m *demoModel) render() {
	f, err := termgfx.Render(context.Background(), m.pics[m.sel], termgfx.Options{
		Cols: m.cols, Rows: m.rows, Mode: m.mode, Color: true, TrueColor: m.caps.TrueColor,
		CellW: m.caps.CellW, CellH: m.caps.CellH, ImageID: uint32(m.sel + 1),
	})
	if err != nil {
		m.status = "render: " + err.Error()
		m.ov.Clear()
		return
	}
	m.frame = f
	m.ov.Place(fmt.Sprintf("%d/%s/%dx%d", m.sel, m.mode, m.cols, m.rows), paneTop, paneLeft, f)
}

func (m *demoModel) Init() tea.Cmd {
	m.render()
	return tea.Tick(1200*time.Millisecond, func(time.Time) tea.Msg { return demoStep{} })
}

func (m *demoModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if msg.String() == "q" || msg.String() == "ctrl+c" {
			m.ov.Clear()
			return m, tea.Quit
		}
	case demoStep:
		m.steps++
		if m.steps > len(m.pics) {
			m.status = "ready"
			return m, nil
		}
		m.sel = (m.sel + 1) % len(m.pics)
		m.status = fmt.Sprintf("selected %d", m.sel+1)
		m.render()
		return m, tea.Tick(900*time.Millisecond, func(time.Time) tea.Msg { return demoStep{} })
	}
	return m, nil
}

func (m *demoModel) View() string {
	var sb strings.Builder
	sb.WriteString(sanitize.Truncate("snapdash preview demo: "+m.caps.String()+"; mode "+string(m.mode), 100) + "\n")
	sb.WriteString(strings.Repeat("─", 23) + "┬" + strings.Repeat("─", m.cols) + "\n")
	for i := 0; i < m.rows; i++ {
		left := ""
		if i < len(m.names) {
			mark := "  "
			if i == m.sel {
				mark = "> "
			}
			left = mark + m.names[i]
		}
		line := ""
		if i < len(m.frame.Lines) {
			line = m.frame.Lines[i]
		}
		sb.WriteString(fmt.Sprintf("%-23s│%s\n", left, line))
	}
	sb.WriteString(strings.Repeat("─", 23) + "┴" + strings.Repeat("─", m.cols) + "\n")
	sb.WriteString("status: " + m.status)
	return sb.String()
}

// runDemo shows pics in a Bubble Tea program on the terminal.
func runDemo(caps termgfx.Caps, mode termgfx.Mode, pics []image.Image, names []string, cols, rows int) error {
	ov := termgfx.NewOverlay(os.Stdout, caps)
	m := &demoModel{ov: ov, caps: caps, mode: mode, pics: pics, names: names, cols: cols, rows: rows, status: "starting"}
	_, err := tea.NewProgram(m, tea.WithOutput(ov), tea.WithAltScreen()).Run()
	return err
}
