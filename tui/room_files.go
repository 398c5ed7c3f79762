package tui

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/upload"
)

// filesRoom owns what goes between a picture and a file or the clipboard:
// uploading a local picture to an interaction (u), copying a signed URL
// (y), opening the picture in the local viewer (o) and saving it (s):
// their path dialogs, their calls, their answers and their status lines.
// None of them is offered over SSH (can.go), where the files would be the
// server's.
type filesRoom struct {
	*hub   // shared services (hub.go)
	choice // the selection and the rule of what may run, asked of the root

	// loadSnapshots lists an interaction's snapshots again (the root's
	// listing), so an uploaded picture shows without waiting for its event.
	loadSnapshots func(iid string) tea.Cmd
}

// openUpload opens the path dialog for an upload.
func (r *filesRoom) openUpload() tea.Cmd {
	if !r.allowed(actUpload) {
		return nil
	}
	iid := r.interaction()
	u, cmd := upload.New(r.st, upload.Upload, "", "other", func(path, typ string) dialog.Result {
		return UploadChosen{InteractionID: iid, Path: path, Type: typ}
	})
	r.openDialog(&uploadDialog{viewDialog[upload.Model]{m: u}}, iid)
	return cmd
}

// upload uploads a local picture to an interaction, for its customer.
func (r *filesRoom) upload(u UploadChosen) tea.Cmd {
	if !r.allowedOn(actUpload, u.InteractionID, "") {
		return nil
	}
	e := r.store.byID[u.InteractionID]
	path := upload.ExpandHome(u.Path)
	op := r.begin("uploading " + filepath.Base(path))
	user, ep := e.customerDevice()
	cmd := client.UploadCommand{
		ApplicationID: r.opts.ApplicationID, TargetUserID: user,
		TargetUserEndpointID: ep, InteractionID: e.id,
		UserEndpointID: r.opts.UserEndpointID, SnapshotType: orDefault(u.Type, "other"),
	}
	api, ctx, iid := r.api, r.ctx, e.id
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

// onUploadDone says what became of an upload and lists the interaction's
// snapshots again.
func (r *filesRoom) onUploadDone(msg UploadDoneMsg) tea.Cmd {
	r.end(msg.Op)
	if msg.Err != nil {
		r.fail(msg.Err)
		return nil
	}
	r.succeed("uploaded " + filepath.Base(msg.Path) + " as " + short(msg.Result.SnapshotID))
	if e := r.store.byID[msg.InteractionID]; e != nil {
		return r.loadSnapshots(e.id)
	}
	return nil
}

// copyURL copies a signed URL of the selected picture with OSC 52.
func (r *filesRoom) copyURL() tea.Cmd {
	if !r.allowed(actCopy) {
		return nil
	}
	row, _ := r.row()
	id := row.Snapshot.ID
	op := r.begin("copying a signed URL of " + short(id))
	api, ctx, clip := r.api, r.ctx, r.clipboard()
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

// onCopyDone says what became of a copy, and until when the URL is valid.
func (r *filesRoom) onCopyDone(msg CopyDoneMsg) tea.Cmd {
	r.end(msg.Op)
	if msg.Err != nil {
		r.fail(msg.Err)
		return nil
	}
	text := "copied a signed URL of " + short(msg.SnapshotID)
	if !msg.ValidUntil.IsZero() {
		text += " (valid until " + r.fmtTime(msg.ValidUntil) + ")"
	}
	r.succeed(text)
	return nil
}

// openExternal downloads the picture to a temporary file and opens it.
func (r *filesRoom) openExternal() tea.Cmd {
	if !r.allowed(actOpen) {
		return nil
	}
	row, _ := r.row()
	id, suffix := row.Snapshot.ID, suffixOf(row.Snapshot)
	op := r.begin("opening " + short(id))
	api, ctx, opener := r.api, r.ctx, r.opener()
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

// openSave opens the path dialog to save the selected picture.
func (r *filesRoom) openSave() tea.Cmd {
	if !r.allowed(actSave) {
		return nil
	}
	row, _ := r.row()
	id := row.Snapshot.ID
	name := safeFileName(id) + "." + suffixOf(row.Snapshot)
	u, cmd := upload.New(r.st, upload.Save, name, "", func(path, _ string) dialog.Result {
		return SaveChosen{SnapshotID: id, Path: path}
	})
	r.openDialog(&uploadDialog{viewDialog[upload.Model]{m: u}}, id)
	return cmd
}

// save downloads the picture into path, never overwriting a file.
func (r *filesRoom) save(sc SaveChosen) tea.Cmd {
	if !r.allowedOn(actSave, "", sc.SnapshotID) {
		return nil
	}
	id, path := sc.SnapshotID, upload.ExpandHome(sc.Path)
	op := r.begin("saving " + short(id) + " to " + path)
	api, ctx := r.api, r.ctx
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

// onFileDone says what became of an open or a save.
func (r *filesRoom) onFileDone(msg FileDoneMsg) tea.Cmd {
	r.end(msg.Op)
	if msg.Err != nil {
		r.fail(msg.Err)
		return nil
	}
	if msg.Opened {
		r.succeed("opened " + msg.Path)
	} else {
		r.succeed("saved " + msg.Path)
	}
	return nil
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

// suffixOf is the file name suffix of a snapshot's picture: the server's,
// or one for its MIME type.
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
