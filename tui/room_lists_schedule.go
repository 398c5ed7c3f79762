package tui

import (
	"sort"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui/listing"
	"github.com/snapdash/snapdash/tui/upstream"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/events"
)

// The listing scheduler. The count of pictures to review covers every
// interaction, so each one's snapshots are listed once at start (the first
// full count), a few at a time, at the client's bounded request rate.
// After that the dashboard re-lists only what it needs: the selected
// interaction when the stream asks for a re-list, the interactions events
// named, and, in the background, the interactions a re-list marked stale,
// oldest first, within a budget of listings per minute. So an organization
// of thousands of interactions costs its size once, then a steady trickle,
// in every transport. A listing the server refused for now (429, 5xx, the
// network) is tried again after the server's Retry-After or a backoff,
// never given up. The scheduler is the lists room's (room_lists.go); the
// budget and backoff arithmetic is tui/listing's.

const (
	// listConcurrency is how many background listings are in flight at
	// once, so thousands of interactions are not asked at once.
	listConcurrency = 8
	// steadyListings is the background budget: once the first count is
	// complete, stale interactions are re-listed while fewer than this many
	// snapshot listings started in the last minute. The selected
	// interaction and those events named come on top (a dozen a minute
	// while polling), so the total stays under 100 a minute.
	steadyListings = 80
	listWindow     = time.Minute
	// relistInteractionsEvery bounds how often a re-list asked by the
	// stream (MQTT's timer, polling) lists the interactions themselves.
	relistInteractionsEvery = 30 * time.Second
	// relistOverlap is how far before the end of the last interactions
	// listing a re-list starts (clocks and commits are not instant).
	relistOverlap = time.Minute
)

// ListTickMsg wakes the listing scheduler when a budget frees up or a
// failed listing is due again.
type ListTickMsg struct{ Gen int }

// lister is the scheduler's state.
type lister struct {
	budget         listing.Budget // the background listings of the last minute
	interactionsAt time.Time      // when a re-list last listed the interactions (wall clock)
	// interactionsUntil is the end (Options.Now) of the last interactions
	// listing asked: a re-list asks for those created since.
	interactionsUntil time.Time
	// interactionsRetry is when a failed interactions listing is tried
	// again (zero: none is due); interactionFails counts them in a row.
	interactionsRetry time.Time
	interactionFails  int
	wake              listing.Alarm // the scheduler's next ListTickMsg
}

// newBudget is the background budget: steadyListings a minute.
func newBudget() listing.Budget { return listing.Budget{N: steadyListings, Window: listWindow} }

// listSnapshots starts the listing of e, counted against the window.
func (r *listsRoom) listSnapshots(e *ientry) tea.Cmd {
	e.loading = true
	r.sched.budget.Note(r.wall())
	return r.loadSnapshots(e.id)
}

// pumpListings keeps up to listConcurrency background listings in flight:
// first every interaction not listed yet (the first full count), then the
// stale ones within the budget. It runs after every message, once the
// interaction list is in.
func (r *listsRoom) pumpListings() tea.Cmd {
	now := r.wall()
	if retry := r.sched.interactionsRetry; !r.listing && !retry.IsZero() && !now.Before(retry) {
		r.sched.interactionsRetry = time.Time{}
		return r.loadInteractions()
	}
	if r.listing || len(r.watchLoads) >= listConcurrency {
		return nil
	}
	unlisted, stale, wake := r.due(now)
	var cmds []tea.Cmd
	for _, e := range unlisted {
		if len(r.watchLoads) >= listConcurrency {
			break
		}
		cmds = append(cmds, r.startListing(e))
	}
	cmds = append(cmds, r.listStale(stale, now, &wake)...)
	cmds = append(cmds, r.wakeListingsAt(wake))
	return tea.Batch(cmds...)
}

// due sorts out the interactions a pump may list at now: those never
// listed (in the store's order), the stale ones (least recently listed
// first), and when the first of those waiting out a backoff is due (zero:
// none is). An interaction being listed, or whose listing failed for good,
// is none of them.
func (r *listsRoom) due(now time.Time) (unlisted, stale []*ientry, wake time.Time) {
	for _, e := range r.store.list {
		switch {
		case e.loading || e.err != nil:
		case !e.retryAt.IsZero() && now.Before(e.retryAt):
			wake = earliest(wake, e.retryAt)
		case !e.listed:
			unlisted = append(unlisted, e)
		case e.stale:
			stale = append(stale, e)
		}
	}
	sort.SliceStable(stale, func(i, j int) bool { return stale[i].listedAt.Before(stale[j].listedAt) })
	return unlisted, stale, wake
}

// listStale starts the listings of stale, in order, while the background
// budget and listConcurrency allow; when the budget stops it, wake moves
// to when it allows the next.
func (r *listsRoom) listStale(stale []*ientry, now time.Time, wake *time.Time) []tea.Cmd {
	if len(r.watchLoads) >= listConcurrency {
		return nil
	}
	var cmds []tea.Cmd
	for _, e := range stale {
		ok, at := r.sched.budget.Room(now)
		if !ok {
			*wake = earliest(*wake, at)
			break
		}
		if len(r.watchLoads) >= listConcurrency {
			break
		}
		cmds = append(cmds, r.startListing(e))
	}
	return cmds
}

// startListing starts a background listing of e: the first count's, or a
// stale interaction's. Under serve the sessions share one upstream, and a
// listing another session made within listWindow (that no event has
// dropped since) is as good: N reviewers cost the platform one first
// count and one sweep, not N.
func (r *listsRoom) startListing(e *ientry) tea.Cmd {
	r.watchLoads[e.id] = true
	e.loading = true
	r.sched.budget.Note(r.wall())
	return r.loadSnapshotsIn(upstream.Background(r.ctx, listWindow), e.id)
}

// earliest is the sooner of a and t, a being zero for none yet.
func earliest(a, t time.Time) time.Time {
	if a.IsZero() || t.Before(a) {
		return t
	}
	return a
}

// wakeListingsAt schedules a ListTickMsg at t unless one is due sooner.
func (r *listsRoom) wakeListingsAt(t time.Time) tea.Cmd {
	gen, ok := r.sched.wake.Set(t)
	if !ok {
		return nil
	}
	return r.opts.Tick(max(t.Sub(r.wall()), time.Millisecond), func(time.Time) tea.Msg { return ListTickMsg{Gen: gen} })
}

// onListTick lets the next pump (after every message) start what is due.
func (r *listsRoom) onListTick(msg ListTickMsg) tea.Cmd {
	r.sched.wake.Rang(msg.Gen)
	return nil
}

// listFailed handles a listing that failed. One worth trying again (a
// 429, a 5xx, the network) is retried after the server's Retry-After or a
// backoff, never given up; ok is false for any other failure.
func (r *listsRoom) listFailed(e *ientry, err error) (cmd tea.Cmd, ok bool) {
	after, transient := client.Transient(err)
	if !transient {
		return nil, false
	}
	e.fails++
	wait := listing.Backoff(e.fails, after)
	e.loading, e.relist = false, false
	e.retryAt = r.wall().Add(wait)
	if e.fails == 1 || e.id == r.selected {
		r.logEvent(events.Error, "listing "+short(e.id)+" failed ("+err.Error()+"); trying again in "+common.Dur(wait))
	}
	return r.wakeListingsAt(e.retryAt), true
}

// retryInteractions schedules the interactions listing again after a
// transient failure (Retry-After, else a backoff): never given up.
func (r *listsRoom) retryInteractions(err error) tea.Cmd {
	after, transient := client.Transient(err)
	if !transient {
		return nil
	}
	l := &r.sched
	l.interactionFails++
	wait := listing.Backoff(l.interactionFails, after)
	l.interactionsRetry = r.wall().Add(wait)
	return r.wakeListingsAt(l.interactionsRetry)
}

// listed notes a listing that succeeded.
func (r *listsRoom) listedOK(e *ientry) {
	e.stale, e.fails, e.retryAt, e.listedAt = false, 0, time.Time{}, r.wall()
}

// resync re-lists what the stream says may have changed, without touching
// the status line: the interactions (at most every 30 s), the selected
// interaction now, and every other one in the background, stale until
// re-listed within the budget.
func (r *listsRoom) resync() tea.Cmd {
	var cmds []tea.Cmd
	now := r.wall()
	if r.sched.interactionsAt.IsZero() || now.Sub(r.sched.interactionsAt) >= relistInteractionsEvery {
		r.sched.interactionsAt = now
		from := r.opts.Now().Add(-r.opts.Since)
		if u := r.sched.interactionsUntil; !u.IsZero() && u.Add(-relistOverlap).After(from) {
			from = u.Add(-relistOverlap) // the new ones only
		}
		cmds = append(cmds, r.loadInteractionsFrom(from))
		r.listing = false // a background re-list shows no spinner
	}
	if e := r.store.byID[r.selected]; e != nil {
		if e.loading {
			e.relist = true
		} else {
			cmds = append(cmds, r.listSnapshots(e))
		}
	}
	for _, e := range r.store.list {
		if e.id != r.selected && e.listed {
			e.stale = true
		}
	}
	return tea.Batch(cmds...)
}

// counting says how far the count of pictures to review is, while it is
// incomplete: "counting 340/1000".
func (r *listsRoom) counting() string {
	n, all := r.store.unlisted(), len(r.store.list)
	if n == 0 || all == 0 {
		return ""
	}
	return "counting " + strconv.Itoa(all-n) + "/" + strconv.Itoa(all)
}
