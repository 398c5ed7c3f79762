package tui

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/requestform"
	"github.com/snapdash/snapdash/views/snapshots"
)

// choice is what the action rooms (requests, camera, files) ask of the
// root about the reviewer's selection. The root sets it in New.
type choice struct {
	// allowed reports whether a may run on the selection now; when not,
	// the status line says why. The one rule is the review room's
	// (can.go), which every action asks.
	allowed func(a action) bool
	// allowedOn is the same on the interaction and snapshot a dialog
	// named when it opened, asked again before anything is sent.
	allowedOn func(a action, iid, sid string) bool
	// interaction is the selected interaction's id ("" when none).
	interaction func() string
	// row is the selected snapshot's row (ok false when none).
	row func() (r snapshots.Row, ok bool)
}

// requestsRoom owns picture requests (r): the request form prefilled with
// the customer's device, the request sent, the row shown as requested at
// once and taken back if the server refuses, and the server's answer.
type requestsRoom struct {
	*hub   // shared services (hub.go)
	choice // the selection and the rule of what may run, asked of the root

	// tempSeq numbers the rows shown while a request awaits the server
	// ("pending-1").
	tempSeq int
	// showNew puts the snapshots table's cursor on row sid, which a
	// request just added to the selected interaction (the root's table:
	// listed first, so the row is there to select).
	showNew func(sid string)
}

// open opens the request form prefilled with the customer's device.
func (r *requestsRoom) open() tea.Cmd {
	if !r.allowed(actRequest) {
		return nil
	}
	e := r.store.byID[r.interaction()]
	user, ep := e.customerDevice()
	v := requestform.Values{TargetUserID: user, TargetUserEndpointID: ep}
	if e.data.SessionType != "" || e.data.SessionID != "" {
		v.Session = strings.TrimSpace(string(e.data.SessionType) + " " + e.data.SessionID)
	}
	iid := e.id
	f, cmd := requestform.New(r.st, v, func(v requestform.Values) dialog.Result {
		return RequestSubmitted{InteractionID: iid, Values: v}
	})
	r.openDialog(&requestDialog{viewDialog[requestform.Model]{m: f}}, iid)
	return cmd
}

// request asks the customer's device for a picture. A requested row shows
// at once and is removed again if the server refuses.
func (r *requestsRoom) request(s RequestSubmitted) tea.Cmd {
	if !r.allowedOn(actRequest, s.InteractionID, "") {
		return nil
	}
	e, v := r.store.byID[s.InteractionID], s.Values
	r.tempSeq++
	temp := "pending-" + strconv.Itoa(r.tempSeq)
	r.store.put(e, record{at: r.opts.Now(), Snapshot: client.Snapshot{
		ID: temp, Type: v.SnapshotType, State: client.StateRequested, InteractionID: e.id,
		UserID: v.TargetUserID, UserEndpointID: v.TargetUserEndpointID, RequesterUserID: r.opts.Identity.UserID,
	}})
	op := r.begin("requesting " + pictureOf("a", v.SnapshotType) + " from " + e.title())
	cmd := client.SnapshotRequestCommand{
		ApplicationID: r.opts.ApplicationID, UserEndpointID: r.opts.UserEndpointID,
		TargetUserID: v.TargetUserID, TargetUserEndpointID: v.TargetUserEndpointID,
		SessionType: e.data.SessionType, SessionID: e.data.SessionID,
		InteractionID: e.id, SnapshotType: v.SnapshotType,
	}
	api, ctx, iid := r.api, r.ctx, e.id
	return func() tea.Msg {
		res, err := api.Request(ctx, cmd)
		return RequestDoneMsg{Op: op, TempID: temp, InteractionID: iid, Result: res, Err: err}
	}
}

// onDone replaces the requested row by the server's snapshot, or takes it
// back when the server refused.
func (r *requestsRoom) onDone(msg RequestDoneMsg) tea.Cmd {
	r.end(msg.Op)
	e := r.store.byID[msg.InteractionID]
	var temp record
	if e != nil {
		if row := e.rows[msg.TempID]; row != nil {
			temp = *row
		}
		r.store.remove(e, msg.TempID)
	}
	if msg.Err != nil {
		r.fail(msg.Err)
		return nil
	}
	id := msg.Result.SnapshotID
	if e != nil && id != "" {
		if _, row := r.store.row(id); row == nil {
			temp.ID = id
			r.store.put(e, temp)
		}
		if r.interaction() == e.id {
			// The server's answer may come before the stream's event.
			r.showNew(id)
		}
	}
	r.succeed("requested " + short(id) + "; waiting for the customer's picture")
	return nil
}
