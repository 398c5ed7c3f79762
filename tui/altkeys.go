package tui

import tea "github.com/charmbracelet/bubbletea"

// unalt handles alt+X as esc followed by X. The dashboard binds no alt
// key: a terminal sends Escape then X as ESC X, which Bubble Tea v1 reads
// as alt+X whenever both arrive in one read (a fast typist, a paste
// buffer, a slow SSH link). The program's input (keyinput) already hands
// such an ESC over on its own; this covers any alt key that still arrives.
func (m *Model) unalt(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	_, first := m.Update(tea.KeyMsg{Type: tea.KeyEscape})
	if m.quitting {
		return m, tea.Quit
	}
	k.Alt = false
	_, second := m.Update(k)
	return m, tea.Batch(first, second)
}
