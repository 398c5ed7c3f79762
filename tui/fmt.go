package tui

import (
	"strconv"
	"time"
)

// fmtDur formats a duration like "24h" or "90m" for messages.
func fmtDur(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.String()
}

// fmtTime formats an absolute time for details, in Options.Location.
func (h *hub) fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(h.opts.Location).Format("2006-01-02 15:04:05 MST")
}
