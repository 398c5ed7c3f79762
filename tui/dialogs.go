package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	camview "github.com/snapdash/snapdash/views/camera"
	"github.com/snapdash/snapdash/views/cmdline"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/requestform"
	"github.com/snapdash/snapdash/views/upload"
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
		return m.request(r)
	case CameraChosen:
		return m.cameraRequest(r)
	case UploadChosen:
		return m.uploadFile(r)
	case SaveChosen:
		return m.save(r)
	case QuitConfirmed:
		return m.quit()
	case cmdline.Run:
		return m.cmdline.runCommand(r)
	}
	return nil
}

// openRequest opens the request form prefilled with the customer's device.
func (m *Model) openRequest() tea.Cmd {
	if !m.review.allowed(actRequest) {
		return nil
	}
	e := m.store.byID[m.selected]
	user, ep := e.customerDevice()
	v := requestform.Values{TargetUserID: user, TargetUserEndpointID: ep}
	if e.data.SessionType != "" || e.data.SessionID != "" {
		v.Session = strings.TrimSpace(string(e.data.SessionType) + " " + e.data.SessionID)
	}
	iid := e.id
	f, cmd := requestform.New(m.st, v, func(v requestform.Values) dialog.Result {
		return RequestSubmitted{InteractionID: iid, Values: v}
	})
	m.openDialog(&requestDialog{viewDialog[requestform.Model]{m: f}}, iid)
	return cmd
}

// openCamera opens the camera menu for the customer's device; when the
// device is not known yet the menu asks for it.
func (m *Model) openCamera() tea.Cmd {
	if !m.review.allowed(actCamera) {
		return nil
	}
	e := m.store.byID[m.selected]
	user, ep := e.customerDevice()
	iid := e.id
	c, cmd := camview.New(m.st, e.title(), camview.Target{UserID: user, UserEndpointID: ep},
		func(t client.CameraRequestType, to camview.Target) dialog.Result {
			return CameraChosen{InteractionID: iid, Type: t, Target: to}
		})
	m.openDialog(&cameraDialog{viewDialog[camview.Model]{m: c}}, iid)
	return cmd
}

// openUpload opens the path dialog for an upload.
func (m *Model) openUpload() tea.Cmd {
	if !m.review.allowed(actUpload) {
		return nil
	}
	iid := m.selected
	u, cmd := upload.New(m.st, upload.Upload, "", "other", func(path, typ string) dialog.Result {
		return UploadChosen{InteractionID: iid, Path: path, Type: typ}
	})
	m.openDialog(&uploadDialog{viewDialog[upload.Model]{m: u}}, iid)
	return cmd
}

// openSave opens the path dialog to save the selected picture.
func (m *Model) openSave() tea.Cmd {
	if !m.review.allowed(actSave) {
		return nil
	}
	r, _ := m.selectedRow()
	id := r.Snapshot.ID
	name := safeFileName(id) + "." + suffixOf(r.Snapshot)
	u, cmd := upload.New(m.st, upload.Save, name, "", func(path, _ string) dialog.Result {
		return SaveChosen{SnapshotID: id, Path: path}
	})
	m.openDialog(&uploadDialog{viewDialog[upload.Model]{m: u}}, id)
	return cmd
}

// safeFileName keeps a server id from naming a path outside the directory.
func safeFileName(id string) string {
	id = sanitize.Line(id)
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "snapshot"
	}
	return b.String()
}

func suffixOf(s client.Snapshot) string {
	if s.Suffix != "" {
		return safeFileName(s.Suffix)
	}
	switch s.MimeType {
	case "image/png":
		return "png"
	case "image/gif":
		return "gif"
	case "image/webp":
		return "webp"
	}
	return "jpeg"
}
