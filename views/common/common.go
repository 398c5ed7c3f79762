// Package common is what every component of one program (one local run,
// one SSH session) shares, by pointer: its styles, its clock, its time
// zone and the spinner's frame. Components read it when they draw, so
// their View takes no clock or spinner arguments, and the root changes it
// in one place. It holds no package-level state: each program builds its
// own (soft-serve's pkg/ui/common is the model).
package common

import (
	"strconv"
	"time"

	"github.com/snapdash/snapdash/theme"
)

// Common is one program's shared state.
type Common struct {
	// Styles are the program's styles, built on its own renderer.
	Styles *theme.Styles
	// Now is the program's clock.
	Now func() time.Time
	// Location is the zone absolute times are shown in.
	Location *time.Location
	// Spinner is the spinner's frame now, for rows waiting on something.
	Spinner string
}

// New returns the shared state of a program drawing with st, reading the
// time from now (time.Now when nil) and showing it in loc (time.Local when
// nil).
func New(st *theme.Styles, now func() time.Time, loc *time.Location) *Common {
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.Local
	}
	return &Common{Styles: st, Now: now, Location: loc}
}

// Dur says a duration in its largest whole unit, for messages: "24h",
// "90m", else as time.Duration prints it ("1m30s").
func Dur(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.String()
}
