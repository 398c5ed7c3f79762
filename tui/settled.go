package tui

import "github.com/snapdash/snapdash/views/statusbar"

// Settled reports whether the dashboard has nothing on its way: no action
// in flight, no list or interaction being asked for, and the picture of the
// selected snapshot drawn (or failed) with no other picture loading. A
// screen drawn while settled changes only with a new key, a new event or
// the clock, which is what a test comparing it with a golden file needs
// (package snapdashtest waits for it). Requests waiting for the customer's
// picture do not count: they wait for a person.
func (m *Model) Settled() bool {
	if m.inFlight() > 0 || m.lists.listing || len(m.lists.watchLoads) > 0 || m.status.Kind == statusbar.Progress {
		return false
	}
	for _, e := range m.store.byID {
		if e.loading || (e.pinned != 0 && !e.haveIt && e.err == nil) {
			return false
		}
	}
	if m.preview.Loading() || m.preview.Jobs() > 0 {
		return false
	}
	return m.preview.Wanted() == "" || m.preview.Settled()
}
