package sim

import (
	"encoding/json"
	"time"

	"github.com/snapdash/snapdash/client"
)

// wireTime is an instant as the vendor's Java server writes it: UTC with
// milliseconds always present ("…33.100Z"), which Go's encoder would
// shorten to "…33.1Z".
type wireTime time.Time

// MarshalJSON implements json.Marshaler.
func (t wireTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

func wireTimePtr(t *time.Time) *wireTime {
	if t == nil {
		return nil
	}
	w := wireTime(*t)
	return &w
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// wireApproval is SnapshotApprovalProcessingResult with both members always
// present.
type wireApproval struct {
	Succeeded             *bool  `json:"succeeded"`
	AdditionalInformation string `json:"additionalInformation"`
}

// wireSnapshot is a Snapshot as the vendor's server serializes it: every
// member of the schema present, absent values as null, version 0 written
// out, and a member the schema does not list (as vendors add them).
type wireSnapshot struct {
	ID                       string                        `json:"id"`
	RelatedSnapshotID        *string                       `json:"relatedSnapshotId"`
	OrganizationID           string                        `json:"organizationId"`
	ApplicationID            *string                       `json:"applicationId"`
	RequesterUserID          *string                       `json:"requesterUserId"`
	RequesterUserEndpointID  *string                       `json:"requesterUserEndpointId"`
	UserID                   *string                       `json:"userId"`
	UserEndpointID           *string                       `json:"userEndpointId"`
	SessionType              *string                       `json:"sessionType"`
	SessionID                *string                       `json:"sessionId"`
	Timestamp                *wireTime                     `json:"timestamp"`
	InteractionID            string                        `json:"interactionId"`
	Type                     *string                       `json:"type"`
	Path                     *string                       `json:"path"`
	State                    string                        `json:"state"`
	RequestProcessingResult  *client.SnapshotRequestResult `json:"requestProcessingResult"`
	ApprovalProcessingResult *wireApproval                 `json:"approvalProcessingResult"`
	Suffix                   *string                       `json:"suffix"`
	MimeType                 *string                       `json:"mimeType"`
	CreatedAt                *wireTime                     `json:"createdAt"`
	Version                  int64                         `json:"version"`
	Approved                 *bool                         `json:"approved"`
	// StorageClass is not in the published schema: it stands for the
	// members a vendor adds, which clients must pass through.
	StorageClass string `json:"storageClass"`
}

// toWire converts a stored snapshot to its wire form.
func toWire(s client.Snapshot) wireSnapshot {
	w := wireSnapshot{
		ID: s.ID, RelatedSnapshotID: nullable(s.RelatedSnapshotID), OrganizationID: s.OrganizationID,
		ApplicationID: nullable(s.ApplicationID), RequesterUserID: nullable(s.RequesterUserID),
		RequesterUserEndpointID: nullable(s.RequesterUserEndpointID), UserID: nullable(s.UserID),
		UserEndpointID: nullable(s.UserEndpointID), SessionType: nullable(string(s.SessionType)),
		SessionID: nullable(s.SessionID), Timestamp: wireTimePtr(s.Timestamp), InteractionID: s.InteractionID,
		Type: nullable(s.Type), Path: nullable(s.Path), State: string(s.State),
		RequestProcessingResult: s.RequestProcessingResult,
		Suffix:                  nullable(s.Suffix), MimeType: nullable(s.MimeType), CreatedAt: wireTimePtr(s.CreatedAt),
		Version: s.Version, Approved: s.Approved, StorageClass: "STANDARD",
	}
	if a := s.ApprovalProcessingResult; a != nil {
		w.ApprovalProcessingResult = &wireApproval{Succeeded: a.Succeeded, AdditionalInformation: a.AdditionalInformation}
	} else {
		// Nobody reviewed it yet: the vendor writes the default result.
		w.ApprovalProcessingResult = &wireApproval{Succeeded: client.BoolPtr(false)}
	}
	return w
}

// SnapshotJSON returns a stored snapshot exactly as GET /snapshots/{id}
// serves it, for tests that compare a client's output with the server's
// object.
func (s *Server) SnapshotJSON(id string) ([]byte, bool) {
	s.mu.RLock()
	rec, ok := s.st.Snapshots[id]
	var snap client.Snapshot
	if ok {
		ok, snap = !rec.Pending, rec.Snapshot
	}
	s.mu.RUnlock()
	if !ok {
		return nil, false
	}
	b, err := json.Marshal(toWire(snap))
	return b, err == nil
}
