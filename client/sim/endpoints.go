package sim

import (
	"net/http"
	"strconv"
	"time"

	"github.com/snapdash/snapdash/client"
)

// Interaction paging limits.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// handleRegister serves POST /rtc-api/users/endpoints; the answer is the
// endpoint id as a bare JSON string. Re-registering one's own id refreshes it.
// keepAliveSeconds is required; 0 means 60.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request, id identity) {
	// keepAliveSeconds is required: a pointer tells a missing field from 0.
	var cmd struct {
		UserEndpointID   string `json:"userEndpointId"`
		KeepAliveSeconds *int   `json:"keepAliveSeconds"`
	}
	if !decodeJSON(w, r, &cmd) {
		return
	}
	fe := fieldErrors{}
	keep := 0
	switch {
	case cmd.KeepAliveSeconds == nil:
		fe.add("keepAliveSeconds", "required")
	case *cmd.KeepAliveSeconds < 0 || *cmd.KeepAliveSeconds > 3600:
		fe.add("keepAliveSeconds", "must be between 0 and 3600")
	default:
		keep = *cmd.KeepAliveSeconds
	}
	fe.text("userEndpointId", cmd.UserEndpointID, 128)
	s.mu.Lock()
	for key := range s.st.Endpoints {
		if _, live := s.liveEndpoint(key); !live {
			delete(s.st.Endpoints, key) // prune expired registrations
		}
	}
	if cmd.UserEndpointID != "" {
		if ep, ok := s.st.Endpoints[cmd.UserEndpointID]; ok && ep.UserID != id.UserID {
			fe.add("userEndpointId", "registered by another user")
		}
	}
	if len(fe) > 0 {
		s.mu.Unlock()
		fe.fail(w)
		return
	}
	epID := cmd.UserEndpointID
	if epID == "" {
		epID = s.newID()
	}
	if keep == 0 {
		keep = 60
	}
	s.st.Endpoints[epID] = &endpoint{ID: epID, UserID: id.UserID, KeepAliveSeconds: keep, LastSeen: s.now()}
	s.mu.Unlock()
	s.persist()
	writeJSON(w, http.StatusOK, epID)
}

// handleKeepAlive serves POST /rtc-api/users/endpoints/keepalive.
func (s *Server) handleKeepAlive(w http.ResponseWriter, r *http.Request, id identity) {
	var cmd client.KeepAliveCommand
	if !decodeJSON(w, r, &cmd) {
		return
	}
	fe := fieldErrors{}
	fe.required("userEndpointId", cmd.UserEndpointID, "userId", cmd.UserID)
	s.mu.Lock()
	var ep *endpoint
	if cmd.UserEndpointID != "" {
		var ok bool
		if ep, ok = s.liveEndpoint(cmd.UserEndpointID); !ok {
			fe.add("userEndpointId", "unknown user endpoint")
		} else if cmd.UserID != "" && (cmd.UserID != ep.UserID || cmd.UserID != id.UserID) {
			fe.add("userId", "does not own userEndpointId")
		}
	}
	if len(fe) > 0 {
		s.mu.Unlock()
		fe.fail(w)
		return
	}
	ep.LastSeen = s.now()
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// handleUnregister serves POST /rtc-api/users/endpoints/unregister.
func (s *Server) handleUnregister(w http.ResponseWriter, r *http.Request, id identity) {
	var cmd client.UnregisterCommand
	if !decodeJSON(w, r, &cmd) {
		return
	}
	fe := fieldErrors{}
	fe.required("userEndpointId", cmd.UserEndpointID, "reason", cmd.Reason)
	fe.text("reason", cmd.Reason, 1024)
	s.mu.Lock()
	if cmd.UserEndpointID != "" {
		if ep, ok := s.st.Endpoints[cmd.UserEndpointID]; !ok {
			fe.add("userEndpointId", "unknown user endpoint")
		} else if ep.UserID != id.UserID {
			fe.add("userEndpointId", "registered by another user")
		}
	}
	if len(fe) > 0 {
		s.mu.Unlock()
		fe.fail(w)
		return
	}
	delete(s.st.Endpoints, cmd.UserEndpointID)
	s.mu.Unlock()
	s.persist()
	w.WriteHeader(http.StatusNoContent)
}

// parseInstant reads an ISO-8601 instant.
func parseInstant(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// handleInteractions serves GET /rtc-api/interactions?start=&end=&page=&size=:
// interactions created in [start, end), newest first, as a page.
func (s *Server) handleInteractions(w http.ResponseWriter, r *http.Request, _ identity) {
	q := r.URL.Query()
	fe := fieldErrors{}
	fe.required("start", q.Get("start"), "end", q.Get("end"))
	start, okS := parseInstant(q.Get("start"))
	end, okE := parseInstant(q.Get("end"))
	if q.Get("start") != "" && !okS {
		fe.add("start", "not an ISO-8601 instant")
	}
	if q.Get("end") != "" && !okE {
		fe.add("end", "not an ISO-8601 instant")
	}
	if okS && okE && end.Before(start) {
		fe.add("end", "before start")
	}
	page, size := 0, defaultPageSize
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fe.add("page", "must be a non-negative integer")
		}
		page = n
	}
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fe.add("size", "must be a positive integer")
		}
		size = min(n, maxPageSize)
	}
	if fe.fail(w) {
		return
	}
	s.mu.RLock()
	all := s.sortedInteractions()
	s.mu.RUnlock()
	matched := all[:0]
	for _, in := range all {
		t := timeOf(in.CreatedAt)
		if !t.Before(start) && t.Before(end) {
			matched = append(matched, in)
		}
	}
	p := client.InteractionPage{
		Content:       []client.Interaction{},
		TotalElements: int64(len(matched)),
		TotalPages:    (len(matched) + size - 1) / size,
		Number:        page,
		Size:          size,
	}
	if from := page * size; from < len(matched) {
		p.Content = matched[from:min(from+size, len(matched))]
	}
	writeJSON(w, http.StatusOK, p)
}

// handleInteraction serves GET /rtc-api/interactions/{interactionId}.
func (s *Server) handleInteraction(w http.ResponseWriter, r *http.Request, _ identity) {
	iid := r.PathValue("interactionId")
	s.mu.RLock()
	in, ok := s.st.Interactions[iid]
	var out client.Interaction
	if ok {
		out = *in
	}
	s.mu.RUnlock()
	if !ok {
		writeFields(w, http.StatusBadRequest, map[string]string{"interactionId": "unknown interaction"})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// AddInteraction stores an interaction (for tests and tools); an empty ID
// gets a generated one, which is returned.
func (s *Server) AddInteraction(in client.Interaction) string {
	s.mu.Lock()
	if in.ID == "" {
		in.ID = s.newID()
	}
	if in.OrganizationID == "" {
		in.OrganizationID = OrganizationID
	}
	if in.CreatedAt == nil {
		in.CreatedAt = timePtr(s.nowUTC())
	}
	s.st.Interactions[in.ID] = &in
	s.mu.Unlock()
	s.persist()
	return in.ID
}

// AddOrganization adds n interactions of a large organization, each with
// perInteraction pictures awaiting review, for scale tests and benchmarks.
// The interactions were created in the last hour; the pictures have no
// bytes of their own until asked for (they are drawn then). It returns the
// interaction ids.
func (s *Server) AddOrganization(n, perInteraction int) []string {
	ids := make([]string, 0, n)
	s.mu.Lock()
	now := s.nowUTC()
	for i := range n {
		iid := s.newID()
		cust, ep := "customer-"+iid[:8], "device-"+iid[:8]
		created := now.Add(-time.Duration(i%3600) * time.Second)
		s.st.Interactions[iid] = &client.Interaction{ID: iid, OrganizationID: OrganizationID, CreatedBy: AgentUserID,
			CreatedAt: timePtr(created), Type: "CALL",
			Data: mustJSON(interactionData{CustomerName: "Customer " + strconv.Itoa(i+1), CustomerUserID: cust, CustomerUserEndpointID: ep})}
		for j := range perInteraction {
			sid := s.newID()
			at := created.Add(time.Duration(j+1) * time.Second)
			s.st.Snapshots[sid] = &snapRec{Snapshot: client.Snapshot{
				ID: sid, OrganizationID: OrganizationID, RequesterUserID: AgentUserID, UserID: cust, UserEndpointID: ep,
				InteractionID: iid, Type: "meter", State: client.StateUploaded, Suffix: "jpeg", MimeType: "image/jpeg",
				CreatedAt: timePtr(at), Timestamp: timePtr(at), Version: 1, Path: snapshotPath(iid, sid, "jpeg"),
			}, Picture: pictureKind("meter") + ":" + itoa(pictureSeed(s.opts.Seed, sid))}
		}
		ids = append(ids, iid)
	}
	s.mu.Unlock()
	s.persist()
	return ids
}
