package events

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// The wording of a server event's line: its symbol and what it says
// happened. Who and where are the dashboard's to name (it knows the users,
// customers and interactions); the rest is the event's own.

// maxRawRunes bounds the JSON of an unknown event shown in the pane.
const maxRawRunes = 400

// Names are what the dashboard knows, when a line is drawn, of the people
// and the place an event names.
type Names struct {
	// Who acted: "you", the customer's name, else the user id; "" when
	// the event names no one.
	Who string
	// Target is whom a request or a camera command is sent to ("the
	// customer" when unknown).
	Target string
	// Where names the interaction, as " · title", or "" when the line
	// names it already (its customer acted or was asked).
	Where string
	// ByCustomer says the interaction's customer sent the picture
	// themselves ("sent"), not someone on their behalf ("uploaded").
	ByCustomer bool
	// Command is the camera command's label: the one a request names, or
	// the one an answer is to ("camera command" when that is unknown).
	Command string
}

// Mark is an event's symbol and kind in the pane: a picture arriving is
// news, the device's answer to a camera command succeeded or failed, an
// unknown type is "?".
func Mark(ev client.Event) (symbol string, kind Kind) {
	switch ev.Type {
	case client.EventSnapshotRequested:
		return "◷", Event
	case client.EventSnapshotAcquired:
		return "●", Notice
	case client.EventSnapshotApproved:
		return "✓", Event
	case client.EventSnapshotDiscarded:
		return "✗", Event
	case client.EventSnapshotCameraRequested:
		return "◎", Event
	case client.EventSnapshotCameraRequestProcessed:
		if ev.Succeeded == nil || !*ev.Succeeded {
			return "✗", Error
		}
		return "✓", OK
	}
	return "?", Event
}

// Describe says what happened in ev, naming people and the interaction as
// n does. An unknown type is shown as it came: the type and the JSON
// (RawJSON bounds it). The pane sanitizes the text when it draws it.
func Describe(ev client.Event, n Names) string {
	typ := ev.SnapshotType
	snap := ""
	if ev.SnapshotID != "" {
		snap = " " + sanitize.Truncate(ev.SnapshotID, 13)
	}
	command := n.Command
	var text string
	switch ev.Type {
	case client.EventSnapshotRequested:
		text = "requested " + PictureOf("a", typ) + " from " + n.Target + snap + n.Where
	case client.EventSnapshotAcquired:
		verb := "uploaded"
		if n.ByCustomer {
			verb = "sent"
		}
		text = verb + " " + PictureOf("a", typ) + snap + n.Where
		if ev.RelatedSnapshotID != "" {
			text += " (related to " + sanitize.Truncate(ev.RelatedSnapshotID, 13) + ")"
		}
	case client.EventSnapshotApproved:
		text = "approved " + PictureOf("the", typ) + snap + n.Where
	case client.EventSnapshotDiscarded:
		text = "discarded " + PictureOf("the", typ) + snap + n.Where
	case client.EventSnapshotCameraRequested:
		text = "sent camera command " + command + " to " + n.Target + n.Where
	case client.EventSnapshotCameraRequestProcessed:
		text = command + ": done" + n.Where
		if ev.Succeeded == nil || !*ev.Succeeded {
			reason := ev.AdditionalInformation
			if reason == "" {
				reason = "no reason given"
			}
			text = command + ": failed: " + reason + n.Where
		}
	default:
		text = ev.Type + " " + string(ev.Raw)
	}
	if ev.TimeUnread {
		// Kept, with the time it arrived (the stream logs the payload).
		text += " · its time could not be read: shown as it arrived"
	}
	return text
}

// PictureOf names a picture of a snapshot type after det ("a" or "the"):
// "a meter picture", "an id-document picture", "the meter picture". The
// type "other" is not an adjective ("an other picture", "the other
// picture" would misread): "a picture (other)". No type: "a picture".
func PictureOf(det, typ string) string {
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

// RawJSON returns an unknown event's JSON compacted and bounded (the pane
// keeps thousands of lines); "{}" when there is none. The pane sanitizes
// it.
func RawJSON(raw []byte) string {
	if len(raw) == 0 {
		return "{}"
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return sanitize.Truncate(strings.TrimSpace(string(raw)), maxRawRunes)
	}
	return sanitize.Truncate(b.String(), maxRawRunes)
}
