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
func (m *Model) setConn(u client.StreamUpdate) tea.Cmd {
	prev := m.cs.conn
	switch u.State {
	case client.StateLive:
		m.cs.conn = header.Live
	case client.StateReconnecting:
		m.cs.conn = header.Reconnecting
	case client.StatePolling:
		m.cs.conn = header.Polling
	case client.StateOffline:
		m.cs.conn = header.Offline
	default:
		m.cs.conn = header.Connecting
	}
	m.cs.note, m.cs.retryAt, m.cs.since = "", u.RetryAt, u.Since
	m.cs.via = ""
	if u.Transport == client.TransportMQTT {
		m.cs.via = string(u.Transport)
	}
	var ee *client.EventError
	if errors.As(u.Err, &ee) {
		m.logEvent(events.Error, "an event could not be read: "+ee.Error())
	}
	if m.cs.conn != prev {
		kind, text := events.Event, "stream "+u.State.String()
		if u.Err != nil && ee == nil && m.cs.conn != header.Live {
			kind, text = events.Error, text+": "+u.Err.Error()
		}
		m.logEvent(kind, text)
	}
	if (m.cs.conn == header.Reconnecting || m.cs.conn == header.Offline) && !m.cs.ticking {
		m.cs.ticking = true
		m.cs.gen++
		return m.connTick(m.cs.gen)
	}
	return nil
}

func (m *Model) connTick(gen int) tea.Cmd {
	return m.opts.Tick(time.Second, func(time.Time) tea.Msg { return ConnTickMsg{Gen: gen} })
}

// onConnTick keeps the countdown going while it is needed.
func (m *Model) onConnTick(msg ConnTickMsg) tea.Cmd {
	if msg.Gen != m.cs.gen {
		return nil
	}
	if m.cs.conn != header.Reconnecting && m.cs.conn != header.Offline {
		m.cs.ticking = false
		return nil
	}
	return m.connTick(m.cs.gen)
}

// connDetail is what follows the state in the header.
func (m *Model) connDetail() string {
	if m.cs.note != "" {
		return m.cs.note
	}
	now := m.wall()
	next := ""
	if !m.cs.retryAt.IsZero() {
		if d := m.cs.retryAt.Sub(now); d > 0 {
			next = "next try in " + fmtCountdown(d)
		} else {
			next = "trying now"
		}
	}
	switch m.cs.conn {
	case header.Reconnecting:
		return next
	case header.Offline:
		s := ""
		if !m.cs.since.IsZero() {
			s = "since " + m.cs.since.In(m.opts.Location).Format("15:04:05")
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
