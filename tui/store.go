package tui

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
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

// record is one snapshot as the dashboard knows it: what the server said
// (a listing, a fetch or an event), never a guess. Operations in flight
// are laid over it when drawn (package review).
type record struct {
	client.Snapshot
	// at is when the row happened (the event's time for a picture that
	// arrived live); Snapshot.When() when zero.
	at time.Time
}

// when returns the row's time.
func (s *record) when() time.Time {
	if !s.at.IsZero() {
		return s.at
	}
	return s.Snapshot.When()
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
	// stale: a re-list was asked (resync, MQTT's timer, polling); the
	// scheduler re-lists it in the background, oldest listedAt first.
	stale    bool
	listedAt time.Time
	// fails counts transient failures in a row of its listing; retryAt is
	// when it is tried again.
	fails   int
	retryAt time.Time
	// wantIt: created by the replay at start; its details are fetched
	// after the interaction list if that list does not have them.
	wantIt bool
	err    error
	rows   map[string]*record
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

// customerDevice returns the customer's user and user endpoint. The API
// names them itself: every snapshot carries its customer's userId and
// userEndpointId, and a requested row the target of its request; the
// newest that has both wins. The interaction's free-form data, which only
// some servers fill, comes last.
func (e *ientry) customerDevice() (userID, endpointID string) {
	var best *record
	for _, r := range e.rows {
		if r.UserID == "" || r.UserEndpointID == "" {
			continue
		}
		if best == nil || r.when().After(best.when()) || (r.when().Equal(best.when()) && r.ID > best.ID) {
			best = r
		}
	}
	if best != nil {
		return best.UserID, best.UserEndpointID
	}
	return e.data.CustomerUserID, e.data.CustomerUserEndpointID
}

// customerID is the customer's user id, when known.
func (e *ientry) customerID() string {
	u, _ := e.customerDevice()
	return u
}

func (e *ientry) when() time.Time {
	if e.it.CreatedAt != nil {
		return *e.it.CreatedAt
	}
	return e.seen
}

// customer names the customer whose camera took s: the name the
// interaction's data gives, when it names that user, else the user id the
// API gives.
func (e *ientry) customer(s client.Snapshot) string {
	if e.data.CustomerName != "" && (s.UserID == "" || s.UserID == e.data.CustomerUserID || e.data.CustomerUserID == "") {
		return e.data.CustomerName
	}
	return s.UserID
}

func (e *ientry) waiting() int {
	n := 0
	for _, r := range e.rows {
		if r.State == client.StateRequested {
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
}

func newStore() *store {
	return &store{byID: map[string]*ientry{}, owner: map[string]string{}, touched: map[string]uint64{}}
}

// newer reports whether an event changed snapshot id after gen asked.
func (s *store) newer(id string, asked uint64) bool { return s.touched[id] > asked }

// putEvent stores a row changed by the event being applied.
func (s *store) putEvent(e *ientry, r record) {
	s.put(e, r)
	s.touched[r.ID] = s.gen
}

// ensure returns the entry for id, creating it when new.
func (s *store) ensure(id string, now time.Time) (*ientry, bool) {
	if e, ok := s.byID[id]; ok {
		return e, false
	}
	e := &ientry{id: id, seen: now, rows: map[string]*record{}}
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

// sorted returns e's rows in the table's order (newest first, then by id),
// so that the table's stable sort finds them sorted: sorting pointers here
// is much cheaper than moving rows there, which matters when a burst of
// events changes a big table many times a second.
func (e *ientry) sorted() []*record {
	ptrs := make([]*record, 0, len(e.rows))
	for _, r := range e.rows {
		ptrs = append(ptrs, r)
	}
	slices.SortFunc(ptrs, func(a, b *record) int {
		if c := b.when().Compare(a.when()); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return ptrs
}

// row finds a snapshot row anywhere.
func (s *store) row(snapID string) (*ientry, *record) {
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
func (s *store) put(e *ientry, r record) *record {
	p := &r
	e.rows[r.ID] = p
	s.owner[r.ID] = e.id
	e.version++
	s.dirty = true
	s.changes++
	return p
}

// bump marks the row of snapshot id changed without changing it, so the
// table draws it again (an operation on it began or ended).
func (s *store) bump(id string) {
	if e, r := s.row(id); r != nil {
		e.version++
		s.dirty = true
		s.changes++
	}
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
// requested rows the listing does not show yet and what events said after
// the listing was asked (its answer may predate them).
func (s *store) listed(e *ientry, snaps []client.Snapshot, asked uint64) {
	old := e.rows
	e.rows = make(map[string]*record, len(snaps)+4)
	for _, sn := range snaps {
		s.put(e, s.fetched(old[sn.ID], sn, asked))
	}
	for id, o := range old {
		if _, ok := e.rows[id]; ok {
			continue
		}
		if o.State == client.StateRequested || s.newer(id, asked) {
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

// fetched is the row for sn, fetched at event gen asked, where old was
// known before: the state and type that events gave after asked win over
// the fetch's (its answer may predate them).
func (s *store) fetched(old *record, sn client.Snapshot, asked uint64) record {
	r := record{Snapshot: sn}
	if old != nil && s.newer(sn.ID, asked) {
		r.State, r.Type = old.State, old.Type
	}
	return r
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
