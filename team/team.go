// Package team shares review claims among reviewers so that no picture is
// reviewed twice: opening a picture awaiting review claims it for a short
// lease, renewed while it stays open and released when the reviewer acts or
// moves on; the others skip it and see who has it.
//
// A Hub is one process's view of the team's claims; every reviewer of the
// process (one local dashboard, or every SSH session of one `snapdash
// serve`) joins it as a Reviewer. NewMemory shares claims within the process
// only; Connect shares them across processes and machines through an MQTT
// broker (see mqtt.go for the protocol).
//
// Every change to a claim is a message in one sequence that every hub
// applies in the same order (the broker's order, or the memory hub's lock),
// with a deterministic rule: a claim is accepted when the picture is free,
// already the claimant's, or held by the claim the claimant saw expire. So
// two reviewers claiming at once never both keep the picture: the earlier
// claim wins, and the later one is told who has it.
package team

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"sync"
	"time"
)

// Defaults.
const (
	// DefaultLease is how long a claim lasts without renewal.
	DefaultLease = 2 * time.Minute
	// DefaultMargin is how much later than its lease a claim is taken as
	// expired, for clocks and renewals that run late.
	DefaultMargin = 15 * time.Second
	// minLease and maxLease bound the lease a message may ask for.
	minLease = 5 * time.Second
	maxLease = 30 * time.Minute
	// maxPayload bounds a claim message.
	maxPayload = 2048
)

// Options configure a Hub.
type Options struct {
	// Lease is a claim's lease (default DefaultLease); claims are renewed
	// every third of it while their reviewer keeps them.
	Lease time.Duration
	// Margin is added to a lease before a claim counts as expired (default
	// DefaultMargin).
	Margin time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Trace, when set, is called after each claim message is applied, with
	// whether it was accepted; benchmarks measure with it. It must not call
	// back into the hub.
	Trace func(Applied)
}

// Applied describes one applied message, for Options.Trace.
type Applied struct {
	SnapshotID string
	// Op is "claim", "hold" or "release"; Owner the reviewer who sent it.
	Op, Owner string
	// Sent is the sender's time (its clock) and At when it was applied
	// here (this hub's clock).
	Sent, At time.Time
	Accepted bool
}

func (o Options) withDefaults() Options {
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	o.Lease = min(max(o.Lease, minLease), maxLease)
	if o.Margin <= 0 {
		o.Margin = DefaultMargin
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Kind is what an Event reports.
type Kind int

// The events.
const (
	// Changed: a picture's holder changed (redraw its row).
	Changed Kind = iota + 1
	// Won: the reviewer's claim was accepted.
	Won
	// Lost: the reviewer's claim was refused or taken over; Holder has it.
	Lost
	// Offline: the team broker is unreachable; claims wait for it.
	Offline
	// Online: the team broker is reachable again (or for the first time).
	Online
	// Unreachable: a connection to the team broker failed for a new
	// reason (Reviewer.Err says which).
	Unreachable
)

// Event is one change a Reviewer is told about.
type Event struct {
	Kind       Kind
	SnapshotID string
	// Holder is the reviewer's name who holds the picture (Lost, Changed),
	// "" when nobody does. Names come from other processes: sanitize them
	// before display.
	Holder string
}

// Status is what Claim found.
type Status int

// The claim statuses.
const (
	// Pending: the claim was sent; Won or Lost follows.
	Pending Status = iota + 1
	// Held: the reviewer already holds the picture.
	Held
	// Taken: someone else holds it (Claim's holder).
	Taken
	// Queued: the broker is away; the claim is sent when it is back.
	Queued
)

// message is one claim message on the wire.
type message struct {
	V int `json:"v"`
	// Op is "claim", "hold" (confirm, renew, re-announce) or "release".
	Op    string `json:"op"`
	Owner string `json:"owner"`
	Name  string `json:"name,omitempty"`
	// Over is the holder whose claim the sender saw expire or die.
	Over  string `json:"over,omitempty"`
	Lease int64  `json:"lease_ms,omitempty"`
	// At is the sender's clock, in Unix nanoseconds.
	At int64 `json:"at"`
}

func (m message) encode() []byte {
	b, _ := json.Marshal(m)
	return b
}

func decode(p []byte) (message, bool) {
	var m message
	if len(p) == 0 || len(p) > maxPayload || json.Unmarshal(p, &m) != nil || m.Owner == "" || len(m.Owner) > 200 {
		return m, false
	}
	switch m.Op {
	case "claim", "hold", "release":
		return m, true
	}
	return m, false
}

// entry is who holds one picture.
type entry struct {
	owner, name, proc string
	renewed           time.Time // this hub's clock
	lease             time.Duration
	// tentative: learnt from the broker's retained message at subscription,
	// which a newer holder's renewal corrects.
	tentative bool
	// lapsed: its lapse was announced (sweep); the entry stays, as the
	// takeover names it.
	lapsed bool
}

// transport carries messages; the memory hub applies them at once.
type transport interface {
	// send publishes a message about a picture; retained ones are kept by
	// the broker for hubs that join later.
	send(sid string, m message, retained bool)
	close(h *Hub)
}

// Hub is one process's view of the team's claims.
type Hub struct {
	opts Options
	proc string // this process, unique per run
	tr   transport

	mu     sync.Mutex
	claims map[string]*entry
	dead   map[string]bool // processes whose last will was seen
	// present: processes whose presence (or a live message) was seen
	// since the last connection; a claim read from the broker's memory
	// holds only while its process is present.
	present   map[string]bool
	reviewers map[string]*Reviewer
	sessions  int
	online    bool
	ever      bool  // online at least once
	err       error // why the last connection attempt failed; nil once connected
	closed    bool
	stop      chan struct{}
	done      chan struct{}
}

func newHub(opts Options) *Hub {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &Hub{
		opts: opts.withDefaults(), proc: hex.EncodeToString(b[:]),
		claims: map[string]*entry{}, dead: map[string]bool{}, present: map[string]bool{}, reviewers: map[string]*Reviewer{},
		stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// NewMemory returns a hub shared by the reviewers of this process only: one
// `snapdash serve` without a team broker.
func NewMemory(opts Options) *Hub {
	h := newHub(opts)
	h.tr = memory{}
	h.online = true
	go h.renewLoop()
	return h
}

// memory applies each message at once, under the hub's sequence.
type memory struct{}

func (memory) send(string, message, bool) {}
func (memory) close(*Hub)                 {}

// Online reports whether claims reach the team (always, for a memory hub).
func (h *Hub) Online() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.online
}

// Err reports why the hub last failed to reach its broker (a refused
// certificate or password, a broker that is down); nil while it is online
// and for a memory hub.
func (h *Hub) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// noteErr records the outcome of a connection attempt, and calls
// BrokerOptions.OnError when the reason is new.
func (h *Hub) noteErr(err error, onError func(error)) {
	h.mu.Lock()
	changed := (err == nil) != (h.err == nil) || (err != nil && err.Error() != h.err.Error())
	h.err = err
	if changed && err != nil {
		h.broadcast(Event{Kind: Unreachable}, "")
	}
	h.mu.Unlock()
	if changed && err != nil && onError != nil {
		onError(err)
	}
}

// Join adds a reviewer called name (shown to the others).
func (h *Hub) Join(name string) *Reviewer {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sessions++
	r := &Reviewer{h: h, owner: h.proc + "/" + strconv.Itoa(h.sessions), name: name,
		wants: map[string]bool{}, signal: make(chan struct{}, 1)}
	h.reviewers[r.owner] = r
	return r
}

// Close releases every claim of the process and stops the hub.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	var rs []*Reviewer
	for _, r := range h.reviewers {
		rs = append(rs, r)
	}
	h.mu.Unlock()
	for _, r := range rs {
		r.Leave()
	}
	h.mu.Lock()
	h.closed = true
	close(h.stop)
	h.mu.Unlock()
	<-h.done
	h.tr.close(h)
}

// procOf is the process part of an owner id.
func procOf(owner string) string {
	for i := range len(owner) {
		if owner[i] == '/' {
			return owner[:i]
		}
	}
	return owner
}

// live reports whether e still holds its picture: its process is alive and
// its lease (plus the margin) has not run out by this hub's clock.
func (h *Hub) live(e *entry, now time.Time) bool {
	if e == nil {
		return false
	}
	if h.dead[e.proc] {
		return false
	}
	if e.tentative && e.proc != h.proc && !h.present[e.proc] {
		return false // read from the broker's memory; its process is gone
	}
	return now.Before(e.renewed.Add(e.lease + h.opts.Margin))
}

// publish sends m, applying it at once on a memory hub. Called without h.mu.
func (h *Hub) publish(sid string, m message, retained bool) {
	if _, ok := h.tr.(memory); ok {
		h.mu.Lock()
		h.apply(sid, m, false)
		h.mu.Unlock()
		return
	}
	h.tr.send(sid, m, retained)
}

func (h *Hub) msg(op string, r *Reviewer) message {
	return message{V: 1, Op: op, Owner: r.owner, Name: r.name, Lease: h.opts.Lease.Milliseconds(), At: h.opts.Now().UnixNano()}
}

// apply applies one message in the sequence; h.mu is held. It reports
// whether to send a confirmation of a claim won.
func (h *Hub) apply(sid string, m message, retained bool) (confirm bool) {
	now := h.opts.Now()
	cur := h.claims[sid]
	lease := min(max(time.Duration(m.Lease)*time.Millisecond, minLease), maxLease)
	proc := procOf(m.Owner)
	if !retained && proc != h.proc {
		delete(h.dead, proc) // a live message: its process is back
		h.present[proc] = true
	}
	accept := accepts(cur, m, retained)
	if h.opts.Trace != nil {
		h.opts.Trace(Applied{SnapshotID: sid, Op: m.Op, Owner: m.Owner, Sent: time.Unix(0, m.At), At: now, Accepted: accept})
	}
	mine := h.reviewers[m.Owner]
	if !accept {
		if mine != nil && mine.wants[sid] && cur != nil {
			delete(mine.wants, sid)
			mine.push(Event{Kind: Lost, SnapshotID: sid, Holder: cur.name})
		}
		return false
	}
	before := ""
	if cur != nil && h.live(cur, now) {
		before = cur.owner
	}
	after := ""
	if m.Op == "release" {
		delete(h.claims, sid)
	} else {
		after = m.Owner
		h.record(sid, cur, m, &entry{owner: m.Owner, name: m.Name, proc: proc, renewed: renewedAt(m, retained, now, lease), lease: lease, tentative: retained})
	}
	if mine != nil && m.Op == "claim" && mine.wants[sid] {
		mine.push(Event{Kind: Won, SnapshotID: sid})
		confirm = true
	}
	if before != after {
		h.broadcast(Event{Kind: Changed, SnapshotID: sid, Holder: m.Name}, m.Owner)
	}
	return confirm
}

// accepts says whether message m changes the claim cur on its snapshot. A
// retained message (what the broker held when we subscribed) is taken,
// tentatively, unless it is a bare claim (only a hold confirms one). A live
// claim wins a free snapshot, renews its owner's, or takes over from the
// owner it names in Over; a live hold or release is taken from the owner,
// or over a tentative claim.
func accepts(cur *entry, m message, retained bool) bool {
	switch {
	case retained:
		return m.Op != "claim"
	case m.Op == "claim":
		return cur == nil || cur.owner == m.Owner || (m.Over != "" && m.Over == cur.owner)
	case m.Op == "hold", m.Op == "release":
		return cur == nil || cur.owner == m.Owner || cur.tentative
	}
	return false
}

// renewedAt is when an accepted message renewed its claim: now for a live
// message; for a retained one, the sender's clock, trusted only within one
// lease of ours.
func renewedAt(m message, retained bool, now time.Time, lease time.Duration) time.Time {
	if !retained {
		return now
	}
	renewed := time.Unix(0, m.At)
	if lo := now.Add(-lease); renewed.Before(lo) {
		renewed = lo
	}
	if renewed.After(now) {
		renewed = now
	}
	return renewed
}

// record stores the claim e that message m made on snapshot sid over cur.
// A reviewer of ours who wanted it and whose claim had expired is told it
// lost it. h.mu is held.
func (h *Hub) record(sid string, cur *entry, m message, e *entry) {
	h.claims[sid] = e
	if cur == nil || cur.owner == m.Owner {
		return
	}
	// Taken over from a reviewer of ours whose claim had expired.
	if r := h.reviewers[cur.owner]; r != nil && r.wants[sid] {
		delete(r.wants, sid)
		r.push(Event{Kind: Lost, SnapshotID: sid, Holder: m.Name})
	}
}

// processGone marks a process dead (its last will): its claims no longer
// hold. h.mu is held.
func (h *Hub) processGone(proc string) {
	if proc == h.proc || h.dead[proc] {
		return
	}
	h.dead[proc] = true
	delete(h.present, proc)
	for sid, e := range h.claims {
		if e.proc == proc {
			h.broadcast(Event{Kind: Changed, SnapshotID: sid}, "")
		}
	}
}

// broadcast tells every reviewer but skip. h.mu is held.
func (h *Hub) broadcast(ev Event, skip string) {
	for o, r := range h.reviewers {
		if o != skip {
			r.push(ev)
		}
	}
}

// setOnline records the connection state and tells every reviewer. h.mu is
// held.
func (h *Hub) setOnline(on bool) {
	if h.online == on {
		return
	}
	h.online = on
	k := Offline
	if on {
		k = Online
		h.ever = true
	}
	h.broadcast(Event{Kind: k}, "")
}

// renewLoop renews the claims of every reviewer every third of the lease.
func (h *Hub) renewLoop() {
	defer close(h.done)
	t := time.NewTicker(h.opts.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
			h.renewAll()
			h.sweep()
		}
	}
}

// renewAll sends a hold for every claim a reviewer of ours holds.
func (h *Hub) renewAll() {
	type out struct {
		sid string
		m   message
	}
	var msgs []out
	h.mu.Lock()
	if !h.online {
		h.mu.Unlock()
		return
	}
	for _, r := range h.reviewers {
		for sid := range r.wants {
			if e := h.claims[sid]; e != nil && e.owner == r.owner {
				msgs = append(msgs, out{sid, h.msg("hold", r)})
			}
		}
	}
	h.mu.Unlock()
	for _, o := range msgs {
		h.publish(o.sid, o.m, true)
	}
}

// sweep tells the reviewers about claims that lapsed without a message
// (their holder stopped renewing), so that their rows stop showing them.
func (h *Hub) sweep() {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.opts.Now()
	for sid, e := range h.claims {
		if !e.lapsed && !h.live(e, now) {
			e.lapsed = true
			h.broadcast(Event{Kind: Changed, SnapshotID: sid}, "")
		}
	}
}

// announce re-sends every claim of ours after a (re)connection: holds for
// the ones held, claims for the ones asked while offline. h.mu is held; it
// returns the messages to send.
func (h *Hub) announce() (sids []string, msgs []message) {
	for _, r := range h.reviewers {
		for sid := range r.wants {
			op := "claim"
			if e := h.claims[sid]; e != nil && e.owner == r.owner {
				op = "hold"
			}
			sids, msgs = append(sids, sid), append(msgs, h.msg(op, r))
		}
	}
	return sids, msgs
}

// Reviewer is one reviewer in a hub: one dashboard or one SSH session.
type Reviewer struct {
	h           *Hub
	owner, name string
	wants       map[string]bool // claims held or asked for (h.mu)
	queue       []Event         // h.mu
	left        bool
	signal      chan struct{}
}

// Name is the reviewer's name.
func (r *Reviewer) Name() string { return r.name }

// push queues ev and wakes the reader. h.mu is held.
func (r *Reviewer) push(ev Event) {
	if r.left {
		return
	}
	if len(r.queue) >= 4096 {
		// A reader that stopped reading: keep the newest.
		r.queue = r.queue[1:]
	}
	r.queue = append(r.queue, ev)
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

// Signal receives a value when events are waiting; Events takes them.
func (r *Reviewer) Signal() <-chan struct{} { return r.signal }

// Events returns the events since the last call.
func (r *Reviewer) Events() []Event {
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	q := r.queue
	r.queue = nil
	return q
}

// Online reports whether claims reach the team.
func (r *Reviewer) Online() bool { return r.h.Online() }

// Connecting reports whether the hub has not reached its broker yet since
// it started (as opposed to having lost it).
func (r *Reviewer) Connecting() bool {
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	return !r.h.online && !r.h.ever
}

// Err is why the reviewer's hub last failed to reach its broker (Hub.Err).
func (r *Reviewer) Err() error { return r.h.Err() }

// Claim claims snapshot id for the reviewer. Held and Taken (with the
// holder's name) are known at once; Pending is settled by a Won or Lost
// event; Queued is sent when the broker is back.
func (r *Reviewer) Claim(id string) (Status, string) {
	h := r.h
	h.mu.Lock()
	if r.left || h.closed {
		h.mu.Unlock()
		return Queued, ""
	}
	now := h.opts.Now()
	cur := h.claims[id]
	over := ""
	switch {
	case cur != nil && cur.owner == r.owner:
		r.wants[id] = true
		h.mu.Unlock()
		return Held, ""
	case cur != nil && h.live(cur, now):
		name := cur.name
		h.mu.Unlock()
		return Taken, name
	case cur != nil:
		over = cur.owner
	}
	r.wants[id] = true
	online := h.online
	m := h.msg("claim", r)
	m.Over = over
	h.mu.Unlock()
	if !online {
		return Queued, ""
	}
	h.publish(id, m, false)
	if _, ok := h.tr.(memory); ok {
		h.mu.Lock()
		defer h.mu.Unlock()
		if e := h.claims[id]; e != nil && e.owner == r.owner {
			r.dropWon(id)
			return Held, ""
		} else if e != nil {
			r.dropLost(id)
			return Taken, e.name
		}
	}
	return Pending, ""
}

// dropWon and dropLost remove the event a memory claim just queued for
// itself: Claim answered it already. h.mu is held.
func (r *Reviewer) dropWon(id string) { r.dropEvent(Won, id) }

func (r *Reviewer) dropLost(id string) { r.dropEvent(Lost, id) }

func (r *Reviewer) dropEvent(k Kind, id string) {
	for i := len(r.queue) - 1; i >= 0; i-- {
		if r.queue[i].Kind == k && r.queue[i].SnapshotID == id {
			r.queue = append(r.queue[:i], r.queue[i+1:]...)
			return
		}
	}
}

// Release gives up the reviewer's claim on id (approved, discarded, moved
// away); nothing happens when the reviewer has none.
func (r *Reviewer) Release(id string) {
	h := r.h
	h.mu.Lock()
	if !r.wants[id] {
		h.mu.Unlock()
		return
	}
	delete(r.wants, id)
	cur := h.claims[id]
	send := cur != nil && cur.owner == r.owner && h.online
	m := h.msg("release", r)
	h.mu.Unlock()
	if send {
		h.publish(id, m, true)
	}
}

// ReleaseAllBut releases every claim of the reviewer except keep's.
func (r *Reviewer) ReleaseAllBut(keep string) {
	r.h.mu.Lock()
	var ids []string
	for id := range r.wants {
		if id != keep {
			ids = append(ids, id)
		}
	}
	r.h.mu.Unlock()
	for _, id := range ids {
		r.Release(id)
	}
}

// Holder returns the name of the reviewer holding id, when it is someone
// else and their claim is live.
func (r *Reviewer) Holder(id string) (string, bool) {
	h := r.h
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.claims[id]
	if e == nil || e.owner == r.owner || !h.live(e, h.opts.Now()) {
		return "", false
	}
	return e.name, true
}

// Holds reports whether the reviewer holds (or has asked for) id.
func (r *Reviewer) Holds(id string) bool {
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	return r.wants[id]
}

// Leave releases the reviewer's claims and leaves the hub (the session
// ended).
func (r *Reviewer) Leave() {
	r.ReleaseAllBut("")
	h := r.h
	h.mu.Lock()
	r.left = true
	delete(h.reviewers, r.owner)
	h.mu.Unlock()
}
