package tui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	camcorr "github.com/snapdash/snapdash/tui/camera"
)

func short(id string) string { return sanitize.Truncate(id, 24) }

// request asks the customer's device for a picture. A requested row shows
// at once and is removed again if the server refuses.
func (m *Model) request(r RequestSubmitted) tea.Cmd {
	if ok, why := m.review.canOn(actRequest, r.InteractionID, ""); !ok {
		m.setStatusInfo(why)
		return nil
	}
	e, v := m.store.byID[r.InteractionID], r.Values
	m.tempSeq++
	temp := "pending-" + strconv.Itoa(m.tempSeq)
	m.store.put(e, record{at: m.opts.Now(), Snapshot: client.Snapshot{
		ID: temp, Type: v.SnapshotType, State: client.StateRequested, InteractionID: e.id,
		UserID: v.TargetUserID, UserEndpointID: v.TargetUserEndpointID, RequesterUserID: m.opts.Identity.UserID,
	}})
	op := m.begin("requesting " + pictureOf("a", v.SnapshotType) + " from " + e.title())
	cmd := client.SnapshotRequestCommand{
		ApplicationID: m.opts.ApplicationID, UserEndpointID: m.opts.UserEndpointID,
		TargetUserID: v.TargetUserID, TargetUserEndpointID: v.TargetUserEndpointID,
		SessionType: e.data.SessionType, SessionID: e.data.SessionID,
		InteractionID: e.id, SnapshotType: v.SnapshotType,
	}
	api, ctx, iid := m.api, m.ctx, e.id
	return func() tea.Msg {
		res, err := api.Request(ctx, cmd)
		return RequestDoneMsg{Op: op, TempID: temp, InteractionID: iid, Result: res, Err: err}
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (m *Model) onRequestDone(msg RequestDoneMsg) tea.Cmd {
	m.end(msg.Op)
	e := m.store.byID[msg.InteractionID]
	var temp record
	if e != nil {
		if r := e.rows[msg.TempID]; r != nil {
			temp = *r
		}
		m.store.remove(e, msg.TempID)
	}
	if msg.Err != nil {
		m.fail(msg.Err)
		return nil
	}
	id := msg.Result.SnapshotID
	if e != nil && id != "" {
		if _, r := m.store.row(id); r == nil {
			temp.ID = id
			m.store.put(e, temp)
		}
		if m.selected == e.id {
			// The new row must be in the table before it can be selected:
			// the server's answer may come before the stream's event.
			m.refreshLists()
			m.snaps.Select(id)
			m.topPending, m.snapsMoved = false, true
		}
	}
	m.succeed("requested " + short(id) + "; waiting for the customer's picture")
	return nil
}

// cameraRequest sends a camera command to the customer's device.
func (m *Model) cameraRequest(c CameraChosen) tea.Cmd {
	if ok, why := m.review.canOn(actCamera, c.InteractionID, ""); !ok {
		m.setStatusInfo(why)
		return nil
	}
	e := m.store.byID[c.InteractionID]
	m.progress("camera: sending " + cameraLabel(c.Type) + " to " + e.title())
	return m.cam.Send(client.CameraRequestCommand{
		TargetUserID: c.Target.UserID, TargetUserEndpointID: c.Target.UserEndpointID,
		SessionType: e.data.SessionType, SessionID: e.data.SessionID, CameraRequestType: c.Type,
	})
}

// onCamera shows what became of one of our camera commands.
func (m *Model) onCamera(o camcorr.Outcome) tea.Cmd {
	switch {
	case o.Err != nil:
		m.fail(o.Err)
	case o.Answer != nil:
		m.cameraOutcome(o)
		return m.ring()
	default:
		m.succeed("camera: " + cameraLabel(o.Type) + " sent; waiting for the device")
	}
	return nil
}

// uploadFile uploads a local picture to an interaction, for its customer.
func (m *Model) uploadFile(u UploadChosen) tea.Cmd {
	if ok, why := m.review.canOn(actUpload, u.InteractionID, ""); !ok {
		m.setStatusInfo(why)
		return nil
	}
	e := m.store.byID[u.InteractionID]
	path := expandHome(u.Path)
	op := m.begin("uploading " + filepath.Base(path))
	user, ep := e.customerDevice()
	cmd := client.UploadCommand{
		ApplicationID: m.opts.ApplicationID, TargetUserID: user,
		TargetUserEndpointID: ep, InteractionID: e.id,
		UserEndpointID: m.opts.UserEndpointID, SnapshotType: orDefault(u.Type, "other"),
	}
	api, ctx, iid := m.api, m.ctx, e.id
	return func() tea.Msg {
		f, err := os.Open(path)
		if err != nil {
			return UploadDoneMsg{Op: op, Path: path, InteractionID: iid, Err: err}
		}
		defer f.Close()
		res, err := api.Upload(ctx, cmd, f)
		return UploadDoneMsg{Op: op, Path: path, InteractionID: iid, Result: res, Err: err}
	}
}

func (m *Model) onUploadDone(msg UploadDoneMsg) tea.Cmd {
	m.end(msg.Op)
	if msg.Err != nil {
		m.fail(msg.Err)
		return nil
	}
	m.succeed("uploaded " + filepath.Base(msg.Path) + " as " + short(msg.Result.SnapshotID))
	if e := m.store.byID[msg.InteractionID]; e != nil {
		return m.lists.loadSnapshots(e.id)
	}
	return nil
}

func expandHome(p string) string {
	if strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, p[2:])
		}
	}
	return p
}

// copyURL copies a signed URL of the selected picture with OSC 52.
func (m *Model) copyURL() tea.Cmd {
	if !m.review.allowed(actCopy) {
		return nil
	}
	r, _ := m.selectedRow()
	id := r.Snapshot.ID
	op := m.begin("copying a signed URL of " + short(id))
	api, ctx, clip := m.api, m.ctx, m.clipboard()
	return func() tea.Msg {
		u, err := api.SignedURL(ctx, id, false)
		if err == nil {
			err = clip(u.URL)
		}
		var until time.Time
		if u.ValidUntil != nil {
			until = *u.ValidUntil
		}
		return CopyDoneMsg{Op: op, SnapshotID: id, ValidUntil: until, Err: err}
	}
}

func (m *Model) onCopyDone(msg CopyDoneMsg) tea.Cmd {
	m.end(msg.Op)
	if msg.Err != nil {
		m.fail(msg.Err)
		return nil
	}
	text := "copied a signed URL of " + short(msg.SnapshotID)
	if !msg.ValidUntil.IsZero() {
		text += " (valid until " + m.fmtTime(msg.ValidUntil) + ")"
	}
	m.succeed(text)
	return nil
}

// openExternal downloads the picture to a temporary file and opens it.
func (m *Model) openExternal() tea.Cmd {
	if !m.review.allowed(actOpen) {
		return nil
	}
	r, _ := m.selectedRow()
	id, suffix := r.Snapshot.ID, suffixOf(r.Snapshot)
	op := m.begin("opening " + short(id))
	api, ctx, opener := m.api, m.ctx, m.opener()
	return func() tea.Msg {
		img, err := api.Download(ctx, id)
		if err != nil {
			return FileDoneMsg{Op: op, Opened: true, Err: err}
		}
		f, err := os.CreateTemp("", "snapdash-"+safeFileName(id)+"-*."+suffix)
		if err != nil {
			return FileDoneMsg{Op: op, Opened: true, Err: err}
		}
		_, err = f.Write(img.Bytes)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = opener(f.Name())
		}
		return FileDoneMsg{Op: op, Opened: true, Path: f.Name(), Err: err}
	}
}

// save downloads the picture into path, never overwriting a file.
func (m *Model) save(sc SaveChosen) tea.Cmd {
	if ok, why := m.review.canOn(actSave, "", sc.SnapshotID); !ok {
		m.setStatusInfo(why)
		return nil
	}
	id, path := sc.SnapshotID, expandHome(sc.Path)
	op := m.begin("saving " + short(id) + " to " + path)
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		img, err := api.Download(ctx, id)
		if err != nil {
			return FileDoneMsg{Op: op, Path: path, Err: err}
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return FileDoneMsg{Op: op, Path: path, Err: err}
		}
		_, err = f.Write(img.Bytes)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return FileDoneMsg{Op: op, Path: path, Err: err}
	}
}

func (m *Model) onFileDone(msg FileDoneMsg) tea.Cmd {
	m.end(msg.Op)
	if msg.Err != nil {
		m.fail(msg.Err)
		return nil
	}
	if msg.Opened {
		m.succeed("opened " + msg.Path)
	} else {
		m.succeed("saved " + msg.Path)
	}
	return nil
}
