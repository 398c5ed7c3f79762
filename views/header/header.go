// Package header is the dashboard's top line: server, identity, the state
// of the event stream and the read-only badge.
package header

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/pane"
)

// Conn is the connection state shown on the right.
type Conn int

// Connection states, each with a symbol and a word.
const (
	Connecting Conn = iota
	Live
	Reconnecting
	Polling
	Offline
)

// Label returns the state as symbol and word.
func (c Conn) Label() string {
	switch c {
	case Live:
		return "● live"
	case Reconnecting:
		return "◌ reconnecting"
	case Polling:
		return "◔ polling"
	case Offline:
		return "○ offline"
	}
	return "◌ connecting"
}

// Info is what the header shows.
type Info struct {
	Server, User, Org string
	Roles             []string
	Conn              Conn
	// ConnDetail follows the state, e.g. "retry in 4s".
	ConnDetail string
	// Via names the transport while live when it is not the default SSE
	// stream: "mqtt" shows "● live · mqtt".
	Via      string
	ReadOnly bool
	// ToReview counts the pictures awaiting review everywhere; shown when
	// not zero.
	ToReview int
	// Team is the team review's state when it needs saying ("team:
	// offline").
	Team string
	// Counting, when not empty, says the count is still being completed
	// ("counting 340/1000"): ToReview is then a lower bound.
	Counting string
}

// View draws the header line w cells wide.
func View(st *theme.Styles, in Info, w int) string {
	left := " snapdash"
	if s := sanitize.Line(in.Server); s != "" {
		left += "  " + strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	}
	if u := sanitize.Line(in.User); u != "" {
		who := u
		if o := sanitize.Line(in.Org); o != "" {
			who += "@" + o
		}
		if len(in.Roles) > 0 {
			who += " (" + sanitize.Line(strings.ToLower(strings.TrimPrefix(strings.Join(in.Roles, ","), "ROLE_"))) + ")"
		}
		left += "  " + who
	}
	right := in.Conn.Label()
	switch c := sanitize.Line(in.Counting); {
	case c != "":
		right = strconv.Itoa(in.ToReview) + "+ to review (" + c + ")  " + right
	case in.ToReview > 0:
		right = strconv.Itoa(in.ToReview) + " to review  " + right
	}
	if v := sanitize.Line(in.Via); v != "" && in.Conn == Live {
		right += " · " + v
	}
	if t := sanitize.Line(in.Team); t != "" {
		right = t + "  " + right
	}
	if in.ConnDetail != "" {
		right += " (" + sanitize.Line(in.ConnDetail) + ")"
	}
	right += " "
	badge := ""
	if in.ReadOnly {
		badge = " READ-ONLY "
	}
	rw := ansi.StringWidth(right) + ansi.StringWidth(badge) + 1
	left = pane.Fit(left, max(0, w-rw))
	line := st.Header.Render(left + " " + right)
	if badge != "" {
		line += st.HeaderBadge.Render(badge)
	}
	return line
}
