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

// eventEntry turns a server event into one line of the events pane: its
// own time, a symbol, who acted and what happened. Who and what are said
// again each time the line is drawn (describeEvent), with what is known
// then. Unknown types are shown as they came: the type and the compact
// JSON. The pane sanitizes every string.
func (r *liveRoom) eventEntry(ev client.Event) events.Entry {
	iid := ev.InteractionID
	if iid == "" {
		if e, _ := r.store.row(ev.SnapshotID); e != nil {
			iid = e.id
		}
	}
	at := ev.Timestamp
	if at.IsZero() {
		at = r.opts.Now()
	}
	ev.Raw = []byte(rawJSON(ev.Raw)) // bounded: the pane keeps thousands
	en := events.Entry{At: at, Kind: events.Event, Seq: ev.Seq, Type: ev.Type, Interaction: iid, Event: &ev}
	switch ev.Type {
	case client.EventSnapshotRequested:
		en.Symbol = "◷"
	case client.EventSnapshotAcquired:
		en.Symbol, en.Kind = "●", events.Notice
	case client.EventSnapshotApproved:
		en.Symbol = "✓"
	case client.EventSnapshotDiscarded:
		en.Symbol = "✗"
	case client.EventSnapshotCameraRequested:
		en.Symbol = "◎"
	case client.EventSnapshotCameraRequestProcessed:
		en.Symbol, en.Kind = "✓", events.OK
		if ev.Succeeded == nil || !*ev.Succeeded {
			en.Symbol, en.Kind = "✗", events.Error
		}
	default:
		en.Symbol = "?"
	}
	en.Who, en.Text = r.describeEvent(ev)
	return en
}

// describeEvent says who acted in ev and what happened, naming users,
// customers and interactions as the store knows them now.
func (r *liveRoom) describeEvent(ev client.Event) (who, text string) {
	e := r.store.byID[ev.InteractionID]
	if e == nil {
		e, _ = r.store.row(ev.SnapshotID)
	}
	iid := ev.InteractionID
	if iid == "" && e != nil {
		iid = e.id
	}
	who = r.who(e, ev.UserID)
	typ := ev.SnapshotType
	// where names the interaction unless the line names its customer.
	where := ""
	if title := r.title(e); e != nil && title != who && title != r.target(e, ev.TargetUserID) {
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
		text = "requested " + pictureOf("a", typ) + " from " + r.target(e, ev.TargetUserID) + snap + where
	case client.EventSnapshotAcquired:
		verb := "sent"
		if e == nil || ev.UserID == "" || ev.UserID != e.customerID() {
			verb = "uploaded"
		}
		text = verb + " " + pictureOf("a", typ) + snap + where
		if ev.RelatedSnapshotID != "" {
			text += " (related to " + sanitize.Truncate(ev.RelatedSnapshotID, 13) + ")"
		}
	case client.EventSnapshotApproved:
		text = "approved " + pictureOf("the", typ) + snap + where
	case client.EventSnapshotDiscarded:
		text = "discarded " + pictureOf("the", typ) + snap + where
	case client.EventSnapshotCameraRequested:
		text = "sent camera command " + cameraLabel(ev.CameraRequestType) + " to " + r.target(e, ev.TargetUserID) + where
	case client.EventSnapshotCameraRequestProcessed:
		label := "camera command"
		if t, ok := r.cam.Type(ev.SnapshotCameraRequestID); ok {
			label = cameraLabel(t)
		}
		text = label + ": done" + where
		if ev.Succeeded == nil || !*ev.Succeeded {
			text = label + ": failed: " + orDefault(ev.AdditionalInformation, "no reason given") + where
		}
	default:
		text = ev.Type + " " + string(ev.Raw)
	}
	if ev.TimeUnread {
		// Kept, with the time it arrived (the stream logs the payload).
		text += " · its time could not be read: shown as it arrived"
	}
	return who, text
}

// title is the interaction's name as the pane shows it.
func (r *liveRoom) title(e *ientry) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(sanitize.Line(e.title()))
}

// who names a user: "you", the interaction's customer, else the user id.
func (r *liveRoom) who(e *ientry, userID string) string {
	switch {
	case userID == "":
		return ""
	case userID == r.opts.Identity.UserID:
		return "you"
	case e != nil && e.data.CustomerName != "" && (userID == e.data.CustomerUserID || userID == e.customerID()):
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
func (r *liveRoom) target(e *ientry, userID string) string {
	if n := r.who(e, userID); n != "" {
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
