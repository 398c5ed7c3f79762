package sim

import "github.com/snapdash/snapdash/client"

// Requested returns the pending requests of an interaction (the API does
// not list them), for tests that count what a client asked of a phone.
func (s *Server) Requested(interactionID string) []client.Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []client.Snapshot
	for _, rec := range s.st.Snapshots {
		if rec.Pending && rec.Snapshot.InteractionID == interactionID {
			snap := rec.Snapshot
			snap.State = client.StateRequested
			out = append(out, snap)
		}
	}
	return out
}
