package sshserve

import "time"

// Clock tells the time and sets timers for the idle timeout. The server
// uses the system clock unless Options.Clock gives another, which tests do
// to run an idle timeout without waiting for it on the wall clock.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After sends the time on the channel once d has passed.
	After(d time.Duration) <-chan time.Time
}

// systemClock is the wall clock.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
