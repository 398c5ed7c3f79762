package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/snapdash/snapdash/client"
)

// checkSessionType validates the optional sessionType enum.
func checkSessionType(fe fieldErrors, t client.SessionType) {
	if !t.Valid() {
		fe.add("sessionType", fmt.Sprintf("unknown value %q (one of UNKNOWN, CALL, CONFERENCE)", string(t)))
	}
}

// checkEndpoint records an error when a non-empty endpoint id is not a live
// registered endpoint. Callers hold s.mu.
func (s *Server) checkEndpoint(fe fieldErrors, field, id string) {
	if id == "" {
		return
	}
	if _, ok := s.liveEndpoint(id); !ok {
		fe.add(field, "unknown user endpoint")
	}
}

// checkTarget validates a target user and endpoint pair. Callers hold s.mu.
func (s *Server) checkTarget(fe fieldErrors, userID, endpointID string) {
	if endpointID == "" {
		return
	}
	ep, ok := s.liveEndpoint(endpointID)
	if !ok {
		fe.add("targetUserEndpointId", "unknown user endpoint")
		return
	}
	if userID != "" && ep.UserID != userID {
		fe.add("targetUserId", "does not own targetUserEndpointId")
	}
}

// lookupAcquired returns the snapshot a review command names, recording
// errors for unknown or pending ones. Callers hold s.mu.
func (s *Server) lookupAcquired(fe fieldErrors, id string) *snapRec {
	if id == "" {
		return nil
	}
	rec, ok := s.st.Snapshots[id]
	if !ok {
		fe.add("snapshotId", "unknown snapshot")
		return nil
	}
	if rec.Pending {
		fe.add("state", "snapshot has not been acquired yet")
		return nil
	}
	return rec
}

// handleRequest serves POST /rtc-api/snapshots/request.
func (s *Server) handleRequest(w http.ResponseWriter, r *http.Request, id identity) {
	var cmd client.SnapshotRequestCommand
	if !decodeJSON(w, r, &cmd) {
		return
	}
	snapID, fe := s.request(id.UserID, cmd)
	if fe.fail(w) {
		return
	}
	s.persist()
	writeJSON(w, http.StatusOK, client.SnapshotRequestResult{SnapshotID: snapID})
}

// request creates a pending snapshot and emits SnapshotRequestedEvent.
func (s *Server) request(userID string, cmd client.SnapshotRequestCommand) (string, fieldErrors) {
	fe := fieldErrors{}
	fe.required("applicationId", cmd.ApplicationID, "userEndpointId", cmd.UserEndpointID,
		"targetUserId", cmd.TargetUserID, "targetUserEndpointId", cmd.TargetUserEndpointID)
	checkSessionType(fe, cmd.SessionType)
	fe.text("snapshotType", cmd.SnapshotType, 64)
	fe.text("sessionId", cmd.SessionID, 256)
	fe.text("applicationId", cmd.ApplicationID, 256)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkEndpoint(fe, "userEndpointId", cmd.UserEndpointID)
	s.checkTarget(fe, cmd.TargetUserID, cmd.TargetUserEndpointID)
	if cmd.InteractionID != "" {
		if _, ok := s.st.Interactions[cmd.InteractionID]; !ok {
			fe.add("interactionId", "unknown interaction")
		}
	}
	if len(fe) > 0 {
		return "", fe
	}
	now := s.nowUTC()
	snapID := s.newID()
	s.st.Snapshots[snapID] = &snapRec{Pending: true, Snapshot: client.Snapshot{
		ID:                      snapID,
		OrganizationID:          OrganizationID,
		ApplicationID:           cmd.ApplicationID,
		RequesterUserID:         userID,
		RequesterUserEndpointID: cmd.UserEndpointID,
		UserID:                  cmd.TargetUserID,
		UserEndpointID:          cmd.TargetUserEndpointID,
		SessionType:             cmd.SessionType,
		SessionID:               cmd.SessionID,
		InteractionID:           cmd.InteractionID,
		Type:                    cmd.SnapshotType,
		CreatedAt:               timePtr(now),
		RequestProcessingResult: &client.SnapshotRequestResult{SnapshotID: snapID},
	}}
	s.publishLocked(client.Event{
		Type: client.EventSnapshotRequested, UserID: userID, UserEndpointID: cmd.UserEndpointID,
		InteractionID: cmd.InteractionID, SnapshotID: snapID, SnapshotType: cmd.SnapshotType,
		TargetUserID: cmd.TargetUserID, TargetUserEndpointID: cmd.TargetUserEndpointID,
	})
	return snapID, nil
}

// handleApprove serves POST /rtc-api/snapshots/approve.
func (s *Server) handleApprove(w http.ResponseWriter, r *http.Request, id identity) {
	var cmd client.SnapshotApproveCommand
	if !decodeJSON(w, r, &cmd) {
		return
	}
	fe := fieldErrors{}
	fe.required("snapshotId", cmd.SnapshotID, "userEndpointId", cmd.UserEndpointID)
	fe.text("snapshotType", cmd.SnapshotType, 64)
	s.mu.Lock()
	rec := s.lookupReviewable(fe, cmd.UserEndpointID, cmd.SnapshotID)
	if len(fe) > 0 {
		s.mu.Unlock()
		fe.fail(w)
		return
	}
	snap := &rec.Snapshot
	snap.State = client.StateApproved
	snap.Approved = client.BoolPtr(true)
	snap.ApprovalProcessingResult = &client.SnapshotApprovalProcessingResult{Succeeded: client.BoolPtr(true)}
	if cmd.SnapshotType != "" {
		snap.Type = cmd.SnapshotType
	}
	snap.Version++
	s.publishLocked(client.Event{
		Type: client.EventSnapshotApproved, UserID: id.UserID, UserEndpointID: cmd.UserEndpointID,
		InteractionID: snap.InteractionID, SnapshotID: snap.ID, SnapshotType: snap.Type,
		SnapshotLocation: snap.Path,
	})
	s.mu.Unlock()
	s.persist()
	w.WriteHeader(http.StatusNoContent)
}

// lookupReviewable checks the reviewer's endpoint and finds a snapshot
// that may still be approved or discarded: acquired and not yet reviewed.
// Problems go into fe. The caller holds s.mu.
func (s *Server) lookupReviewable(fe fieldErrors, endpointID, snapshotID string) *snapRec {
	s.checkEndpoint(fe, "userEndpointId", endpointID)
	rec := s.lookupAcquired(fe, snapshotID)
	if rec != nil && rec.Snapshot.State != client.StateUploaded {
		fe.add("state", "snapshot is "+string(rec.Snapshot.State))
	}
	return rec
}

// handleDiscard serves POST /rtc-api/snapshots/discard.
func (s *Server) handleDiscard(w http.ResponseWriter, r *http.Request, id identity) {
	var cmd client.SnapshotDiscardCommand
	if !decodeJSON(w, r, &cmd) {
		return
	}
	fe := fieldErrors{}
	fe.required("snapshotId", cmd.SnapshotID, "userEndpointId", cmd.UserEndpointID)
	s.mu.Lock()
	rec := s.lookupReviewable(fe, cmd.UserEndpointID, cmd.SnapshotID)
	if len(fe) > 0 {
		s.mu.Unlock()
		fe.fail(w)
		return
	}
	snap := &rec.Snapshot
	snap.State = client.StateDiscarded
	snap.Approved = client.BoolPtr(false)
	snap.Version++
	s.publishLocked(client.Event{
		Type: client.EventSnapshotDiscarded, UserID: id.UserID, UserEndpointID: cmd.UserEndpointID,
		InteractionID: snap.InteractionID, SnapshotID: snap.ID, SnapshotType: snap.Type,
	})
	s.mu.Unlock()
	s.persist()
	w.WriteHeader(http.StatusNoContent)
}

// handleCameraRequest serves POST /rtc-api/snapshots/cameraRequest; the
// answer is the request id as a bare JSON string.
func (s *Server) handleCameraRequest(w http.ResponseWriter, r *http.Request, id identity) {
	var cmd client.CameraRequestCommand
	if !decodeJSON(w, r, &cmd) {
		return
	}
	fe := fieldErrors{}
	fe.required("userEndpointId", cmd.UserEndpointID, "targetUserId", cmd.TargetUserID,
		"targetUserEndpointId", cmd.TargetUserEndpointID, "cameraRequestType", string(cmd.CameraRequestType))
	if cmd.CameraRequestType != "" && !cmd.CameraRequestType.Valid() {
		fe.add("cameraRequestType", fmt.Sprintf("unknown value %q (one of CAMERA_SWITCH, FLASH_ON, FLASH_OFF)", string(cmd.CameraRequestType)))
	}
	checkSessionType(fe, cmd.SessionType)
	fe.text("sessionId", cmd.SessionID, 256)
	s.mu.Lock()
	s.checkEndpoint(fe, "userEndpointId", cmd.UserEndpointID)
	s.checkTarget(fe, cmd.TargetUserID, cmd.TargetUserEndpointID)
	if len(fe) > 0 {
		s.mu.Unlock()
		fe.fail(w)
		return
	}
	cr := &cameraRequest{
		ID: s.newID(), RequesterUserID: id.UserID, UserEndpointID: cmd.UserEndpointID,
		TargetUserID: cmd.TargetUserID, TargetUserEndpointID: cmd.TargetUserEndpointID,
		SessionType: cmd.SessionType, SessionID: cmd.SessionID, Type: cmd.CameraRequestType,
		InteractionID: s.interactionOfEndpoint(cmd.TargetUserEndpointID), CreatedAt: s.nowUTC(),
	}
	s.st.CameraRequests[cr.ID] = cr
	s.publishLocked(client.Event{
		Type: client.EventSnapshotCameraRequested, UserID: id.UserID, UserEndpointID: cmd.UserEndpointID,
		InteractionID: cr.InteractionID, SnapshotCameraRequestID: cr.ID, CameraRequestType: cr.Type,
		TargetUserID: cr.TargetUserID, TargetUserEndpointID: cr.TargetUserEndpointID,
	})
	s.mu.Unlock()
	s.persist()
	writeJSON(w, http.StatusOK, cr.ID)
}

// handleCameraRespond serves POST /rtc-api/snapshots/cameraRequestRespond.
func (s *Server) handleCameraRespond(w http.ResponseWriter, r *http.Request, id identity) {
	var cmd client.CameraRequestRespondCommand
	if !decodeJSON(w, r, &cmd) {
		return
	}
	if fe := s.cameraRespond(id.UserID, cmd); fe.fail(w) {
		return
	}
	s.persist()
	w.WriteHeader(http.StatusNoContent)
}

// cameraRespond records a device's answer and emits
// SnapshotCameraRequestProcessedEvent.
func (s *Server) cameraRespond(userID string, cmd client.CameraRequestRespondCommand) fieldErrors {
	fe := fieldErrors{}
	fe.required("snapshotCameraRequestId", cmd.SnapshotCameraRequestID, "userEndpointId", cmd.UserEndpointID)
	if cmd.Succeeded == nil {
		fe.add("succeeded", "required")
	}
	fe.text("additionalInformation", cmd.AdditionalInformation, 1024)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkEndpoint(fe, "userEndpointId", cmd.UserEndpointID)
	var cr *cameraRequest
	if cmd.SnapshotCameraRequestID != "" {
		var ok bool
		if cr, ok = s.st.CameraRequests[cmd.SnapshotCameraRequestID]; !ok {
			fe.add("snapshotCameraRequestId", "unknown camera request")
		} else if cr.Processed {
			fe.add("state", "camera request already processed")
		} else if cmd.UserEndpointID != "" && cmd.UserEndpointID != cr.TargetUserEndpointID {
			fe.add("userEndpointId", "camera request was not sent to this endpoint")
		}
	}
	if len(fe) > 0 {
		return fe
	}
	cr.Processed, cr.Succeeded, cr.AdditionalInfo = true, *cmd.Succeeded, cmd.AdditionalInformation
	s.publishLocked(client.Event{
		Type: client.EventSnapshotCameraRequestProcessed, UserID: userID, UserEndpointID: cmd.UserEndpointID,
		InteractionID: cr.InteractionID, SnapshotCameraRequestID: cr.ID, CameraRequestType: cr.Type,
		Succeeded: client.BoolPtr(cr.Succeeded), AdditionalInformation: cr.AdditionalInfo,
		TargetUserID: cr.TargetUserID, TargetUserEndpointID: cr.TargetUserEndpointID,
	})
	return nil
}

// handleList serves GET /rtc-api/snapshots?interactionId=: the acquired
// snapshots of one interaction, oldest first.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, _ identity) {
	iid := r.URL.Query().Get("interactionId")
	if strings.TrimSpace(iid) == "" {
		writeFields(w, http.StatusBadRequest, map[string]string{"interactionId": "required"})
		return
	}
	// An interaction the server does not know simply has no snapshots.
	s.mu.RLock()
	out := make([]client.Snapshot, 0, 8)
	for _, rec := range s.st.Snapshots {
		if !rec.Pending && rec.Snapshot.InteractionID == iid {
			out = append(out, rec.Snapshot)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		ti, tj := out[i].When(), out[j].When()
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return out[i].ID < out[j].ID
	})
	wire := make([]wireSnapshot, len(out))
	for i, sn := range out {
		wire[i] = toWire(sn)
	}
	writeJSON(w, http.StatusOK, wire)
}

// handleGet serves GET /rtc-api/snapshots/{snapshotId}.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request, _ identity) {
	sid := r.PathValue("snapshotId")
	s.mu.RLock()
	rec, ok := s.st.Snapshots[sid]
	var snap client.Snapshot
	pending := false
	if ok {
		snap, pending = rec.Snapshot, rec.Pending
	}
	s.mu.RUnlock()
	switch {
	case !ok:
		writeFields(w, http.StatusBadRequest, map[string]string{"snapshotId": "unknown snapshot"})
	case pending:
		writeFields(w, http.StatusBadRequest, map[string]string{"snapshotId": "snapshot has not been acquired yet"})
	default:
		writeJSON(w, http.StatusOK, toWire(snap))
	}
}
