// Package listing holds the rules of the dashboard's listing scheduler
// (tui's lists room) that need nothing of the dashboard: the budget of
// background listings per minute, the backoff before a listing the server
// refused for now is tried again, the one wake-up it keeps, and which
// answers say an interaction does not exist.
package listing

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
)

// Budget counts the listings started in the last Window, so that at most
// N start in any Window. The zero Budget allows none; set N and Window.
type Budget struct {
	N      int
	Window time.Duration
	// started holds when the listings of the last Window started, oldest
	// first.
	started []time.Time
}

// Note records a listing started at now (times are not before earlier
// ones).
func (b *Budget) Note(now time.Time) {
	b.prune(now)
	b.started = append(b.started, now)
}

// Room reports whether another listing may start at now, and else when
// the oldest counted one leaves the window and one may (zero when none
// ever may: N is not positive).
func (b *Budget) Room(now time.Time) (ok bool, at time.Time) {
	b.prune(now)
	if len(b.started) < b.N {
		return true, time.Time{}
	}
	if b.N <= 0 {
		return false, time.Time{}
	}
	return false, b.started[len(b.started)-b.N].Add(b.Window)
}

// prune forgets listings that started a Window or more before now.
func (b *Budget) prune(now time.Time) {
	i := 0
	for i < len(b.started) && now.Sub(b.started[i]) >= b.Window {
		i++
	}
	b.started = b.started[i:]
}

// Alarm is one wake-up, the soonest asked for: asking for a later one
// while one is set changes nothing, asking for a sooner one replaces it
// (the replaced one, when it rings, is known stale by its generation). The
// zero Alarm is unset.
type Alarm struct {
	gen int
	at  time.Time // when the wake-up is set for; zero when none is
}

// Set asks for a wake-up at t (zero: none). It reports whether one must be
// scheduled, tagged with gen; false when one is set for t or sooner.
func (a *Alarm) Set(t time.Time) (gen int, schedule bool) {
	if t.IsZero() || (!a.at.IsZero() && !a.at.After(t)) {
		return 0, false
	}
	a.gen++
	a.at = t
	return a.gen, true
}

// Rang notes that the wake-up tagged gen rang: when it is the one set, the
// alarm is unset; a replaced one changes nothing.
func (a *Alarm) Rang(gen int) {
	if gen == a.gen {
		a.at = time.Time{}
	}
}

// MaxBackoff caps the wait before a failed listing is tried again, unless
// the server's Retry-After asks for longer.
const MaxBackoff = time.Minute

// Backoff is the wait before trying again a listing that failed fails
// times in a row (1 or more): 1 s, 2 s, 4 s … up to MaxBackoff, and never
// less than the server's Retry-After (after, zero when it gave none), which
// may exceed MaxBackoff.
func Backoff(fails int, after time.Duration) time.Duration {
	wait := time.Second << min(max(fails, 1)-1, 6)
	return min(max(wait, after), max(MaxBackoff, after))
}

// UnknownInteraction reports whether err says the interaction asked about
// does not exist: a 404, or the API's 400 naming the interaction id as
// unknown. Any other error (a timeout, a 5xx, the network) says nothing
// about the interaction.
func UnknownInteraction(err error) bool {
	if client.IsNotFound(err) {
		return true
	}
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		return false
	}
	return strings.HasPrefix(ae.Fields["interactionId"], "unknown")
}
