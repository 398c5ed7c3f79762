package upstream

import (
	"strconv"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/header"
)

// Conn is a dashboard's event stream's condition as its header shows it:
// the state, why there is no stream (Note), the live transport when not
// SSE (Via), and the times of the next attempt and of the outage. The
// times come from the stream, which runs on the wall clock, so Detail is
// given the wall clock's now, not a test's fixed clock.
type Conn struct {
	State   header.Conn
	Note    string    // fixed detail (no stream, no endpoint, stream closed)
	Via     string    // the live transport when not SSE ("mqtt")
	RetryAt time.Time // next connection attempt (reconnecting, offline)
	Since   time.Time // start of the outage (offline)
}

// Set records the state an update reports and returns the state before.
func (c *Conn) Set(u client.StreamUpdate) (prev header.Conn) {
	prev = c.State
	switch u.State {
	case client.StateLive:
		c.State = header.Live
	case client.StateReconnecting:
		c.State = header.Reconnecting
	case client.StatePolling:
		c.State = header.Polling
	case client.StateOffline:
		c.State = header.Offline
	default:
		c.State = header.Connecting
	}
	c.Note, c.RetryAt, c.Since = "", u.RetryAt, u.Since
	c.Via = ""
	if u.Transport == client.TransportMQTT {
		c.Via = string(u.Transport)
	}
	return prev
}

// Waiting reports whether a new attempt is awaited (reconnecting or
// offline): the header counts down to it.
func (c Conn) Waiting() bool {
	return c.State == header.Reconnecting || c.State == header.Offline
}

// Detail is what follows the state in the header at now: the countdown to
// the next attempt, since when the stream is offline, how often a polling
// stream re-lists, or the fixed note.
func (c Conn) Detail(now time.Time, loc *time.Location) string {
	if c.Note != "" {
		return c.Note
	}
	next := ""
	if !c.RetryAt.IsZero() {
		if d := c.RetryAt.Sub(now); d > 0 {
			next = "next try in " + Countdown(d)
		} else {
			next = "trying now"
		}
	}
	switch c.State {
	case header.Reconnecting:
		return next
	case header.Offline:
		s := ""
		if !c.Since.IsZero() {
			s = "since " + c.Since.In(loc).Format("15:04:05")
		}
		if s != "" && next != "" {
			return s + " · " + next
		}
		return s + next
	case header.Polling:
		return "no event stream; re-listing every " + common.Dur(client.DefaultStreamPollInterval)
	}
	return ""
}

// Countdown rounds up to whole seconds: "4s", "1m05s".
func Countdown(d time.Duration) string {
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
