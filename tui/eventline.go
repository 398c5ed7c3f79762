package tui

import (
	"strings"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/events"
)

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
	ev.Raw = []byte(events.RawJSON(ev.Raw)) // bounded: the pane keeps thousands
	en := events.Entry{At: at, Seq: ev.Seq, Type: ev.Type, Interaction: iid, Event: &ev}
	en.Symbol, en.Kind = events.Mark(ev)
	en.Who, en.Text = r.describeEvent(ev)
	return en
}

// describeEvent says who acted in ev and what happened (events.Describe),
// naming users, customers and interactions as the store knows them now.
func (r *liveRoom) describeEvent(ev client.Event) (who, text string) {
	e := r.store.byID[ev.InteractionID]
	if e == nil {
		e, _ = r.store.row(ev.SnapshotID)
	}
	iid := ev.InteractionID
	if iid == "" && e != nil {
		iid = e.id
	}
	n := events.Names{Who: r.who(e, ev.UserID), Target: r.target(e, ev.TargetUserID),
		ByCustomer: e != nil && ev.UserID != "" && ev.UserID == e.customerID()}
	// Where names the interaction unless the line names its customer.
	if title := r.title(e); e != nil && title != n.Who && title != n.Target {
		n.Where = " · " + title
	} else if e == nil && iid != "" {
		n.Where = " · " + short(iid)
	}
	switch ev.Type {
	case client.EventSnapshotCameraRequested:
		n.Command = cameraLabel(ev.CameraRequestType)
	case client.EventSnapshotCameraRequestProcessed:
		n.Command = "camera command"
		if t, ok := r.cam.Type(ev.SnapshotCameraRequestID); ok {
			n.Command = cameraLabel(t)
		}
	}
	return n.Who, events.Describe(ev, n)
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

// target names the user a request or command is sent to.
func (r *liveRoom) target(e *ientry, userID string) string {
	if n := r.who(e, userID); n != "" {
		return n
	}
	return "the customer"
}

// pictureOf names a picture of a snapshot type (events.PictureOf).
func pictureOf(det, typ string) string { return events.PictureOf(det, typ) }
