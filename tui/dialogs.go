package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/views/cmdline"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/filter"
)

// updateDialog gives msg to the open dialog. A dialog answers in the same
// call (its Result): the dialog closes here and the answer is acted on
// here, so the next key, even one that arrived in the same read, goes to
// whatever has the focus then.
func (m *Model) updateDialog(msg tea.Msg) tea.Cmd {
	if m.dialog == nil || m.typedAhead(msg) {
		return nil
	}
	var cmd tea.Cmd
	var res dialog.Result
	m.dialog, cmd, res = m.dialog.Update(msg)
	if res == nil {
		return cmd
	}
	m.closeDialog()
	return tea.Batch(cmd, m.answer(res))
}

// openDialog opens d about subject (see Focus).
func (m *hub) openDialog(d dialogModel, subject string) {
	m.dialog, m.subject = d, subject
}

// closeDialog closes the open dialog.
func (m *hub) closeDialog() { m.dialog, m.subject = nil, "" }

// answer acts on a dialog's answer.
func (m *Model) answer(res dialog.Result) tea.Cmd {
	if cmd, ok := m.review.answer(res); ok {
		return cmd
	}
	switch r := res.(type) {
	case dialog.Closed:
		if r.Name == "filter" {
			m.cmdline.setFilter("")
		}
	case filter.Applied:
		m.cmdline.setFilter(r.Query.String())
	case RequestSubmitted:
		return m.requests.request(r)
	case CameraChosen:
		return m.cam.request(r)
	case UploadChosen:
		return m.files.upload(r)
	case SaveChosen:
		return m.files.save(r)
	case QuitConfirmed:
		return m.quit()
	case cmdline.Run:
		return m.cmdline.runCommand(r)
	}
	return nil
}
