package tui

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/requestform"
	"github.com/snapdash/snapdash/views/snapshots"
)

func short(id string) string { return sanitize.Truncate(id, 24) }

// request asks the customer's device for a picture. A requested row shows
// at once and is rolled back if the server refuses.
func (m *Model) request(v requestform.Values) tea.Cmd {
	e := m.store.byID[m.selected]
	if e == nil || m.readOnly() {
		return nil
	}
	m.tempSeq++
	temp := "pending-" + itoa(m.tempSeq)
	m.store.put(e, snapshots.Row{At: m.opts.Now(), Snapshot: client.Snapshot{
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
	var temp snapshots.Row
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
			temp.Snapshot.ID = id
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

// optimistic changes a row's state at once, returning the old row for the
// rollback.
func (m *Model) optimistic(id, op string, state client.SnapshotState, typ string) (snapshots.Row, bool) {
	e, r := m.store.row(id)
	if r == nil {
		return snapshots.Row{}, false
	}
	old := *r
	nr := *r
	nr.Op, nr.Snapshot.State = op, state
	if typ != "" {
		nr.Snapshot.Type = typ
	}
	m.store.put(e, nr)
	return old, true
}

// settle ends an optimistic change: rollback restores the old row unless an
// event has moved it on meanwhile.
func (m *Model) settle(id string, rollback bool, old snapshots.Row) {
	e, r := m.store.row(id)
	if r == nil {
		return
	}
	nr := *r
	nr.Op = ""
	if rollback {
		nr.Snapshot.State, nr.Snapshot.Type = old.Snapshot.State, old.Snapshot.Type
	}
	m.store.put(e, nr)
}

// approve approves id, with typ overriding the snapshot type when it differs.
func (m *Model) approve(id, typ string) tea.Cmd {
	old, ok := m.optimistic(id, "approving", client.StateApproved, typ)
	if !ok || m.readOnly() {
		return nil
	}
	if typ == old.Snapshot.Type {
		typ = ""
	}
	op := m.begin("approving " + short(id))
	m.rollback[id] = old
	cmd := client.SnapshotApproveCommand{SnapshotID: id, UserEndpointID: m.opts.UserEndpointID, SnapshotType: typ}
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		return ApproveDoneMsg{Op: op, SnapshotID: id, Err: api.Approve(ctx, cmd)}
	}
}

func (m *Model) onApproveDone(msg ApproveDoneMsg) tea.Cmd {
	m.reviewed(msg.Op, msg.SnapshotID, msg.Err, "approved")
	return nil
}

// reviewed settles an approve or discard: the optimistic row stays, or is
// put back when the server refused, and the status line says which.
func (m *Model) reviewed(op int, id string, err error, verb string) {
	m.end(op)
	old := m.rollback[id]
	delete(m.rollback, id)
	m.settle(id, err != nil, old)
	if err != nil {
		m.fail(err)
		return
	}
	m.succeed(verb + " " + short(id))
}

// discard discards id (after the y/N question).
func (m *Model) discard(id string) tea.Cmd {
	old, ok := m.optimistic(id, "discarding", client.StateDiscarded, "")
	if !ok || m.readOnly() {
		return nil
	}
	op := m.begin("discarding " + short(id))
	m.rollback[id] = old
	cmd := client.SnapshotDiscardCommand{SnapshotID: id, UserEndpointID: m.opts.UserEndpointID}
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		return DiscardDoneMsg{Op: op, SnapshotID: id, Err: api.Discard(ctx, cmd)}
	}
}

func (m *Model) onDiscardDone(msg DiscardDoneMsg) tea.Cmd {
	m.reviewed(msg.Op, msg.SnapshotID, msg.Err, "discarded")
	return nil
}

// cameraRequest sends a camera command to the interaction's customer.
func (m *Model) cameraRequest(t client.CameraRequestType) tea.Cmd {
	e := m.store.byID[m.selected]
	if e == nil || m.readOnly() {
		return nil
	}
	op := m.begin("camera: sending " + cameraLabel(t) + " to " + e.title())
	cmd := client.CameraRequestCommand{
		UserEndpointID: m.opts.UserEndpointID, TargetUserID: e.data.CustomerUserID,
		TargetUserEndpointID: e.data.CustomerUserEndpointID,
		SessionType:          e.data.SessionType, SessionID: e.data.SessionID, CameraRequestType: t,
	}
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		id, err := api.CameraRequest(ctx, cmd)
		return CameraDoneMsg{Op: op, Type: t, RequestID: id, Err: err}
	}
}

func (m *Model) onCameraDone(msg CameraDoneMsg) tea.Cmd {
	m.end(msg.Op)
	if msg.Err != nil {
		m.fail(msg.Err)
		return nil
	}
	m.succeed("camera: " + cameraLabel(msg.Type) + " sent; waiting for the device")
	if ev, ok := m.cameraEarly[msg.RequestID]; ok {
		delete(m.cameraEarly, msg.RequestID)
		m.cameraOutcome(msg.Type, ev)
		return m.ring()
	}
	m.cameraReqs[msg.RequestID] = msg.Type
	return nil
}

// uploadFile uploads a local picture to the selected interaction.
func (m *Model) uploadFile(path, typ string) tea.Cmd {
	if m.opts.NoLocalFiles {
		return nil
	}
	e := m.store.byID[m.selected]
	if e == nil || m.readOnly() {
		return nil
	}
	path = expandHome(path)
	op := m.begin("uploading " + filepath.Base(path))
	cmd := client.UploadCommand{
		ApplicationID: m.opts.ApplicationID, TargetUserID: e.data.CustomerUserID,
		TargetUserEndpointID: e.data.CustomerUserEndpointID, InteractionID: e.id,
		UserEndpointID: m.opts.UserEndpointID, SnapshotType: orDefault(typ, "other"),
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
		return m.loadSnapshots(e.id)
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
	r, ok := m.selectedRow()
	if !ok || r.Snapshot.State == client.StateRequested {
		return nil
	}
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
	if m.opts.NoLocalFiles {
		return nil
	}
	r, ok := m.selectedRow()
	if !ok || r.Snapshot.State == client.StateRequested {
		return nil
	}
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
func (m *Model) save(id, path string) tea.Cmd {
	if m.opts.NoLocalFiles {
		return nil
	}
	path = expandHome(path)
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
