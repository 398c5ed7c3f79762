package tui

import (
	"errors"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/header"
)

// connState is the event stream's condition as the header shows it. The
// times come from the stream, which runs on the wall clock, so the header's
// countdown is measured with wall, not with Options.Now (a test's fixed
// clock).
type connState struct {
	conn    header.Conn
	note    string    // fixed detail (no stream, no endpoint)
	via     string    // the live transport when not SSE ("mqtt")
	retryAt time.Time // next connection attempt (reconnecting, offline)
	since   time.Time // start of the outage (offline)
	gen     int       // generation of the countdown tick
	ticking bool
}

// setConn records the state an update reports, logs changes in the events
// pane and starts the countdown while a new attempt is awaited.
func (r *liveRoom) setConn(u client.StreamUpdate) tea.Cmd {
	prev := r.cs.conn
	switch u.State {
	case client.StateLive:
		r.cs.conn = header.Live
	case client.StateReconnecting:
		r.cs.conn = header.Reconnecting
	case client.StatePolling:
		r.cs.conn = header.Polling
	case client.StateOffline:
		r.cs.conn = header.Offline
	default:
		r.cs.conn = header.Connecting
	}
	r.cs.note, r.cs.retryAt, r.cs.since = "", u.RetryAt, u.Since
	r.cs.via = ""
	if u.Transport == client.TransportMQTT {
		r.cs.via = string(u.Transport)
	}
	var ee *client.EventError
	if errors.As(u.Err, &ee) {
		r.logEvent(events.Error, "an event could not be read: "+ee.Error())
	}
	if r.cs.conn != prev {
		kind, text := events.Event, "stream "+u.State.String()
		if u.Err != nil && ee == nil && r.cs.conn != header.Live {
			kind, text = events.Error, text+": "+u.Err.Error()
		}
		r.logEvent(kind, text)
	}
	if (r.cs.conn == header.Reconnecting || r.cs.conn == header.Offline) && !r.cs.ticking {
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
	if r.cs.conn != header.Reconnecting && r.cs.conn != header.Offline {
		r.cs.ticking = false
		return nil
	}
	return r.connTick(r.cs.gen)
}

// connDetail is what follows the state in the header.
func (r *liveRoom) connDetail() string {
	if r.cs.note != "" {
		return r.cs.note
	}
	now := r.wall()
	next := ""
	if !r.cs.retryAt.IsZero() {
		if d := r.cs.retryAt.Sub(now); d > 0 {
			next = "next try in " + fmtCountdown(d)
		} else {
			next = "trying now"
		}
	}
	switch r.cs.conn {
	case header.Reconnecting:
		return next
	case header.Offline:
		s := ""
		if !r.cs.since.IsZero() {
			s = "since " + r.cs.since.In(r.opts.Location).Format("15:04:05")
		}
		if s != "" && next != "" {
			return s + " · " + next
		}
		return s + next
	case header.Polling:
		return "no event stream; re-listing every " + fmtDur(client.DefaultStreamPollInterval)
	}
	return ""
}

// fmtCountdown rounds up to whole seconds: "4s", "1m05s".
func fmtCountdown(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s < 60 {
		return strconv.Itoa(s) + "s"
	}
	sec := s % 60
	out := strconv.Itoa(s/60) + "m"
	if sec < 10 {
		out += "0"
	}
	return out + strconv.Itoa(sec) + "s"
}
