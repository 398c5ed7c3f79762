// Package client speaks the Auvious snapshot API (rtc-api-snapshots.txt) and the
// platform endpoints around it (platform.md): snapshots, user endpoints,
// interactions, OAuth2 and the server-sent event stream. It never imports
// bubbletea; the dashboard wraps its calls in tea.Cmds.
package client

import (
	"encoding/json"
	"fmt"
	"time"
)

// SessionType is the kind of session a snapshot or camera request belongs to.
type SessionType string

// The session types the API accepts.
const (
	SessionUnknown    SessionType = "UNKNOWN"
	SessionCall       SessionType = "CALL"
	SessionConference SessionType = "CONFERENCE"
)

// Valid reports whether s is a session type the API knows. The empty value is
// valid because the field is optional.
func (s SessionType) Valid() bool {
	switch s {
	case "", SessionUnknown, SessionCall, SessionConference:
		return true
	}
	return false
}

// CameraRequestType is a command sent to a customer's camera.
type CameraRequestType string

// The camera commands the API accepts.
const (
	CameraSwitch   CameraRequestType = "CAMERA_SWITCH"
	CameraFlashOn  CameraRequestType = "FLASH_ON"
	CameraFlashOff CameraRequestType = "FLASH_OFF"
)

// Valid reports whether c is one of the documented camera commands.
func (c CameraRequestType) Valid() bool {
	switch c {
	case CameraSwitch, CameraFlashOn, CameraFlashOff:
		return true
	}
	return false
}

// SnapshotState is the review state of a stored snapshot.
type SnapshotState string

// The states the API reports. StateRequested is not an API state: the
// dashboard uses it for requests whose picture has not arrived yet.
const (
	StateUploaded  SnapshotState = "UPLOADED"
	StateApproved  SnapshotState = "APPROVED"
	StateDiscarded SnapshotState = "DISCARDED"
	StateRequested SnapshotState = "REQUESTED"
)

// Valid reports whether s is a state the API itself reports.
func (s SnapshotState) Valid() bool {
	switch s {
	case StateUploaded, StateApproved, StateDiscarded:
		return true
	}
	return false
}

// SnapshotRequestResult is the answer to a snapshot request.
type SnapshotRequestResult struct {
	SnapshotID string `json:"snapshotId,omitempty"`

	// Raw is the object as the server sent it (see Snapshot.Raw).
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the result and keeps its bytes in Raw.
func (r *SnapshotRequestResult) UnmarshalJSON(b []byte) error {
	type plain SnapshotRequestResult // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = SnapshotRequestResult(p)
	r.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// SnapshotUploadResult is the answer to an upload (documented as a 204 with
// this body; servers send either).
type SnapshotUploadResult struct {
	SnapshotID string `json:"snapshotId,omitempty"`
}

// SnapshotApprovalProcessingResult records the outcome of an approval.
type SnapshotApprovalProcessingResult struct {
	Succeeded             *bool  `json:"succeeded,omitempty"`
	AdditionalInformation string `json:"additionalInformation,omitempty"`
}

// Snapshot is one stored picture, field for field as the API's Snapshot schema.
type Snapshot struct {
	ID                       string                            `json:"id,omitempty"`
	RelatedSnapshotID        string                            `json:"relatedSnapshotId,omitempty"`
	OrganizationID           string                            `json:"organizationId,omitempty"`
	ApplicationID            string                            `json:"applicationId,omitempty"`
	RequesterUserID          string                            `json:"requesterUserId,omitempty"`
	RequesterUserEndpointID  string                            `json:"requesterUserEndpointId,omitempty"`
	UserID                   string                            `json:"userId,omitempty"`
	UserEndpointID           string                            `json:"userEndpointId,omitempty"`
	SessionType              SessionType                       `json:"sessionType,omitempty"`
	SessionID                string                            `json:"sessionId,omitempty"`
	Timestamp                *time.Time                        `json:"timestamp,omitempty"`
	InteractionID            string                            `json:"interactionId,omitempty"`
	Type                     string                            `json:"type,omitempty"`
	Path                     string                            `json:"path,omitempty"`
	State                    SnapshotState                     `json:"state,omitempty"`
	RequestProcessingResult  *SnapshotRequestResult            `json:"requestProcessingResult,omitempty"`
	ApprovalProcessingResult *SnapshotApprovalProcessingResult `json:"approvalProcessingResult,omitempty"`
	Suffix                   string                            `json:"suffix,omitempty"`
	MimeType                 string                            `json:"mimeType,omitempty"`
	CreatedAt                *time.Time                        `json:"createdAt,omitempty"`
	Version                  int64                             `json:"version,omitempty"`
	Approved                 *bool                             `json:"approved,omitempty"`

	// Raw is the object as the server sent it, every member and byte kept
	// (set when the snapshot was decoded from a response), for output that
	// must be the API's own JSON.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the snapshot and keeps its bytes in Raw.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	type plain Snapshot // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*s = Snapshot(p)
	s.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// When returns the best known time of the snapshot: createdAt, else timestamp.
func (s Snapshot) When() time.Time {
	if s.CreatedAt != nil {
		return *s.CreatedAt
	}
	if s.Timestamp != nil {
		return *s.Timestamp
	}
	return time.Time{}
}

// SignedURL is a time-limited address of a snapshot's bytes.
type SignedURL struct {
	URL        string     `json:"url,omitempty"`
	ValidUntil *time.Time `json:"validUntil,omitempty"`

	// Raw is the object as the server sent it (see Snapshot.Raw).
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the signed URL and keeps its bytes in Raw.
func (u *SignedURL) UnmarshalJSON(b []byte) error {
	type plain SignedURL // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*u = SignedURL(p)
	u.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// CreateSignedURLCommand is the body of POST /snapshots/signedUrl.
type CreateSignedURLCommand struct {
	SnapshotID              string `json:"snapshotId"`
	CreateInternalSignedURL *bool  `json:"createInternalSignedUrl,omitempty"`
}

// SnapshotRequestCommand is the body of POST /snapshots/request.
type SnapshotRequestCommand struct {
	ApplicationID        string      `json:"applicationId"`
	UserEndpointID       string      `json:"userEndpointId"`
	TargetUserID         string      `json:"targetUserId"`
	TargetUserEndpointID string      `json:"targetUserEndpointId"`
	SessionType          SessionType `json:"sessionType,omitempty"`
	SessionID            string      `json:"sessionId,omitempty"`
	InteractionID        string      `json:"interactionId,omitempty"`
	SnapshotType         string      `json:"snapshotType,omitempty"`
}

// SnapshotDiscardCommand is the body of POST /snapshots/discard.
type SnapshotDiscardCommand struct {
	SnapshotID     string `json:"snapshotId"`
	UserEndpointID string `json:"userEndpointId"`
}

// SnapshotApproveCommand is the body of POST /snapshots/approve.
type SnapshotApproveCommand struct {
	SnapshotID     string `json:"snapshotId"`
	UserEndpointID string `json:"userEndpointId"`
	SnapshotType   string `json:"snapshotType,omitempty"`
}

// CameraRequestCommand is the body of POST /snapshots/cameraRequest.
type CameraRequestCommand struct {
	UserEndpointID       string            `json:"userEndpointId"`
	TargetUserID         string            `json:"targetUserId"`
	TargetUserEndpointID string            `json:"targetUserEndpointId"`
	SessionType          SessionType       `json:"sessionType,omitempty"`
	SessionID            string            `json:"sessionId,omitempty"`
	CameraRequestType    CameraRequestType `json:"cameraRequestType"`
}

// CameraRequestRespondCommand is the body of POST /snapshots/cameraRequestRespond.
// Succeeded is a pointer because the field is required and false is a real answer.
type CameraRequestRespondCommand struct {
	SnapshotCameraRequestID string `json:"snapshotCameraRequestId"`
	UserEndpointID          string `json:"userEndpointId"`
	Succeeded               *bool  `json:"succeeded"`
	AdditionalInformation   string `json:"additionalInformation,omitempty"`
}

// UploadCommand holds the form fields of POST /snapshots/upload. The image
// itself is passed separately as a stream.
type UploadCommand struct {
	RelatedSnapshotID    string
	ApplicationID        string
	TargetUserID         string
	TargetUserEndpointID string
	InteractionID        string
	UserEndpointID       string
	SnapshotType         string
	SnapshotSuffix       string // derived from the detected MIME type when empty
	SnapshotMimeType     string // detected from the image bytes when empty
}

// AcquireCommand holds the form fields of POST /snapshots/acquire.
type AcquireCommand struct {
	SnapshotID       string
	UserEndpointID   string
	SnapshotType     string
	SnapshotSuffix   string // derived from the detected MIME type when empty
	SnapshotMimeType string // detected from the image bytes when empty
}

// RegisterEndpointCommand is the body of POST /users/endpoints.
type RegisterEndpointCommand struct {
	UserEndpointID   string `json:"userEndpointId,omitempty"`
	KeepAliveSeconds int    `json:"keepAliveSeconds"`
}

// KeepAliveCommand is the body of POST /users/endpoints/keepalive.
type KeepAliveCommand struct {
	UserEndpointID string `json:"userEndpointId"`
	UserID         string `json:"userId"`
}

// UnregisterCommand is the body of POST /users/endpoints/unregister.
type UnregisterCommand struct {
	UserEndpointID string `json:"userEndpointId"`
	Reason         string `json:"reason"`
}

// Interaction is one customer interaction (a call or a conference).
type Interaction struct {
	ID             string          `json:"id"`
	OrganizationID string          `json:"organizationId,omitempty"`
	CreatedBy      string          `json:"createdBy,omitempty"`
	CreatedAt      *time.Time      `json:"createdAt,omitempty"`
	Type           string          `json:"type,omitempty"`
	Data           json.RawMessage `json:"data,omitempty"`
	Version        int64           `json:"version,omitempty"`

	// Raw is the object as the server sent it (see Snapshot.Raw).
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the interaction and keeps its bytes in Raw.
func (in *Interaction) UnmarshalJSON(b []byte) error {
	type plain Interaction // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*in = Interaction(p)
	in.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// InteractionPage is one page of GET /interactions.
type InteractionPage struct {
	Content       []Interaction `json:"content"`
	TotalElements int64         `json:"totalElements"`
	TotalPages    int           `json:"totalPages"`
	Number        int           `json:"number"`
	Size          int           `json:"size"`
}

// TokenResponse is the OAuth2 token endpoint's answer.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type,omitempty"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	JTI          string `json:"jti,omitempty"`
	Organization string `json:"organization,omitempty"`
	Sub          string `json:"sub,omitempty"`
}

// Event type names as they appear in the stream's `event:` field and the
// JSON `type` field.
const (
	EventSnapshotRequested              = "SnapshotRequestedEvent"
	EventSnapshotAcquired               = "SnapshotAcquiredEvent"
	EventSnapshotApproved               = "SnapshotApprovedEvent"
	EventSnapshotDiscarded              = "SnapshotDiscardedEvent"
	EventSnapshotCameraRequested        = "SnapshotCameraRequestedEvent"
	EventSnapshotCameraRequestProcessed = "SnapshotCameraRequestProcessedEvent"
	EventResyncRequired                 = "ResyncRequiredEvent"
)

// Event is one platform event. Common fields are always present; the others
// depend on Type. Raw keeps the original JSON so unknown types can be shown as
// they came.
type Event struct {
	// Seq is the stream's sequence number (the SSE id), 0 when unknown.
	Seq            uint64    `json:"-"`
	Type           string    `json:"type"`
	ID             string    `json:"id,omitempty"`
	UserID         string    `json:"userId,omitempty"`
	UserEndpointID string    `json:"userEndpointId,omitempty"`
	Timestamp      time.Time `json:"timestamp"`
	InteractionID  string    `json:"interactionId,omitempty"`

	SnapshotID           string `json:"snapshotId,omitempty"`
	SnapshotType         string `json:"snapshotType,omitempty"`
	SnapshotLocation     string `json:"snapshotLocation,omitempty"`
	RelatedSnapshotID    string `json:"relatedSnapshotId,omitempty"`
	TargetUserID         string `json:"targetUserId,omitempty"`
	TargetUserEndpointID string `json:"targetUserEndpointId,omitempty"`

	SnapshotCameraRequestID string            `json:"snapshotCameraRequestId,omitempty"`
	CameraRequestType       CameraRequestType `json:"cameraRequestType,omitempty"`
	Succeeded               *bool             `json:"succeeded,omitempty"`
	AdditionalInformation   string            `json:"additionalInformation,omitempty"`

	Raw json.RawMessage `json:"-"`

	// TimeUnread says the event's timestamp was missing or in no form
	// ParseEventTime reads; TimeError says why. The stream then sets
	// Timestamp to when the event arrived, so the event is kept, and
	// flagged.
	TimeUnread bool   `json:"-"`
	TimeError  string `json:"-"`
	// History says the event happened before the stream started: the
	// server replayed it to the first connection (Replay, LastEventID) or
	// a kept MQTT session held it. The stream decides it from what the
	// connection itself says (the server's Date on the connection, sequence
	// order, the MQTT session), never from this machine's clock.
	History bool `json:"-"`
}

// DecodeEvent parses one event's JSON data. typ, when not empty, is the SSE
// `event:` name and wins over a missing `type` field.
//
// The timestamp is read leniently (see ParseEventTime); one that is missing
// or unreadable is no error: the event is flagged TimeUnread instead.
func DecodeEvent(typ string, data []byte) (Event, error) {
	type plain Event
	var p struct {
		plain
		Timestamp json.RawMessage `json:"timestamp"` // shadows plain's
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return Event{}, fmt.Errorf("decode event: %w", err)
	}
	ev := Event(p.plain)
	if at, err := ParseEventTime(p.Timestamp); err != nil {
		ev.TimeUnread, ev.TimeError = true, err.Error()
	} else {
		ev.Timestamp = at
	}
	if ev.Type == "" {
		ev.Type = typ
	}
	if ev.Type == "" {
		return Event{}, fmt.Errorf("decode event: no type")
	}
	ev.Raw = append(json.RawMessage(nil), data...)
	return ev, nil
}

// BoolPtr returns a pointer to b, for optional and required-false fields.
func BoolPtr(b bool) *bool { return &b }
