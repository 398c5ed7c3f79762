package client

import (
	"context"
	"encoding/json"
	"sync"
)

// linkerCap bounds each of the Linker's maps; beyond it the map is started
// afresh (what was forgotten is asked again, once).
const linkerCap = 100000

// Linker ties events to their interactions. The vendor's events (as its
// MQTT feed sends them) carry no interactionId: an event is tied through
// what it names (its snapshot id, camera request id, related snapshot, the
// customer endpoint it targets) and what the Linker learned before (from
// listings, fetched snapshots, interactions and earlier events). Only a
// snapshot it has never seen costs a request: one GET per snapshot id,
// whose answer (or failure) is remembered. It is safe for concurrent use.
type Linker struct {
	get func(ctx context.Context, id string) (Snapshot, error) // nil: never ask

	mu        sync.Mutex
	snaps     map[string]string          // snapshot id -> interaction id
	cams      map[string]string          // camera request id -> interaction id
	endpoints map[string]map[string]bool // customer endpoint -> interactions
	asked     map[string]string          // snapshot id -> type of the event that asked (failed GETs)
}

// NewLinker returns a Linker that asks c for the snapshots it cannot tie.
func (c *Client) NewLinker() *Linker { return newLinker(c.GetSnapshot) }

// NewOfflineLinker returns a Linker that never asks a server: it ties
// events through what it was told only.
func NewOfflineLinker() *Linker { return newLinker(nil) }

func newLinker(get func(context.Context, string) (Snapshot, error)) *Linker {
	return &Linker{get: get, snaps: map[string]string{}, cams: map[string]string{},
		endpoints: map[string]map[string]bool{}, asked: map[string]string{}}
}

// LearnSnapshots records the interaction of each snapshot, and of its
// customer's endpoint.
func (l *Linker) LearnSnapshots(list ...Snapshot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range list {
		if s.InteractionID == "" {
			continue
		}
		l.learnSnap(s.ID, s.InteractionID)
		l.learnEndpoint(s.UserEndpointID, s.InteractionID)
	}
}

// LearnInteraction records the customer endpoint an interaction's data
// names (data.customerUserEndpointId, which many integrations record).
func (l *Linker) LearnInteraction(in Interaction) {
	var d struct {
		Endpoint string `json:"customerUserEndpointId"`
	}
	if in.ID == "" || json.Unmarshal(in.Data, &d) != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.learnEndpoint(d.Endpoint, in.ID)
}

// LearnCameraRequest records the interaction of a camera request (one the
// caller sent itself, say).
func (l *Linker) LearnCameraRequest(id, interactionID string) {
	if id == "" || interactionID == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cams = capped(l.cams)
	l.cams[id] = interactionID
}

// Tie returns the interaction ev belongs to without asking the server, and
// remembers what ev teaches (an event that names its interaction ties its
// snapshot and camera request). ok is false when nothing known ties it.
func (l *Linker) Tie(ev Event) (interactionID string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tieLocked(ev)
}

func (l *Linker) tieLocked(ev Event) (string, bool) {
	iid := ev.InteractionID
	switch {
	case iid != "":
	case ev.SnapshotID != "" && l.snaps[ev.SnapshotID] != "":
		iid = l.snaps[ev.SnapshotID]
	case ev.SnapshotCameraRequestID != "" && l.cams[ev.SnapshotCameraRequestID] != "":
		iid = l.cams[ev.SnapshotCameraRequestID]
	case ev.RelatedSnapshotID != "" && l.snaps[ev.RelatedSnapshotID] != "":
		iid = l.snaps[ev.RelatedSnapshotID]
	default:
		// A request or camera command names the customer's endpoint:
		// it ties when that endpoint is in exactly one interaction.
		if set := l.endpoints[ev.TargetUserEndpointID]; len(set) == 1 {
			for id := range set {
				iid = id
			}
		}
	}
	if iid == "" {
		return "", false
	}
	l.learnSnap(ev.SnapshotID, iid)
	if ev.SnapshotCameraRequestID != "" {
		l.cams = capped(l.cams)
		l.cams[ev.SnapshotCameraRequestID] = iid
	}
	if ev.Type == EventSnapshotRequested || ev.Type == EventSnapshotCameraRequested {
		l.learnEndpoint(ev.TargetUserEndpointID, iid)
	}
	return iid, true
}

// Link is Tie, then, for an event naming a snapshot nothing ties, one GET
// of that snapshot (remembered, so never asked twice; a snapshot that was
// only requested is asked again once an event says it was acquired, as the
// API knows it only then). ok is false when the event still cannot be tied.
func (l *Linker) Link(ctx context.Context, ev Event) (interactionID string, ok bool) {
	l.mu.Lock()
	iid, ok := l.tieLocked(ev)
	sid := ev.SnapshotID
	if ok || sid == "" || l.get == nil {
		l.mu.Unlock()
		return iid, ok
	}
	if prev, was := l.asked[sid]; was && (prev != EventSnapshotRequested || ev.Type == EventSnapshotRequested) {
		l.mu.Unlock()
		return "", false
	}
	l.asked = capped(l.asked)
	l.asked[sid] = ev.Type
	l.mu.Unlock()

	s, err := l.get(ctx, sid)
	if err != nil || s.InteractionID == "" {
		return "", false
	}
	l.LearnSnapshots(s)
	return l.Tie(ev)
}

func (l *Linker) learnSnap(sid, iid string) {
	if sid == "" || iid == "" {
		return
	}
	l.snaps = capped(l.snaps)
	l.snaps[sid] = iid
	delete(l.asked, sid)
}

func (l *Linker) learnEndpoint(ep, iid string) {
	if ep == "" || iid == "" {
		return
	}
	if len(l.endpoints) >= linkerCap {
		l.endpoints = map[string]map[string]bool{}
	}
	set := l.endpoints[ep]
	if set == nil {
		set = map[string]bool{}
		l.endpoints[ep] = set
	}
	set[iid] = true
}

// capped returns m, or a fresh map once m is full.
func capped(m map[string]string) map[string]string {
	if len(m) >= linkerCap {
		return map[string]string{}
	}
	return m
}
