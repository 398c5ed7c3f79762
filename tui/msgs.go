package tui

import (
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/tasks"
	camview "github.com/snapdash/snapdash/views/camera"
)

// Every message below is the single result of one tea.Cmd: data or Err.

// InteractionsLoadedMsg carries the interactions endpoint's answer.
type InteractionsLoadedMsg struct {
	Interactions []client.Interaction
	Err          error
}

// InteractionLoadedMsg carries one interaction fetched by id (from
// --interaction, the recent list or an event naming an unknown one).
type InteractionLoadedMsg struct {
	ID          string
	Interaction client.Interaction
	Err         error
}

// SnapshotsLoadedMsg carries the snapshot listing of one interaction.
type SnapshotsLoadedMsg struct {
	InteractionID string
	Snapshots     []client.Snapshot
	// Asked is how many events the dashboard had applied when the listing
	// was asked: rows that later events changed keep what those said.
	Asked uint64
	Err   error
}

// SnapshotLoadedMsg carries one snapshot fetched after an event announced it.
type SnapshotLoadedMsg struct {
	ID       string
	Snapshot client.Snapshot
	// Asked is as in SnapshotsLoadedMsg.
	Asked uint64
	Err   error
}

// RequestDoneMsg answers a snapshot request. TempID is the placeholder row
// shown while the request was in flight.
type RequestDoneMsg struct {
	Op            tasks.ID // the task this answers
	TempID        string
	InteractionID string
	Result        client.SnapshotRequestResult
	Err           error
}

// UploadDoneMsg answers an upload.
type UploadDoneMsg struct {
	Op            tasks.ID // the task this answers
	Path          string
	InteractionID string
	Result        client.SnapshotUploadResult
	Err           error
}

// CopyDoneMsg answers `y`: the signed URL was copied (or not).
type CopyDoneMsg struct {
	Op         tasks.ID // the task this answers
	SnapshotID string
	ValidUntil time.Time
	Err        error
}

// FileDoneMsg answers `o` (Opened) and `s` (saved to Path).
type FileDoneMsg struct {
	Op     tasks.ID // the task this answers
	Opened bool
	Path   string
	Err    error
}

// StreamUpdateMsg carries one or more merged batches from the event stream.
type StreamUpdateMsg struct{ Update client.StreamUpdate }

// StreamClosedMsg says the event stream ended (the program is stopping).
type StreamClosedMsg struct{}

// ConnTickMsg redraws the header's countdown to the next connection attempt
// once a second while the stream is reconnecting or offline.
type ConnTickMsg struct{ Gen int }

// RecentLoadedMsg carries the recently opened interactions from StateDir.
type RecentLoadedMsg struct {
	IDs []string
	Err error
}

// cameraLabel is a shorthand for the menu label of a command.
func cameraLabel(t client.CameraRequestType) string { return camview.Label(t) }
