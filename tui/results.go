package tui

import (
	"github.com/snapdash/snapdash/client"
	camview "github.com/snapdash/snapdash/views/camera"
	"github.com/snapdash/snapdash/views/requestform"
)

// The typed answers of the dashboard's dialogs. Each names its subject as
// it was when the dialog opened, and the root acts on it in the Update
// that received the answering key (see package views/dialog).

// RequestSubmitted is the request form sent for an interaction.
type RequestSubmitted struct {
	InteractionID string
	Values        requestform.Values
}

// CameraChosen is a command chosen in the camera menu of an interaction.
type CameraChosen struct {
	InteractionID string
	Type          client.CameraRequestType
	Target        camview.Target
}

// UploadChosen is a checked local file to upload to an interaction.
type UploadChosen struct{ InteractionID, Path, Type string }

// SaveChosen is a checked new path to save a snapshot's picture to.
type SaveChosen struct{ SnapshotID, Path string }

// QuitConfirmed is y to quitting while actions are in flight.
type QuitConfirmed struct{}
