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
