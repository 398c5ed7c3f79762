package tui

import (
	"sort"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
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
// never given up.

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
	// maxListBackoff caps the wait before a failed listing is tried again.
	maxListBackoff = time.Minute
)

// ListTickMsg wakes the listing scheduler when a budget frees up or a
// failed listing is due again.
type ListTickMsg struct{ Gen int }

// lister is the scheduler's state.
type lister struct {
	started        []time.Time // when the listings of the last minute started
	interactionsAt time.Time   // when a re-list last listed the interactions (wall clock)
	// interactionsUntil is the end (Options.Now) of the last interactions
	// listing asked: a re-list asks for those created since.
	interactionsUntil time.Time
	// interactionsRetry is when a failed interactions listing is tried
	// again (zero: none is due); interactionFails counts them in a row.
	interactionsRetry time.Time
	interactionFails  int
	tickGen           int
	tickAt            time.Time // the wake-up scheduled, zero when none
}

// noteListing records a snapshot listing started now.
func (l *lister) noteListing(now time.Time) {
	l.prune(now)
	l.started = append(l.started, now)
}

// prune forgets listings older than the window.
func (l *lister) prune(now time.Time) {
	i := 0
	for i < len(l.started) && now.Sub(l.started[i]) >= listWindow {
		i++
	}
	l.started = l.started[i:]
}

// room reports whether the background budget allows another listing now,
// and else when it will.
func (l *lister) room(now time.Time) (bool, time.Time) {
	l.prune(now)
	if len(l.started) < steadyListings {
		return true, time.Time{}
	}
	return false, l.started[len(l.started)-steadyListings].Add(listWindow)
}

// listSnapshots starts the listing of e, counted against the window.
func (m *Model) listSnapshots(e *ientry) tea.Cmd {
	e.loading = true
	m.lists.noteListing(m.wall())
	return m.loadSnapshots(e.id)
}

// pumpListings keeps up to listConcurrency background listings in flight:
// first every interaction not listed yet (the first full count), then the
// stale ones within the budget. It runs after every message, once the
// interaction list is in.
func (m *Model) pumpListings() tea.Cmd {
	now := m.wall()
	if r := m.lists.interactionsRetry; !m.listing && !r.IsZero() && !now.Before(r) {
		m.lists.interactionsRetry = time.Time{}
		return m.loadInteractions()
	}
	if m.listing || len(m.watchLoads) >= listConcurrency {
		return nil
	}
	var (
		cmds  []tea.Cmd
		stale []*ientry
		wake  time.Time
	)
	due := func(e *ientry) bool {
		if e.retryAt.IsZero() || !now.Before(e.retryAt) {
			return true
		}
		if wake.IsZero() || e.retryAt.Before(wake) {
			wake = e.retryAt
		}
		return false
	}
	for _, e := range m.store.list {
		if e.loading || e.err != nil || !due(e) {
			continue
		}
		switch {
		case !e.listed:
			if len(m.watchLoads) < listConcurrency {
				m.watchLoads[e.id] = true
				cmds = append(cmds, m.listSnapshots(e))
			}
		case e.stale:
			stale = append(stale, e)
		}
	}
	if len(stale) > 0 && len(m.watchLoads) < listConcurrency {
		sort.SliceStable(stale, func(i, j int) bool { return stale[i].listedAt.Before(stale[j].listedAt) })
		for _, e := range stale {
			ok, at := m.lists.room(now)
			if !ok {
				if wake.IsZero() || at.Before(wake) {
					wake = at
				}
				break
			}
			if len(m.watchLoads) >= listConcurrency {
				break
			}
			m.watchLoads[e.id] = true
			cmds = append(cmds, m.listSnapshots(e))
		}
	}
	cmds = append(cmds, m.wakeListingsAt(wake))
	return tea.Batch(cmds...)
}

// wakeListingsAt schedules a ListTickMsg at t unless one is due sooner.
func (m *Model) wakeListingsAt(t time.Time) tea.Cmd {
	l := &m.lists
	if t.IsZero() || (!l.tickAt.IsZero() && !l.tickAt.After(t)) {
		return nil
	}
	l.tickGen++
	l.tickAt = t
	gen := l.tickGen
	return m.opts.Tick(max(t.Sub(m.wall()), time.Millisecond), func(time.Time) tea.Msg { return ListTickMsg{Gen: gen} })
}

// onListTick lets the next pump (after every message) start what is due.
func (m *Model) onListTick(msg ListTickMsg) tea.Cmd {
	if msg.Gen == m.lists.tickGen {
		m.lists.tickAt = time.Time{}
	}
	return nil
}

// listFailed handles a listing that failed. One worth trying again (a
// 429, a 5xx, the network) is retried after the server's Retry-After or a
// backoff, never given up; ok is false for any other failure.
func (m *Model) listFailed(e *ientry, err error) (cmd tea.Cmd, ok bool) {
	after, transient := client.Transient(err)
	if !transient {
		return nil, false
	}
	e.fails++
	wait := time.Second << min(e.fails-1, 6)
	wait = min(max(wait, after), max(maxListBackoff, after))
	e.loading, e.relist = false, false
	e.retryAt = m.wall().Add(wait)
	if e.fails == 1 || e.id == m.selected {
		m.logEvent(events.Error, "listing "+short(e.id)+" failed ("+err.Error()+"); trying again in "+fmtDur(wait))
	}
	return m.wakeListingsAt(e.retryAt), true
}

// retryInteractions schedules the interactions listing again after a
// transient failure (Retry-After, else a backoff): never given up.
func (m *Model) retryInteractions(err error) tea.Cmd {
	after, transient := client.Transient(err)
	if !transient {
		return nil
	}
	l := &m.lists
	l.interactionFails++
	wait := min(max(time.Second<<min(l.interactionFails-1, 6), after), max(maxListBackoff, after))
	l.interactionsRetry = m.wall().Add(wait)
	return m.wakeListingsAt(l.interactionsRetry)
}

// listed notes a listing that succeeded.
func (m *Model) listedOK(e *ientry) {
	e.stale, e.fails, e.retryAt, e.listedAt = false, 0, time.Time{}, m.wall()
}

// resync re-lists what the stream says may have changed, without touching
// the status line: the interactions (at most every 30 s), the selected
// interaction now, and every other one in the background, stale until
// re-listed within the budget.
func (m *Model) resync() tea.Cmd {
	var cmds []tea.Cmd
	now := m.wall()
	if m.lists.interactionsAt.IsZero() || now.Sub(m.lists.interactionsAt) >= relistInteractionsEvery {
		m.lists.interactionsAt = now
		from := m.opts.Now().Add(-m.opts.Since)
		if u := m.lists.interactionsUntil; !u.IsZero() && u.Add(-relistOverlap).After(from) {
			from = u.Add(-relistOverlap) // the new ones only
		}
		cmds = append(cmds, m.loadInteractionsFrom(from))
		m.listing = false // a background re-list shows no spinner
	}
	if e := m.store.byID[m.selected]; e != nil {
		if e.loading {
			e.relist = true
		} else {
			cmds = append(cmds, m.listSnapshots(e))
		}
	}
	for _, e := range m.store.list {
		if e.id != m.selected && e.listed {
			e.stale = true
		}
	}
	return tea.Batch(cmds...)
}

// counting says how far the count of pictures to review is, while it is
// incomplete: "counting 340/1000".
func (m *Model) counting() string {
	n, all := m.store.unlisted(), len(m.store.list)
	if n == 0 || all == 0 {
		return ""
	}
	return "counting " + strconv.Itoa(all-n) + "/" + strconv.Itoa(all)
}
