package sshserve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui"
)

// fakeAPI records the actions that reach it.
type fakeAPI struct {
	tui.API
	calls []string
	fail  error
}

func (f *fakeAPI) Approve(_ context.Context, cmd client.SnapshotApproveCommand) error {
	f.calls = append(f.calls, "approve "+cmd.SnapshotID)
	return f.fail
}

func (f *fakeAPI) Discard(_ context.Context, cmd client.SnapshotDiscardCommand) error {
	f.calls = append(f.calls, "discard "+cmd.SnapshotID)
	return f.fail
}

func (f *fakeAPI) Request(_ context.Context, cmd client.SnapshotRequestCommand) (client.SnapshotRequestResult, error) {
	f.calls = append(f.calls, "request "+cmd.InteractionID)
	return client.SnapshotRequestResult{SnapshotID: "snap-new"}, f.fail
}

func (f *fakeAPI) CameraRequest(_ context.Context, cmd client.CameraRequestCommand) (string, error) {
	f.calls = append(f.calls, "camera "+string(cmd.CameraRequestType))
	return "cr-1", f.fail
}

func (f *fakeAPI) Upload(_ context.Context, cmd client.UploadCommand, _ io.Reader) (client.SnapshotUploadResult, error) {
	f.calls = append(f.calls, "upload "+cmd.InteractionID)
	return client.SnapshotUploadResult{SnapshotID: "snap-up"}, f.fail
}

func (f *fakeAPI) GetSnapshot(_ context.Context, id string) (client.Snapshot, error) {
	f.calls = append(f.calls, "get "+id)
	return client.Snapshot{ID: id}, nil
}

func TestAuditLogsEveryActionWithTheKey(t *testing.T) {
	lb := &logBuffer{}
	log := slog.New(slog.NewTextHandler(lb, nil))
	api := &fakeAPI{}
	info := SessionInfo{ID: "s1", Fingerprint: "SHA256:abc", Comment: "alice@laptop", Role: RoleReviewer, User: "alice"}
	a := newAudit(api, info, log)
	ctx := context.Background()
	if err := a.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: "snap-1"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: "snap-2"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Request(ctx, client.SnapshotRequestCommand{InteractionID: "int-1"}); err != nil || res.SnapshotID != "snap-new" {
		t.Fatal(res, err)
	}
	if id, err := a.CameraRequest(ctx, client.CameraRequestCommand{CameraRequestType: "FLASH_ON"}); err != nil || id != "cr-1" {
		t.Fatal(id, err)
	}
	if _, err := a.Upload(ctx, client.UploadCommand{InteractionID: "int-1"}, strings.NewReader("x")); !errors.Is(err, ErrServerFile) {
		t.Fatalf("upload over SSH: %v", err)
	}
	if _, err := a.GetSnapshot(ctx, "snap-3"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(api.calls, ","); got != "approve snap-1,discard snap-2,request int-1,camera FLASH_ON,get snap-3" {
		t.Fatalf("calls %s", got)
	}
	out := lb.String()
	for _, want := range []string{
		`msg="audit: approve" audit.session=s1`, `action=approve phase=start snapshot=snap-1`,
		`msg="audit: approve done"`,
		`audit.fingerprint=SHA256:abc audit.comment=alice@laptop audit.role=reviewer`,
		`msg="audit: discard done"`, `snapshot=snap-2`,
		`msg="audit: request done"`, `snapshot=snap-new`,
		`msg="audit: camera done"`, `command=FLASH_ON`, `camera_request=cr-1`,
		`msg="audit: upload denied"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	if strings.Contains(out, "snap-3") {
		t.Error("a read was audited")
	}
	if n := strings.Count(out, "\n"); n != 10 {
		t.Errorf("%d audit lines, want 10 (before and after each of 5 actions):\n%s", n, out)
	}

	api.fail = errors.New("403 forbidden")
	if err := a.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: "snap-9"}); err == nil {
		t.Fatal("error lost")
	}
	if !strings.Contains(lb.String(), `action=approve phase=failed err="403 forbidden" snapshot=snap-9`) {
		t.Errorf("failure not audited:\n%s", lb.String())
	}
}

func TestAuditSupervisorIsReadOnly(t *testing.T) {
	lb := &logBuffer{}
	api := &fakeAPI{}
	a := newAudit(api, SessionInfo{Fingerprint: "SHA256:sup", Role: RoleSupervisor}, slog.New(slog.NewTextHandler(lb, nil)))
	ctx := context.Background()
	if err := a.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: "snap-1"}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("approve by a supervisor: %v", err)
	}
	if _, err := a.CameraRequest(ctx, client.CameraRequestCommand{}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("camera by a supervisor: %v", err)
	}
	if len(api.calls) != 0 {
		t.Fatalf("calls reached the API: %v", api.calls)
	}
	if !strings.Contains(lb.String(), "phase=denied") {
		t.Error("denial not audited")
	}
}
