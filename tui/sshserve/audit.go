package sshserve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui"
)

// ErrReadOnly is returned to a supervisor's session for any action that
// would change something. The dashboard already hides those actions for a
// read-only session; this is the second lock.
var ErrReadOnly = errors.New("read-only: the supervisor role cannot change snapshots")

// ErrServerFile is returned for an upload from an SSH session: the file
// would be read from the server's disk, not the reviewer's, and could be
// the server's own configuration with its API credentials.
var ErrServerFile = errors.New("uploading a file is not available over SSH (it would be read from the server)")

// audit wraps the API a session's dashboard uses so every action (approve,
// discard, request, camera command, upload) is logged, before and after,
// with the SSH key that took it. Reads pass straight through the embedded
// interface, so the dashboard needs no change.
type audit struct {
	tui.API
	log      *slog.Logger
	readOnly bool
}

// newAudit wraps api for the session described by info.
func newAudit(api tui.API, info SessionInfo, log *slog.Logger) *audit {
	l := log.With(slog.Group("audit",
		"session", info.ID,
		"fingerprint", info.Fingerprint,
		"comment", info.Comment,
		"role", info.Role,
		"user", info.User,
		"remote", info.RemoteAddr,
	))
	return &audit{API: api, log: l, readOnly: info.Role == RoleSupervisor}
}

// act runs one action between its two audit lines.
func (a *audit) act(ctx context.Context, action string, attrs []any, call func() ([]any, error)) error {
	a.log.InfoContext(ctx, "audit: "+action, append([]any{"action", action, "phase", "start"}, attrs...)...)
	var deny error
	switch {
	case a.readOnly:
		deny = ErrReadOnly
	case action == "upload":
		deny = ErrServerFile
	}
	if deny != nil {
		a.log.WarnContext(ctx, "audit: "+action+" denied", append([]any{"action", action, "phase", "denied", "err", deny}, attrs...)...)
		return deny
	}
	start := time.Now()
	more, err := call()
	attrs = append(attrs, more...)
	attrs = append(attrs, "elapsed", time.Since(start).Round(time.Millisecond).String())
	if err != nil {
		a.log.WarnContext(ctx, "audit: "+action+" failed", append([]any{"action", action, "phase", "failed", "err", err}, attrs...)...)
		return err
	}
	a.log.InfoContext(ctx, "audit: "+action+" done", append([]any{"action", action, "phase", "done"}, attrs...)...)
	return nil
}

// Approve implements tui.API.
func (a *audit) Approve(ctx context.Context, cmd client.SnapshotApproveCommand) error {
	return a.act(ctx, "approve", []any{"snapshot", cmd.SnapshotID, "type", cmd.SnapshotType}, func() ([]any, error) {
		return nil, a.API.Approve(ctx, cmd)
	})
}

// Discard implements tui.API.
func (a *audit) Discard(ctx context.Context, cmd client.SnapshotDiscardCommand) error {
	return a.act(ctx, "discard", []any{"snapshot", cmd.SnapshotID}, func() ([]any, error) {
		return nil, a.API.Discard(ctx, cmd)
	})
}

// Request implements tui.API.
func (a *audit) Request(ctx context.Context, cmd client.SnapshotRequestCommand) (client.SnapshotRequestResult, error) {
	var res client.SnapshotRequestResult
	err := a.act(ctx, "request", []any{
		"interaction", cmd.InteractionID, "target_user", cmd.TargetUserID,
		"target_endpoint", cmd.TargetUserEndpointID, "type", cmd.SnapshotType,
	}, func() ([]any, error) {
		var err error
		res, err = a.API.Request(ctx, cmd)
		return []any{"snapshot", res.SnapshotID}, err
	})
	return res, err
}

// CameraRequest implements tui.API.
func (a *audit) CameraRequest(ctx context.Context, cmd client.CameraRequestCommand) (string, error) {
	var id string
	err := a.act(ctx, "camera", []any{
		"command", string(cmd.CameraRequestType), "target_user", cmd.TargetUserID,
		"target_endpoint", cmd.TargetUserEndpointID, "session_id", cmd.SessionID,
	}, func() ([]any, error) {
		var err error
		id, err = a.API.CameraRequest(ctx, cmd)
		return []any{"camera_request", id}, err
	})
	return id, err
}

// Upload implements tui.API; over SSH it is always refused (ErrServerFile).
func (a *audit) Upload(ctx context.Context, cmd client.UploadCommand, image io.Reader) (client.SnapshotUploadResult, error) {
	var res client.SnapshotUploadResult
	err := a.act(ctx, "upload", []any{
		"interaction", cmd.InteractionID, "related_snapshot", cmd.RelatedSnapshotID, "type", cmd.SnapshotType,
	}, func() ([]any, error) {
		var err error
		res, err = a.API.Upload(ctx, cmd, image)
		return []any{"snapshot", res.SnapshotID}, err
	})
	return res, err
}
