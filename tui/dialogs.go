package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/camera"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/prompt"
	"github.com/snapdash/snapdash/views/requestform"
	"github.com/snapdash/snapdash/views/upload"
)

// updateDialog handles dialog results and forwards everything else to the
// open dialog.
func (m *Model) updateDialog(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case confirm.AnsweredMsg:
		m.dialog = dialogNone
		if !msg.Yes {
			if msg.Tag == "discard" {
				m.setStatusInfo("discard cancelled")
			}
			return nil
		}
		switch msg.Tag {
		case "quit":
			return m.quit()
		case "discard":
			return m.discard(m.pendingTarget)
		}
		return nil
	case prompt.SubmittedMsg:
		m.dialog = dialogNone
		if msg.Tag == "approve" {
			return m.approve(m.pendingTarget, strings.TrimSpace(msg.Value))
		}
		return nil
	case prompt.CancelledMsg, camera.CancelledMsg, requestform.CancelledMsg, upload.CancelledMsg:
		m.dialog = dialogNone
		return nil
	case camera.ChosenMsg:
		m.dialog = dialogNone
		return m.cameraRequest(msg.Type)
	case requestform.SubmittedMsg:
		m.dialog = dialogNone
		return m.request(msg.Values)
	case upload.SubmittedMsg:
		m.dialog = dialogNone
		if msg.Mode == upload.Save {
			return m.save(m.pendingTarget, msg.Path)
		}
		return m.uploadFile(msg.Path, msg.Type)
	case upload.CompletedMsg:
		if m.dialog == dialogUpload {
			var cmd tea.Cmd
			m.upload, cmd = m.upload.Update(msg)
			return cmd
		}
		return nil
	case filter.ChangedMsg:
		// Commands run concurrently, so these can arrive out of order:
		// apply what the input holds now, never an older value.
		if m.dialog == dialogFilter {
			m.setFilter(m.filter.Value())
		}
		return nil
	case filter.DoneMsg:
		m.dialog = dialogNone
		if msg.Cleared {
			m.setFilter("")
		} else {
			m.snaps.SetFilter(msg.Query)
		}
		return nil
	}
	var cmd tea.Cmd
	switch m.dialog {
	case dialogHelp:
		if k, ok := msg.(tea.KeyMsg); ok {
			// Back is disabled (so hidden) outside the full-screen preview
			// and a filter, but its keys still close the help.
			if key.Matches(k, m.keys.Help) || slices.Contains(m.keys.Back.Keys(), k.String()) || k.String() == "q" {
				m.dialog = dialogNone
			}
		}
	case dialogConfirm:
		if k, ok := msg.(tea.KeyMsg); ok && k.String() == "ctrl+c" && m.confirm.Tag == "quit" {
			return m.quit()
		}
		m.confirm, cmd = m.confirm.Update(msg)
	case dialogCamera:
		m.camera, cmd = m.camera.Update(msg)
	case dialogRequest:
		m.reqForm, cmd = m.reqForm.Update(msg)
	case dialogUpload:
		m.upload, cmd = m.upload.Update(msg)
	case dialogPrompt:
		m.prompt, cmd = m.prompt.Update(msg)
	case dialogFilter:
		m.filter, cmd = m.filter.Update(msg)
		if m.dialog == dialogFilter && m.filter.Value() != m.snaps.Filter().String() {
			m.setFilter(m.filter.Value())
		}
	}
	return cmd
}

func (m *Model) setFilter(s string) {
	m.snaps.SetFilter(filter.Parse(s))
}

// openRequest opens the request form prefilled from the interaction.
func (m *Model) openRequest() tea.Cmd {
	e := m.store.byID[m.selected]
	if e == nil || m.readOnly() {
		return nil
	}
	v := requestform.Values{
		TargetUserID:         e.data.CustomerUserID,
		TargetUserEndpointID: e.data.CustomerUserEndpointID,
	}
	if e.data.SessionType != "" || e.data.SessionID != "" {
		v.Session = strings.TrimSpace(string(e.data.SessionType) + " " + e.data.SessionID)
	}
	var cmd tea.Cmd
	m.reqForm, cmd = requestform.New(m.st, v)
	m.dialog = dialogRequest
	return cmd
}

// openApprove asks for an optional type override, prefilled with the type.
func (m *Model) openApprove() tea.Cmd {
	r, ok := m.selectedRow()
	if !ok || r.Snapshot.State != client.StateUploaded || m.readOnly() {
		return nil
	}
	m.pendingTarget = r.Snapshot.ID
	var cmd tea.Cmd
	m.prompt, cmd = prompt.New(m.st, "approve", "Approve "+sanitize.Truncate(r.Snapshot.ID, 30),
		"Snapshot type (enter keeps it)", sanitize.Line(r.Snapshot.Type), "", requestform.Types())
	m.dialog = dialogPrompt
	return cmd
}

// openDiscard asks y/N before discarding.
func (m *Model) openDiscard() tea.Cmd {
	r, ok := m.selectedRow()
	if !ok || r.Snapshot.State != client.StateUploaded || m.readOnly() {
		return nil
	}
	m.pendingTarget = r.Snapshot.ID
	q := "Discard snapshot " + r.Snapshot.ID
	if r.Snapshot.Type != "" {
		q += " (" + r.Snapshot.Type + ")"
	}
	m.confirm = confirm.New(m.st, "discard", "Discard snapshot?", q+"?\nThe customer's picture will be marked discarded.")
	m.dialog = dialogConfirm
	return nil
}

// openCamera opens the camera menu.
func (m *Model) openCamera() tea.Cmd {
	e := m.store.byID[m.selected]
	if e == nil || m.readOnly() {
		return nil
	}
	m.camera = camera.New(m.st, e.title())
	m.dialog = dialogCamera
	return nil
}

// openUpload opens the path dialog for an upload.
func (m *Model) openUpload() tea.Cmd {
	if m.opts.NoLocalFiles {
		return nil
	}
	if m.store.byID[m.selected] == nil || m.readOnly() {
		return nil
	}
	var cmd tea.Cmd
	m.upload, cmd = upload.New(m.st, upload.Upload, "", "other")
	m.dialog = dialogUpload
	return cmd
}

// openSave opens the path dialog to save the selected picture.
func (m *Model) openSave() tea.Cmd {
	if m.opts.NoLocalFiles {
		return nil
	}
	r, ok := m.selectedRow()
	if !ok || r.Snapshot.State == client.StateRequested {
		return nil
	}
	m.pendingTarget = r.Snapshot.ID
	name := safeFileName(r.Snapshot.ID) + "." + suffixOf(r.Snapshot)
	var cmd tea.Cmd
	m.upload, cmd = upload.New(m.st, upload.Save, name, "")
	m.dialog = dialogUpload
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
