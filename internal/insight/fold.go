// Package insight turns what snapdash saw (events, the server's listings,
// the actions it took) into the supervisor's numbers: one Picture per
// snapshot with when it was requested, arrived and reviewed, the camera
// commands and their answers, and from those the series the watch screen
// charts and the tables `snapdash report` prints.
//
// It does no I/O and imports no UI: the journal (internal/journal) stores
// what it folds, the watch view draws what it computes.
package insight

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/snapdash/snapdash/client"
)

// Unknown names an agent or a type nobody could tell.
const Unknown = "(unknown)"

// Picture is one snapshot's life as far as it is known. Zero times are
// unknown (or not happened yet).
type Picture struct {
	ID, Interaction string
	// Agent is who requested it (the requester user id), else the
	// interaction's agent; Unknown when neither is known.
	Agent string
	// Type is the snapshot type ("meter", "document"…); "" when unknown.
	Type string
	// State is the latest known state: REQUESTED (pending), UPLOADED
	// (awaiting review), APPROVED or DISCARDED.
	State client.SnapshotState
	// Requested, Arrived and Reviewed are when the request was made, the
	// picture arrived, and it was approved or discarded. A reviewed picture
	// whose review nobody saw (the server's listing says so) has a zero
	// Reviewed: its review time is unknown.
	Requested, Arrived, Reviewed time.Time
}

// Reviewed reports whether the picture was approved or discarded.
func (p *Picture) IsReviewed() bool {
	return p.State == client.StateApproved || p.State == client.StateDiscarded
}

// ReviewTime is how long the picture waited for review, and whether that
// is known (both times seen, in order).
func (p *Picture) ReviewTime() (time.Duration, bool) {
	if !p.IsReviewed() || p.Arrived.IsZero() || p.Reviewed.IsZero() || p.Reviewed.Before(p.Arrived) {
		return 0, false
	}
	return p.Reviewed.Sub(p.Arrived), true
}

// AwaitingAt reports whether the picture was awaiting review at t: arrived
// by then and not reviewed by then (a review at an unknown time counts as
// never awaited after its arrival's bucket, so it does not inflate the
// backlog forever).
func (p *Picture) AwaitingAt(t time.Time) bool {
	if p.Arrived.IsZero() || p.Arrived.After(t) {
		return false
	}
	switch {
	case p.State == client.StateUploaded:
		return true
	case p.IsReviewed() && !p.Reviewed.IsZero():
		return p.Reviewed.After(t)
	}
	return false
}

// Camera is one camera command and the device's answer.
type Camera struct {
	ID, Interaction, Agent string
	Type                   client.CameraRequestType
	At                     time.Time
	// Answered is set when the device answered; Succeeded is its answer
	// and Info its reason.
	Answered, Succeeded bool
	Info                string
}

// Refused reports whether the device answered no.
func (c *Camera) Refused() bool { return c.Answered && !c.Succeeded }

// Fold accumulates events and listings into pictures and camera commands.
// The zero value is not ready: use NewFold.
type Fold struct {
	pics    map[string]*Picture
	cams    map[string]*Camera
	agentOf map[string]string // interaction id -> its agent
}

// NewFold returns an empty fold.
func NewFold() *Fold {
	return &Fold{pics: map[string]*Picture{}, cams: map[string]*Camera{}, agentOf: map[string]string{}}
}

func (f *Fold) pic(id, interaction string) *Picture {
	p := f.pics[id]
	if p == nil {
		p = &Picture{ID: id, State: client.StateRequested}
		f.pics[id] = p
	}
	if p.Interaction == "" {
		p.Interaction = interaction
	}
	return p
}

// earliest keeps the earlier of a known time and t.
func earliest(have *time.Time, t time.Time) {
	if !t.IsZero() && (have.IsZero() || t.Before(*have)) {
		*have = t
	}
}

// rank orders states so a later event never undoes a later state.
func rank(s client.SnapshotState) int {
	switch s {
	case client.StateUploaded:
		return 1
	case client.StateApproved, client.StateDiscarded:
		return 2
	}
	return 0
}

// Event applies one event. Events may come in any order and more than once
// (replays, several processes): every field keeps its earliest sighting and
// a state never goes back.
func (f *Fold) Event(ev client.Event) {
	switch ev.Type {
	case client.EventSnapshotRequested:
		if ev.SnapshotID == "" {
			return
		}
		p := f.pic(ev.SnapshotID, ev.InteractionID)
		earliest(&p.Requested, ev.Timestamp)
		if ev.UserID != "" {
			p.Agent = ev.UserID
		}
		if p.Type == "" {
			p.Type = ev.SnapshotType
		}
	case client.EventSnapshotAcquired:
		if ev.SnapshotID == "" {
			return
		}
		p := f.pic(ev.SnapshotID, ev.InteractionID)
		earliest(&p.Arrived, ev.Timestamp)
		if ev.SnapshotType != "" {
			p.Type = ev.SnapshotType
		}
		if rank(p.State) < 1 {
			p.State = client.StateUploaded
		}
	case client.EventSnapshotApproved, client.EventSnapshotDiscarded:
		if ev.SnapshotID == "" {
			return
		}
		p := f.pic(ev.SnapshotID, ev.InteractionID)
		if ev.SnapshotType != "" {
			p.Type = ev.SnapshotType
		}
		if rank(p.State) < 2 || p.Reviewed.IsZero() {
			p.State = client.StateApproved
			if ev.Type == client.EventSnapshotDiscarded {
				p.State = client.StateDiscarded
			}
			p.Reviewed = ev.Timestamp
		}
	case client.EventSnapshotCameraRequested:
		if ev.SnapshotCameraRequestID == "" {
			return
		}
		c := f.cam(ev.SnapshotCameraRequestID)
		earliest(&c.At, ev.Timestamp)
		if c.Interaction == "" {
			c.Interaction = ev.InteractionID
		}
		if ev.UserID != "" {
			c.Agent = ev.UserID
		}
		if ev.CameraRequestType != "" {
			c.Type = ev.CameraRequestType
		}
	case client.EventSnapshotCameraRequestProcessed:
		if ev.SnapshotCameraRequestID == "" {
			return
		}
		c := f.cam(ev.SnapshotCameraRequestID)
		c.Answered = true
		c.Succeeded = ev.Succeeded != nil && *ev.Succeeded
		c.Info = ev.AdditionalInformation
		if c.Type == "" {
			c.Type = ev.CameraRequestType
		}
	}
}

func (f *Fold) cam(id string) *Camera {
	c := f.cams[id]
	if c == nil {
		c = &Camera{ID: id}
		f.cams[id] = c
	}
	return c
}

// Interaction notes an interaction's agent (its data's agentUserId, else
// who created it), for pictures whose requester is unknown.
func (f *Fold) Interaction(in client.Interaction) {
	agent := in.CreatedBy
	if len(in.Data) > 0 {
		var d struct {
			AgentUserID string `json:"agentUserId"`
		}
		// A data field of another type leaves the creator.
		if json.Unmarshal(in.Data, &d) == nil && d.AgentUserID != "" {
			agent = d.AgentUserID
		}
	}
	if agent != "" {
		f.agentOf[in.ID] = agent
	}
}

// Snapshot applies the server's listing of one snapshot, which wins on the
// state (it is the truth now): a picture the journal last saw awaiting
// review and the server lists as approved was approved while snapdash was
// not watching, at an unknown time.
func (f *Fold) Snapshot(s client.Snapshot) {
	if s.ID == "" {
		return
	}
	p := f.pic(s.ID, s.InteractionID)
	if p.Agent == "" && s.RequesterUserID != "" {
		p.Agent = s.RequesterUserID
	}
	if s.Type != "" {
		p.Type = s.Type
	}
	switch s.State {
	case client.StateUploaded, client.StateApproved, client.StateDiscarded:
		at := s.Timestamp
		if at == nil {
			at = s.CreatedAt
		}
		if at != nil {
			earliest(&p.Arrived, *at)
		}
	}
	if s.State == "" || rank(s.State) < rank(p.State) {
		return
	}
	if s.State != p.State {
		p.Reviewed = time.Time{} // the review the journal saw (if any) was of another kind
	}
	p.State = s.State
}

// Pictures returns every picture, its agent resolved, ordered by arrival
// (then request, then id).
func (f *Fold) Pictures() []Picture {
	out := make([]Picture, 0, len(f.pics))
	for _, p := range f.pics {
		q := *p
		q.Agent = f.agent(q.Agent, q.Interaction)
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if !a.Arrived.Equal(b.Arrived) {
			return a.Arrived.Before(b.Arrived)
		}
		if !a.Requested.Equal(b.Requested) {
			return a.Requested.Before(b.Requested)
		}
		return a.ID < b.ID
	})
	return out
}

// agent resolves the agent of a picture or camera command: its own when
// known, else its interaction's, else Unknown.
func (f *Fold) agent(own, interaction string) string {
	if own == "" {
		own = f.agentOf[interaction]
	}
	if own == "" {
		return Unknown
	}
	return own
}

// Cameras returns every camera command, its agent resolved, oldest first.
func (f *Fold) Cameras() []Camera {
	out := make([]Camera, 0, len(f.cams))
	for _, c := range f.cams {
		q := *c
		q.Agent = f.agent(q.Agent, q.Interaction)
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Interactions returns the ids of the interactions the fold has pictures or
// camera commands of.
func (f *Fold) Interactions() []string {
	seen := map[string]bool{}
	for _, p := range f.pics {
		if p.Interaction != "" {
			seen[p.Interaction] = true
		}
	}
	for _, c := range f.cams {
		if c.Interaction != "" {
			seen[c.Interaction] = true
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
