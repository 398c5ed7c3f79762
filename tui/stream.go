package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/header"
	"github.com/snapdash/snapdash/views/snapshots"
	"github.com/snapdash/snapdash/views/statusbar"
)

// onStream applies one (merged) batch of the event stream.
func (m *Model) onStream(msg StreamUpdateMsg) tea.Cmd {
	u := msg.Update
	var cmds []tea.Cmd
	if m.stream != nil {
		cmds = append(cmds, waitStream(m.stream.Updates()))
	}
	prev := m.conn
	switch u.State {
	case client.StateLive:
		m.conn, m.connDetail = header.Live, ""
	case client.StateReconnecting:
		m.conn, m.connDetail = header.Reconnecting, retryDetail(u, m)
	case client.StatePolling:
		m.conn, m.connDetail = header.Polling, "no event stream on server"
	case client.StateOffline:
		m.conn, m.connDetail = header.Offline, retryDetail(u, m)
	default:
		m.conn, m.connDetail = header.Connecting, ""
	}
	if m.conn != prev {
		kind, text := events.Event, "stream "+u.State.String()
		if u.Err != nil && m.conn != header.Live {
			kind, text = events.Error, text+": "+u.Err.Error()
		}
		m.logEvent(kind, text)
	}
	for _, ev := range u.Events {
		cmds = append(cmds, m.applyEvent(ev))
	}
	if u.Resync {
		if m.conn != header.Polling {
			m.logEvent(events.Event, "resync: re-listing")
		}
		cmds = append(cmds, m.resync())
	}
	return tea.Batch(cmds...)
}

func retryDetail(u client.StreamUpdate, m *Model) string {
	if u.RetryAt.IsZero() {
		return ""
	}
	return "next try " + u.RetryAt.In(m.opts.Location).Format("15:04:05")
}

// resync re-lists what is shown without touching the status line.
func (m *Model) resync() tea.Cmd {
	cmds := []tea.Cmd{m.loadInteractions()}
	m.listing = false // a background re-list shows no spinner
	if e := m.store.byID[m.selected]; e != nil {
		cmds = append(cmds, m.loadSnapshots(e.id))
	}
	for _, e := range m.store.list {
		if e.id != m.selected {
			e.listed = false
		}
	}
	return tea.Batch(cmds...)
}

// describe formats an event for the events pane (sanitized there).
func describe(ev client.Event) string {
	parts := []string{strings.TrimSuffix(ev.Type, "Event")}
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	add(ev.SnapshotID)
	add(ev.SnapshotType)
	add(string(ev.CameraRequestType))
	add(ev.SnapshotCameraRequestID)
	if ev.Succeeded != nil {
		if *ev.Succeeded {
			add("succeeded")
		} else {
			add("failed")
		}
	}
	add(ev.AdditionalInformation)
	if ev.InteractionID != "" {
		add("in " + ev.InteractionID)
	}
	if len(parts) == 1 && len(ev.Raw) > 0 {
		add(string(ev.Raw))
	}
	return strings.Join(parts, " ")
}

// interactionFor finds (or creates) the interaction an event belongs to.
func (m *Model) interactionFor(ev client.Event) (*ientry, tea.Cmd) {
	if ev.InteractionID != "" {
		e, created := m.store.ensure(ev.InteractionID, ev.Timestamp)
		if created {
			return e, m.loadInteraction(ev.InteractionID)
		}
		return e, nil
	}
	if e, _ := m.store.row(ev.SnapshotID); e != nil {
		return e, nil
	}
	return nil, nil
}

// applyEvent logs an event and applies it to the data.
func (m *Model) applyEvent(ev client.Event) tea.Cmd {
	m.logEvent(events.Event, describe(ev))
	switch ev.Type {
	case client.EventSnapshotRequested:
		e, cmd := m.interactionFor(ev)
		if e == nil || ev.SnapshotID == "" {
			return cmd
		}
		if _, r := m.store.row(ev.SnapshotID); r == nil {
			m.store.put(e, snapshots.Row{At: ev.Timestamp, Snapshot: client.Snapshot{
				ID: ev.SnapshotID, Type: ev.SnapshotType, State: client.StateRequested,
				UserID: ev.TargetUserID, UserEndpointID: ev.TargetUserEndpointID,
				RequesterUserID: ev.UserID, InteractionID: e.id,
			}})
		}
		return tea.Batch(cmd, m.ensureSelection())
	case client.EventSnapshotAcquired:
		e, cmd := m.interactionFor(ev)
		if e == nil {
			return tea.Batch(cmd, m.loadSnapshot(ev.SnapshotID))
		}
		_, r := m.store.row(ev.SnapshotID)
		nr := snapshots.Row{Snapshot: client.Snapshot{ID: ev.SnapshotID, Type: ev.SnapshotType,
			State: client.StateUploaded, InteractionID: e.id, RelatedSnapshotID: ev.RelatedSnapshotID}}
		if r != nil {
			nr = *r
			nr.At = ev.Timestamp
			if nr.Snapshot.State == client.StateRequested {
				nr.Snapshot.State = client.StateUploaded
			}
			if ev.SnapshotType != "" {
				nr.Snapshot.Type = ev.SnapshotType
			}
		} else {
			nr.At = ev.Timestamp
		}
		m.store.put(e, nr)
		m.setStatusInfo("picture " + sanitize.Truncate(ev.SnapshotID, 24) + " arrived from " + e.title())
		return tea.Batch(cmd, m.loadSnapshot(ev.SnapshotID), m.ensureSelection(), m.ring())
	case client.EventSnapshotApproved, client.EventSnapshotDiscarded:
		e, r := m.store.row(ev.SnapshotID)
		if r == nil {
			return nil
		}
		nr := *r
		if ev.Type == client.EventSnapshotApproved {
			nr.Snapshot.State = client.StateApproved
		} else {
			nr.Snapshot.State = client.StateDiscarded
		}
		if ev.SnapshotType != "" {
			nr.Snapshot.Type = ev.SnapshotType
		}
		m.store.put(e, nr)
	case client.EventSnapshotCameraRequestProcessed:
		t, ours := m.cameraReqs[ev.SnapshotCameraRequestID]
		if !ours {
			// The device may answer before the server's reply to our
			// command arrives: keep the outcome until it does.
			if len(m.ops) > 0 && ev.SnapshotCameraRequestID != "" {
				m.cameraEarly[ev.SnapshotCameraRequestID] = ev
			}
			return nil
		}
		delete(m.cameraReqs, ev.SnapshotCameraRequestID)
		return m.cameraOutcome(t, ev)
	}
	return nil
}

// cameraOutcome shows the device's answer to a camera command.
func (m *Model) cameraOutcome(t client.CameraRequestType, ev client.Event) tea.Cmd {
	label := cameraLabel(t)
	if ev.Succeeded != nil && *ev.Succeeded {
		m.succeed("camera: " + label + " done by the customer's device")
		return m.ring()
	}
	reason := ev.AdditionalInformation
	if reason == "" {
		reason = "no reason given"
	}
	m.status = statusbar.Status{Kind: statusbar.Error, Text: "camera: " + label + " failed: " + reason}
	m.logEvent(events.Error, m.status.Text)
	return m.ring()
}

// ring rings the terminal bell when asked to.
func (m *Model) ring() tea.Cmd {
	out := m.opts.Output
	if !m.opts.Bell || out == nil {
		return nil
	}
	return func() tea.Msg {
		_, _ = out.Write([]byte{'\a'})
		return nil
	}
}

func snapshotsRow(s client.Snapshot) snapshots.Row { return snapshots.Row{Snapshot: s} }
