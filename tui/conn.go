package tui

import (
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/upstream"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/header"
)

// connState is the event stream's condition as the header shows it
// (upstream.Conn) and the header's countdown to the next attempt, which
// ticks once a second on the wall clock while one is awaited.
type connState struct {
	upstream.Conn
	gen     int // generation of the countdown tick
	ticking bool
}

// setConn records the state an update reports, logs changes in the events
// pane and starts the countdown while a new attempt is awaited.
func (r *liveRoom) setConn(u client.StreamUpdate) tea.Cmd {
	prev := r.cs.Set(u)
	var ee *client.EventError
	if errors.As(u.Err, &ee) {
		r.logEvent(events.Error, "an event could not be read: "+ee.Error())
	}
	if r.cs.State != prev {
		kind, text := events.Event, "stream "+u.State.String()
		if u.Err != nil && ee == nil && r.cs.State != header.Live {
			kind, text = events.Error, text+": "+u.Err.Error()
		}
		r.logEvent(kind, text)
	}
	if r.cs.Waiting() && !r.cs.ticking {
		r.cs.ticking = true
		r.cs.gen++
		return r.connTick(r.cs.gen)
	}
	return nil
}

func (r *liveRoom) connTick(gen int) tea.Cmd {
	return r.opts.Tick(time.Second, func(time.Time) tea.Msg { return ConnTickMsg{Gen: gen} })
}

// onConnTick keeps the countdown going while it is needed.
func (r *liveRoom) onConnTick(msg ConnTickMsg) tea.Cmd {
	if msg.Gen != r.cs.gen {
		return nil
	}
	if !r.cs.Waiting() {
		r.cs.ticking = false
		return nil
	}
	return r.connTick(r.cs.gen)
}

// connDetail is what follows the state in the header.
func (r *liveRoom) connDetail() string { return r.cs.Detail(r.wall(), r.opts.Location) }
