package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/statusbar"
)

// dialogMouse handles a press while a dialog is open: a left click on one
// of its key hints (in the footer, or drawn inside the dialog) does what
// the key does; any other press goes to the dialog, where a question
// takes it for No.
func (m *Model) dialogMouse(msg tea.MouseMsg) tea.Cmd {
	if msg.Button == tea.MouseButtonLeft {
		if k, ok := m.dialogHintAt(msg.X, msg.Y); ok {
			return m.handleKey(keyFor(k))
		}
	}
	return m.updateDialog(msg)
}

// dialogHintAt returns the key of the hint drawn at screen cell (x, y)
// while a dialog is open.
func (m *Model) dialogHintAt(x, y int) (string, bool) {
	if _, footer := m.dialog.(footerLine); y == m.height-1 && !footer {
		if b, ok := statusbar.HintAt(m.footerKeys(), x); ok {
			return b.Keys()[0], true
		}
		return "", false
	}
	hints := m.dialogHints()
	if len(hints) == 0 {
		return "", false
	}
	d := m.dialogView()
	dx, dy, _ := m.dialogSpot(d)
	lines := strings.Split(d, "\n")
	row := y - 1 - dy // the body starts under the header line
	if row < 0 || row >= len(lines) {
		return "", false
	}
	return hintIn(ansi.Strip(lines[row]), x-dx, hints)
}

// hintIn finds the hint whose label covers cell col of the drawn line.
func hintIn(line string, col int, hints []dialog.Hint) (string, bool) {
	for _, h := range hints {
		label := h.Label()
		for from := 0; ; {
			i := strings.Index(line[from:], label)
			if i < 0 {
				break
			}
			start := ansi.StringWidth(line[:from+i])
			if col >= start && col < start+ansi.StringWidth(label) {
				return h.Press, true
			}
			from += i + len(label)
		}
	}
	return "", false
}

// dialogHints are the hints the open dialog draws inside itself.
func (m *Model) dialogHints() []dialog.Hint {
	if h, ok := m.dialog.(hinter); ok {
		return h.Hints()
	}
	return nil
}
