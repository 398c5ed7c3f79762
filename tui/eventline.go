package tui

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/events"
)

// maxRawRunes bounds the JSON of an unknown event shown in the pane.
const maxRawRunes = 400

// eventEntry turns a server event into one readable line of the events
// pane: its own time, a symbol, who acted and what happened. Unknown types
// are shown as they came: the type and the compact JSON. The pane sanitizes
// every string.
func (m *Model) eventEntry(ev client.Event) events.Entry {
	e := m.store.byID[ev.InteractionID]
	if e == nil {
		e, _ = m.store.row(ev.SnapshotID)
	}
	iid := ev.InteractionID
	if iid == "" && e != nil {
		iid = e.id
	}
	at := ev.Timestamp
	if at.IsZero() {
		at = m.opts.Now()
	}
	en := events.Entry{At: at, Kind: events.Event, Seq: ev.Seq, Type: ev.Type, Interaction: iid,
		Who: m.who(e, ev.UserID)}
	typ := ev.SnapshotType
	// where names the interaction unless the line names its customer.
	where := ""
	if title := m.title(e); e != nil && title != en.Who && title != m.target(e, ev.TargetUserID) {
		where = " · " + title
	} else if e == nil && iid != "" {
		where = " · " + short(iid)
	}
	snap := ""
	if ev.SnapshotID != "" {
		snap = " " + sanitize.Truncate(ev.SnapshotID, 13)
	}
	switch ev.Type {
	case client.EventSnapshotRequested:
		en.Symbol = "◷"
		en.Text = "requested " + pictureOf("a", typ) + " from " + m.target(e, ev.TargetUserID) + snap + where
	case client.EventSnapshotAcquired:
		en.Symbol, en.Kind = "●", events.Notice
		verb := "sent"
		if e == nil || ev.UserID == "" || ev.UserID != e.data.CustomerUserID {
			verb = "uploaded"
		}
		en.Text = verb + " " + pictureOf("a", typ) + snap + where
		if ev.RelatedSnapshotID != "" {
			en.Text += " (related to " + sanitize.Truncate(ev.RelatedSnapshotID, 13) + ")"
		}
	case client.EventSnapshotApproved:
		en.Symbol = "✓"
		en.Text = "approved " + pictureOf("the", typ) + snap + where
	case client.EventSnapshotDiscarded:
		en.Symbol = "✗"
		en.Text = "discarded " + pictureOf("the", typ) + snap + where
	case client.EventSnapshotCameraRequested:
		en.Symbol = "◎"
		en.Text = "sent camera command " + cameraLabel(ev.CameraRequestType) + " to " + m.target(e, ev.TargetUserID) + where
		if ev.SnapshotCameraRequestID != "" && len(m.cameraSeen) < maxCameraSeen {
			m.cameraSeen[ev.SnapshotCameraRequestID] = ev.CameraRequestType
		}
	case client.EventSnapshotCameraRequestProcessed:
		label := "camera command"
		if t, ok := m.cameraSeen[ev.SnapshotCameraRequestID]; ok {
			label = cameraLabel(t)
			delete(m.cameraSeen, ev.SnapshotCameraRequestID)
		} else if t, ok := m.cameraReqs[ev.SnapshotCameraRequestID]; ok {
			label = cameraLabel(t)
		}
		ok := ev.Succeeded != nil && *ev.Succeeded
		en.Symbol, en.Kind, en.Text = "✓", events.OK, label+": done"+where
		if !ok {
			reason := orDefault(ev.AdditionalInformation, "no reason given")
			en.Symbol, en.Kind, en.Text = "✗", events.Error, label+": failed: "+reason+where
		}
	default:
		en.Symbol = "?"
		en.Text = ev.Type + " " + rawJSON(ev.Raw)
	}
	return en
}

// title is the interaction's name as the pane shows it.
func (m *Model) title(e *ientry) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(sanitize.Line(e.title()))
}

// maxCameraSeen bounds the camera commands remembered to name their answers.
const maxCameraSeen = 1024

// who names a user: "you", the interaction's customer, else the user id.
func (m *Model) who(e *ientry, userID string) string {
	switch {
	case userID == "":
		return ""
	case userID == m.opts.Identity.UserID:
		return "you"
	case e != nil && e.data.CustomerName != "" && userID == e.data.CustomerUserID:
		return strings.TrimSpace(sanitize.Line(e.data.CustomerName))
	}
	return userID
}

// pictureOf names a picture of a snapshot type after det ("a" or "the"):
// "a meter picture", "an id-document picture", "the meter picture". The
// type "other" is not an adjective ("an other picture", "the other
// picture" would misread): "a picture (other)". No type: "a picture".
func pictureOf(det, typ string) string {
	switch {
	case typ == "":
		return det + " picture"
	case strings.EqualFold(typ, "other"):
		return det + " picture (" + typ + ")"
	case det == "a" && strings.ContainsRune("aeiouAEIOU", rune(typ[0])):
		det = "an"
	}
	return det + " " + typ + " picture"
}

// target names the user a request or command is sent to.
func (m *Model) target(e *ientry, userID string) string {
	if n := m.who(e, userID); n != "" {
		return n
	}
	return "the customer"
}

// rawJSON returns an unknown event's JSON compacted and bounded; the pane
// sanitizes it.
func rawJSON(raw []byte) string {
	if len(raw) == 0 {
		return "{}"
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return sanitize.Truncate(strings.TrimSpace(string(raw)), maxRawRunes)
	}
	return sanitize.Truncate(b.String(), maxRawRunes)
}
