package tui

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/interactions"
	"github.com/snapdash/snapdash/views/snapshots"
)

// idata is the part of an interaction's free-form data the dashboard uses.
type idata struct {
	CustomerName           string             `json:"customerName"`
	CustomerUserID         string             `json:"customerUserId"`
	CustomerUserEndpointID string             `json:"customerUserEndpointId"`
	AgentUserID            string             `json:"agentUserId"`
	SessionType            client.SessionType `json:"sessionType"`
	SessionID              string             `json:"sessionId"`
}

// ientry is everything known about one interaction.
type ientry struct {
	id     string
	it     client.Interaction
	haveIt bool
	data   idata
	pinned int       // 1-based position in --interaction, 0 otherwise
	seen   time.Time // when first heard of, for ordering unknown ones
	// listed is true once the snapshot listing came back; loading while asked.
	listed, loading bool
	// relist asks for another listing once the one in flight answers:
	// events it may predate named snapshots it will not have.
	relist bool
	// wantIt: created by the replay at start; its details are fetched
	// after the interaction list if that list does not have them.
	wantIt bool
	err    error
	rows   map[string]*snapshots.Row
	// version counts changes to rows, so the table is refreshed only when
	// the selected interaction's rows changed.
	version int
}

func (e *ientry) title() string {
	if e.data.CustomerName != "" {
		return e.data.CustomerName
	}
	return e.id
}

func (e *ientry) when() time.Time {
	if e.it.CreatedAt != nil {
		return *e.it.CreatedAt
	}
	return e.seen
}

// customer names the customer whose camera took s.
func (e *ientry) customer(s client.Snapshot) string {
	if e.data.CustomerName != "" && (s.UserID == "" || s.UserID == e.data.CustomerUserID) {
		return e.data.CustomerName
	}
	return s.UserID
}

func (e *ientry) waiting() int {
	n := 0
	for _, r := range e.rows {
		if r.Snapshot.State == client.StateRequested {
			n++
		}
	}
	return n
}

// store holds every interaction and snapshot the dashboard knows.
type store struct {
	list  []*ientry
	byID  map[string]*ientry
	owner map[string]string // snapshot id -> interaction id
	dirty bool              // list order or counts changed
	// changes counts every change, so the watch screen rebuilds its rows
	// only when something changed.
	changes uint64
	// gen counts the events applied; touched is the gen of the last event
	// that changed a snapshot. A listing or fetch asked at gen g does not
	// undo what events after g said: its answer may predate them.
	gen     uint64
	touched map[string]uint64
	// recentFile orders the writes of recent.json (see writeRecent).
	recentFile *recentFile
}

func newStore() *store {
	return &store{byID: map[string]*ientry{}, owner: map[string]string{}, touched: map[string]uint64{},
		recentFile: &recentFile{}}
}

// newer reports whether an event changed snapshot id after gen asked.
func (s *store) newer(id string, asked uint64) bool { return s.touched[id] > asked }

// putEvent stores a row changed by the event being applied.
func (s *store) putEvent(e *ientry, r snapshots.Row) {
	s.put(e, r)
	s.touched[r.Snapshot.ID] = s.gen
}

// ensure returns the entry for id, creating it when new.
func (s *store) ensure(id string, now time.Time) (*ientry, bool) {
	if e, ok := s.byID[id]; ok {
		return e, false
	}
	e := &ientry{id: id, seen: now, rows: map[string]*snapshots.Row{}}
	s.byID[id] = e
	s.list = append(s.list, e)
	s.dirty = true
	s.changes++
	return e, true
}

// setInteraction records the interaction's details.
func (s *store) setInteraction(it client.Interaction, now time.Time) *ientry {
	e, _ := s.ensure(it.ID, now)
	e.it, e.haveIt = it, true
	e.data = idata{}
	if len(it.Data) > 0 {
		_ = json.Unmarshal(it.Data, &e.data) // free-form: what does not parse stays empty
	}
	for _, r := range e.rows {
		r.Customer = e.customer(r.Snapshot)
	}
	e.version++
	s.dirty = true
	s.changes++
	return e
}

// sort orders pinned interactions first, then newest first.
func (s *store) sort() {
	sort.SliceStable(s.list, func(i, j int) bool {
		a, b := s.list[i], s.list[j]
		if (a.pinned > 0) != (b.pinned > 0) {
			return a.pinned > 0
		}
		if a.pinned > 0 {
			return a.pinned < b.pinned
		}
		return a.when().After(b.when())
	})
}

// items returns the list view's items.
func (s *store) items() []interactions.Item {
	s.sort()
	out := make([]interactions.Item, len(s.list))
	for i, e := range s.list {
		it := interactions.Item{ID: e.id, Title: e.title(), Count: -1, Waiting: e.waiting()}
		if e.it.CreatedAt != nil {
			it.CreatedAt = *e.it.CreatedAt
		}
		if e.listed || len(e.rows) > 0 {
			it.Count = len(e.rows) - it.Waiting
		}
		out[i] = it
	}
	return out
}

// rowsOf returns the table rows of e in the table's order (newest first,
// then by id), so that the table's stable sort finds them sorted: sorting
// pointers here is much cheaper than moving rows there, which matters when
// a burst of events changes a big table many times a second.
func rowsOf(e *ientry) []snapshots.Row {
	ptrs := make([]*snapshots.Row, 0, len(e.rows))
	for _, r := range e.rows {
		ptrs = append(ptrs, r)
	}
	slices.SortFunc(ptrs, func(a, b *snapshots.Row) int {
		if c := b.When().Compare(a.When()); c != 0 {
			return c
		}
		return strings.Compare(b.Snapshot.ID, a.Snapshot.ID)
	})
	out := make([]snapshots.Row, len(ptrs))
	for i, r := range ptrs {
		out[i] = *r
	}
	return out
}

// row finds a snapshot row anywhere.
func (s *store) row(snapID string) (*ientry, *snapshots.Row) {
	iid, ok := s.owner[snapID]
	if !ok {
		return nil, nil
	}
	e := s.byID[iid]
	if e == nil {
		return nil, nil
	}
	return e, e.rows[snapID]
}

// put stores a row in e.
func (s *store) put(e *ientry, r snapshots.Row) *snapshots.Row {
	r.Customer = e.customer(r.Snapshot)
	p := &r
	e.rows[r.Snapshot.ID] = p
	s.owner[r.Snapshot.ID] = e.id
	e.version++
	s.dirty = true
	s.changes++
	return p
}

// remove deletes a row.
func (s *store) remove(e *ientry, id string) {
	delete(e.rows, id)
	delete(s.owner, id)
	delete(s.touched, id)
	e.version++
	s.dirty = true
	s.changes++
}

// listed replaces e's rows by a listing asked at event gen asked, keeping
// requested rows the listing does not show yet, the optimistic state of rows
// with an action in flight, and what events said after the listing was
// asked (its answer may predate them).
func (s *store) listed(e *ientry, snaps []client.Snapshot, asked uint64) {
	old := e.rows
	e.rows = make(map[string]*snapshots.Row, len(snaps)+4)
	for _, sn := range snaps {
		r := snapshots.Row{Snapshot: sn}
		if o, ok := old[sn.ID]; ok && (o.Op != "" || s.newer(sn.ID, asked)) {
			r.Op, r.Snapshot.State, r.Snapshot.Type = o.Op, o.Snapshot.State, o.Snapshot.Type
		}
		s.put(e, r)
	}
	for id, o := range old {
		if _, ok := e.rows[id]; ok {
			continue
		}
		if o.Snapshot.State == client.StateRequested || s.newer(id, asked) {
			e.rows[id] = o
			continue
		}
		delete(s.owner, id)
		delete(s.touched, id)
	}
	e.listed, e.loading, e.err = true, false, nil
	e.version++
	s.dirty = true
	s.changes++
}

// drop forgets an interaction and its rows.
func (s *store) drop(id string) {
	e := s.byID[id]
	if e == nil {
		return
	}
	for sid := range e.rows {
		delete(s.owner, sid)
		delete(s.touched, sid)
	}
	s.changes++
	delete(s.byID, id)
	for i, x := range s.list {
		if x == e {
			s.list = append(s.list[:i], s.list[i+1:]...)
			break
		}
	}
	s.dirty = true
}
