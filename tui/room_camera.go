package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	camcorr "github.com/snapdash/snapdash/tui/camera"
	camview "github.com/snapdash/snapdash/views/camera"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/statusbar"
)

// cameraRoom owns camera commands (c): the menu for the customer's device,
// the command sent, the server's reply and the device's answer, said on
// the status line. What needs no type of this package (the commands in
// flight as tasks of the registry, the answers matched to them, their
// words) is tui/camera's.
type cameraRoom struct {
	*hub           // shared services (hub.go)
	*camcorr.Model // the commands sent and the device's answers matched to them
	choice         // the selection and the rule of what may run, asked of the root
}

// open opens the camera menu for the customer's device; when the device
// is not known yet the menu asks for it.
func (r *cameraRoom) open() tea.Cmd {
	if !r.allowed(actCamera) {
		return nil
	}
	e := r.store.byID[r.interaction()]
	user, ep := e.customerDevice()
	iid := e.id
	c, cmd := camview.New(r.st, e.title(), camview.Target{UserID: user, UserEndpointID: ep},
		func(t client.CameraRequestType, to camview.Target) dialog.Result {
			return CameraChosen{InteractionID: iid, Type: t, Target: to}
		})
	r.openDialog(&cameraDialog{viewDialog[camview.Model]{m: c}}, iid)
	return cmd
}

// request sends the command chosen in the menu to the customer's device.
func (r *cameraRoom) request(c CameraChosen) tea.Cmd {
	if !r.allowedOn(actCamera, c.InteractionID, "") {
		return nil
	}
	e := r.store.byID[c.InteractionID]
	text := camcorr.SendingText(c.Type, e.title())
	r.progress(text)
	return r.Send(client.CameraRequestCommand{
		TargetUserID: c.Target.UserID, TargetUserEndpointID: c.Target.UserEndpointID,
		SessionType: e.data.SessionType, SessionID: e.data.SessionID, CameraRequestType: c.Type,
	}, text)
}

// onSent shows the server's reply to one of our commands: refused, on its
// way to the device, or already answered by it.
func (r *cameraRoom) onSent(msg camcorr.SentMsg) tea.Cmd {
	o, ok := r.Update(msg)
	switch {
	case !ok:
		return nil
	case o.Err != nil:
		r.fail(o.Err)
	case o.Answer != nil:
		r.outcome(o)
		return r.ring() // the device's answer is news (hub.go)
	default:
		text, _ := o.Text()
		r.succeed(text)
	}
	return nil
}

// outcome shows the device's answer to our camera command, with the
// device's reason when it failed. The events pane has the event's own
// line.
func (r *cameraRoom) outcome(o camcorr.Outcome) {
	text, ok := o.Text()
	kind := statusbar.OK
	if !ok {
		kind = statusbar.Error
	}
	r.status = statusbar.Status{Kind: kind, Text: text}
}
