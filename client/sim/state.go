package sim

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/snapdash/snapdash/client"
)

// state is everything that persists across a restart.
type state struct {
	Seq            uint64                         `json:"seq"`
	RNG            []byte                         `json:"rng,omitempty"`
	Snapshots      map[string]*snapRec            `json:"snapshots"`
	Interactions   map[string]*client.Interaction `json:"interactions"`
	Endpoints      map[string]*endpoint           `json:"endpoints"`
	CameraRequests map[string]*cameraRequest      `json:"cameraRequests"`
	Devices        []Device                       `json:"devices"`
}

func newState() *state {
	return &state{
		Snapshots:      map[string]*snapRec{},
		Interactions:   map[string]*client.Interaction{},
		Endpoints:      map[string]*endpoint{},
		CameraRequests: map[string]*cameraRequest{},
	}
}

// snapRec is one snapshot; Pending ones were requested and not acquired yet.
type snapRec struct {
	Snapshot client.Snapshot `json:"snapshot"`
	Pending  bool            `json:"pending,omitempty"`
	// Picture, when set, names a generated picture (kind:seed) that stands
	// for the bytes, so demo data needs no files.
	Picture string `json:"picture,omitempty"`
}

// endpoint is a registered user endpoint.
type endpoint struct {
	ID               string    `json:"id"`
	UserID           string    `json:"userId"`
	KeepAliveSeconds int       `json:"keepAliveSeconds"`
	LastSeen         time.Time `json:"lastSeen"`
	// Permanent endpoints (simulated devices) never expire.
	Permanent bool `json:"permanent,omitempty"`
}

// cameraRequest is one camera command and its answer.
type cameraRequest struct {
	ID                   string                   `json:"id"`
	RequesterUserID      string                   `json:"requesterUserId"`
	UserEndpointID       string                   `json:"userEndpointId"`
	TargetUserID         string                   `json:"targetUserId"`
	TargetUserEndpointID string                   `json:"targetUserEndpointId"`
	SessionType          client.SessionType       `json:"sessionType,omitempty"`
	SessionID            string                   `json:"sessionId,omitempty"`
	Type                 client.CameraRequestType `json:"cameraRequestType"`
	InteractionID        string                   `json:"interactionId,omitempty"`
	CreatedAt            time.Time                `json:"createdAt"`
	Processed            bool                     `json:"processed,omitempty"`
	Succeeded            bool                     `json:"succeeded,omitempty"`
	AdditionalInfo       string                   `json:"additionalInformation,omitempty"`
}

// Device is a simulated customer device: a user endpoint that answers the
// snapshot requests and camera commands addressed to it when
// Options.Customers is set.
type Device struct {
	UserID         string `json:"userId"`
	UserEndpointID string `json:"userEndpointId"`
	InteractionID  string `json:"interactionId"`
	CustomerName   string `json:"customerName"`
	HasFlash       bool   `json:"hasFlash"`
}

// Devices returns the simulated customer devices.
func (s *Server) Devices() []Device {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Device(nil), s.st.Devices...)
}

// newID returns a deterministic uuid-shaped id. Callers hold s.mu.
func (s *Server) newID() string {
	a, b := s.rng.Uint64(), s.rng.Uint64()
	a = (a &^ (0xf << 12)) | (0x4 << 12) // version 4
	b = (b &^ (0x3 << 62)) | (0x2 << 62) // variant 10
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// nowUTC returns the clock's time in UTC with millisecond precision, as the
// API serializes it.
func (s *Server) nowUTC() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

// sortedInteractions returns copies of all interactions, newest first.
// Callers hold s.mu.
func (s *Server) sortedInteractions() []client.Interaction {
	out := make([]client.Interaction, 0, len(s.st.Interactions))
	for _, in := range s.st.Interactions {
		out = append(out, *in)
	}
	sort.Slice(out, func(i, j int) bool {
		ti, tj := timeOf(out[i].CreatedAt), timeOf(out[j].CreatedAt)
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func timePtr(t time.Time) *time.Time { return &t }

// liveEndpoint returns the registered, unexpired endpoint id. Callers hold s.mu.
func (s *Server) liveEndpoint(id string) (*endpoint, bool) {
	ep, ok := s.st.Endpoints[id]
	if !ok {
		return nil, false
	}
	if ep.Permanent || ep.KeepAliveSeconds <= 0 {
		return ep, true
	}
	grace := 2*time.Duration(ep.KeepAliveSeconds)*time.Second + 5*time.Second
	if s.now().Sub(ep.LastSeen) > grace {
		return nil, false
	}
	return ep, true
}

// interactionOfEndpoint finds the interaction whose customer uses endpoint
// id, for camera events, which carry no interaction id. Callers hold s.mu.
func (s *Server) interactionOfEndpoint(id string) string {
	for _, d := range s.st.Devices {
		if d.UserEndpointID == id {
			return d.InteractionID
		}
	}
	return ""
}

// interactionData is the `data` object of demo interactions.
type interactionData struct {
	CustomerName           string `json:"customerName"`
	CustomerUserID         string `json:"customerUserId"`
	CustomerUserEndpointID string `json:"customerUserEndpointId"`
	AgentUserID            string `json:"agentUserId"`
	SessionType            string `json:"sessionType"`
	SessionID              string `json:"sessionId"`
	ApplicationID          string `json:"applicationId,omitempty"`
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are marshalled
	}
	return b
}
