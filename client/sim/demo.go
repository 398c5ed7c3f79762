package sim

import (
	"sort"
	"time"

	"github.com/snapdash/snapdash/client"
)

// HostileCustomerName is the demo customer name that carries terminal escape
// sequences, so the dashboard's sanitization is exercised.
const HostileCustomerName = "Mallory \x1b]0;pwned\x07\x1b[31m"

// demoSnap describes one demo snapshot: its state ("" = still requested),
// minutes after the interaction started, and whether the agent uploaded it
// (related to the previous snapshot) instead of requesting it.
type demoSnap struct {
	state   client.SnapshotState
	minutes int
	upload  bool
}

// demoInteraction describes one demo interaction.
type demoInteraction struct {
	name     string
	ago      time.Duration
	session  client.SessionType
	snapType string
	hasFlash bool
	snaps    []demoSnap
}

var demoPlan = []demoInteraction{
	{"Eleni Papadopoulou", 20 * time.Hour, client.SessionConference, "car-damage", true, []demoSnap{
		{client.StateApproved, 2, false}, {client.StateDiscarded, 4, false}, {client.StateApproved, 6, false}}},
	{"James O'Connor", 9 * time.Hour, client.SessionCall, "meter", false, []demoSnap{
		{client.StateApproved, 1, false}, {client.StateUploaded, 3, false}}},
	{"Sofía García", 3 * time.Hour, client.SessionConference, "id-document", true, []demoSnap{
		{client.StateUploaded, 2, false}, {client.StateDiscarded, 5, false}, {client.StateUploaded, 7, true}}},
	{HostileCustomerName, 45 * time.Minute, client.SessionCall, "other", true, []demoSnap{
		{client.StateUploaded, 3, false}, {"", 8, false}}},
	// The newest interaction, which the demo opens on: its newest
	// snapshot is a picture awaiting review, so the first screen
	// previews one; an older request is still unanswered (late).
	{"Kenji Watanabe", 10 * time.Minute, client.SessionConference, "car-damage", true, []demoSnap{
		{"", 2, false}, {client.StateUploaded, 6, false}}},
}

// seedDemo fills an empty state with the demo interactions, devices,
// snapshots and the events that led to them. Callers hold s.mu. Devices do
// not react to these events: pending demo requests stay pending.
func (s *Server) seedDemo() {
	now := s.nowUTC().Truncate(time.Second)
	appID := s.newID()
	var events []client.Event
	for n, plan := range demoPlan {
		iid := s.newID()
		custUser, custEP := "customer-"+s.newID()[:8], s.newID()
		agentEP, sessionID := s.newID(), s.newID()
		start := now.Add(-plan.ago)
		s.st.Devices = append(s.st.Devices, Device{UserID: custUser, UserEndpointID: custEP,
			InteractionID: iid, CustomerName: plan.name, HasFlash: plan.hasFlash})
		s.st.Endpoints[custEP] = &endpoint{ID: custEP, UserID: custUser, LastSeen: now, Permanent: true}
		s.st.Interactions[iid] = &client.Interaction{
			ID: iid, OrganizationID: OrganizationID, CreatedBy: AgentUserID, CreatedAt: timePtr(start),
			Type: string(plan.session), Version: int64(1 + n%2),
			Data: mustJSON(interactionData{
				CustomerName: plan.name, CustomerUserID: custUser, CustomerUserEndpointID: custEP,
				AgentUserID: AgentUserID, SessionType: string(plan.session), SessionID: sessionID,
				ApplicationID: appID,
			}),
		}
		prev := ""
		for _, ds := range plan.snaps {
			sid := s.newID()
			at := start.Add(time.Duration(ds.minutes) * time.Minute)
			snap := client.Snapshot{
				ID: sid, OrganizationID: OrganizationID, ApplicationID: appID,
				RequesterUserID: AgentUserID, RequesterUserEndpointID: agentEP,
				UserID: custUser, UserEndpointID: custEP, SessionType: plan.session, SessionID: sessionID,
				InteractionID: iid, Type: plan.snapType, CreatedAt: timePtr(at),
				RequestProcessingResult: &client.SnapshotRequestResult{SnapshotID: sid},
			}
			common := client.Event{UserID: AgentUserID, UserEndpointID: agentEP, InteractionID: iid,
				SnapshotID: sid, SnapshotType: plan.snapType}
			rec := &snapRec{Snapshot: snap}
			s.st.Snapshots[sid] = rec
			if !ds.upload {
				ev := common
				ev.Type, ev.Timestamp = client.EventSnapshotRequested, at
				ev.TargetUserID, ev.TargetUserEndpointID = custUser, custEP
				events = append(events, ev)
			}
			if ds.state == "" {
				rec.Pending = true
				continue
			}
			got := at.Add(20 * time.Second)
			p := &rec.Snapshot
			p.State, p.Suffix, p.MimeType = client.StateUploaded, "jpeg", "image/jpeg"
			p.Timestamp, p.Version = timePtr(got), 1
			p.Path = snapshotPath(iid, sid, "jpeg")
			rec.Picture = pictureKind(plan.snapType) + ":" + itoa(pictureSeed(s.opts.Seed, sid))
			ev := common
			ev.Type, ev.Timestamp, ev.SnapshotLocation = client.EventSnapshotAcquired, got, p.Path
			if ds.upload {
				p.RelatedSnapshotID, ev.RelatedSnapshotID = prev, prev
				p.CreatedAt = timePtr(got)
			} else {
				ev.UserID, ev.UserEndpointID = custUser, custEP
			}
			events = append(events, ev)
			prev = sid
			review := common
			review.Timestamp = got.Add(3 * time.Minute)
			switch ds.state {
			case client.StateApproved:
				p.State, p.Approved, p.Version = client.StateApproved, client.BoolPtr(true), 2
				p.ApprovalProcessingResult = &client.SnapshotApprovalProcessingResult{Succeeded: client.BoolPtr(true)}
				review.Type, review.SnapshotLocation = client.EventSnapshotApproved, p.Path
				events = append(events, review)
			case client.StateDiscarded:
				p.State, p.Approved, p.Version = client.StateDiscarded, client.BoolPtr(false), 2
				review.Type = client.EventSnapshotDiscarded
				events = append(events, review)
			}
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].Timestamp.Before(events[j].Timestamp) })
	customers := s.opts.Customers
	s.opts.Customers = false
	for _, ev := range events {
		s.publishLocked(ev)
	}
	s.opts.Customers = customers
}
