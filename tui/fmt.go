package tui

import (
	"time"
)

// fmtTime formats an absolute time for details, in Options.Location.
func (h *hub) fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(h.opts.Location).Format("2006-01-02 15:04:05 MST")
}
