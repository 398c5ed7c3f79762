package upstream

import (
	"context"
	"sync"

	"github.com/snapdash/snapdash/client"
)

// EventStream is what a dashboard reads server events from:
// *client.Stream, or a session's subscription to the shared stream.
type EventStream interface {
	Updates() <-chan client.StreamUpdate
	Close()
}

// maxPending bounds the events waiting for one slow session; beyond, the
// oldest go and the session is told to re-list (Resync), as the client's
// own stream does for a slow consumer.
const maxPending = 4096

// hub is the one event stream, fanned out to the sessions.
type hub struct {
	s       *Shared
	started bool
	mu      sync.Mutex
	subs    map[*sub]struct{}
	history []client.Event
	state   client.StreamUpdate // the last state (no events)
	ended   bool
}

func newHub(s *Shared) *hub { return &hub{s: s, subs: map[*sub]struct{}{}} }

// Events subscribes a session to the shared event stream of the user
// endpoint endpoint (the server's one endpoint): the first subscription
// opens it, with the server's replay. A session joining later gets the
// recent history first, as its own stream's replay would give it. The
// subscription ends with ctx, with Close, or when the Shared is closed.
func (s *Shared) Events(ctx context.Context, endpoint string) EventStream {
	return s.hub.subscribe(ctx, endpoint)
}

func (h *hub) subscribe(ctx context.Context, endpoint string) EventStream {
	sb := &sub{out: make(chan client.StreamUpdate), wake: make(chan struct{}, 1), done: make(chan struct{}), h: h}
	h.mu.Lock()
	if !h.started {
		h.started = true
		st := h.s.api.Stream(h.s.ctx, client.StreamOptions{UserEndpointID: endpoint, Replay: true})
		go h.run(st)
	}
	first := h.state
	first.Events = append([]client.Event(nil), h.history...)
	for i := range first.Events {
		// Before this session started: its history, as a replay is.
		first.Events[i].History = true
	}
	ended := h.ended
	if !ended {
		h.subs[sb] = struct{}{}
	}
	h.mu.Unlock()
	sb.offer(first)
	go sb.run(ctx)
	if ended {
		sb.Close()
	}
	return sb
}

// run reads the one stream and hands every update to every session.
func (h *hub) run(st *client.Stream) {
	for u := range st.Updates() {
		for _, ev := range u.Events {
			// The vendor's events name no interaction: tie them
			// through the snapshots listed before.
			if id, ok := h.s.link.Tie(ev); ok {
				h.s.forget(id)
			}
		}
		if u.Resync || u.Relist {
			h.s.mu.Lock()
			clear(h.s.reads)
			clear(h.s.byInter)
			h.s.mu.Unlock()
		}
		h.mu.Lock()
		h.history = append(h.history, u.Events...)
		if over := len(h.history) - h.s.opts.History; over > 0 {
			h.history = append(h.history[:0:0], h.history[over:]...)
		}
		h.state = client.StreamUpdate{State: u.State, Transport: u.Transport, RetryAt: u.RetryAt, Since: u.Since, Err: u.Err}
		subs := make([]*sub, 0, len(h.subs))
		for sb := range h.subs {
			subs = append(subs, sb)
		}
		h.mu.Unlock()
		for _, sb := range subs {
			sb.offer(u)
		}
	}
	h.mu.Lock()
	h.ended = true
	subs := h.subs
	h.subs = map[*sub]struct{}{}
	h.mu.Unlock()
	for sb := range subs {
		sb.Close()
	}
}

// sub is one session's subscription: updates merge while the session is
// busy, so a slow session never holds the others up.
type sub struct {
	h    *hub
	out  chan client.StreamUpdate
	wake chan struct{}
	done chan struct{}
	once sync.Once

	mu   sync.Mutex
	pend client.StreamUpdate
	has  bool
}

// Updates delivers the session's updates; it is closed when the
// subscription ends.
func (sb *sub) Updates() <-chan client.StreamUpdate { return sb.out }

// Close ends the subscription.
func (sb *sub) Close() {
	sb.once.Do(func() {
		close(sb.done)
		sb.h.mu.Lock()
		delete(sb.h.subs, sb)
		sb.h.mu.Unlock()
	})
}

// offer merges u into what waits for the session.
func (sb *sub) offer(u client.StreamUpdate) {
	sb.mu.Lock()
	if !sb.has {
		sb.pend, sb.has = u, true
		sb.pend.Events = append([]client.Event(nil), u.Events...)
	} else {
		p := &sb.pend
		p.Events = append(p.Events, u.Events...)
		p.State, p.Transport, p.RetryAt, p.Since, p.Err = u.State, u.Transport, u.RetryAt, u.Since, u.Err
		p.Resync, p.Relist = p.Resync || u.Resync, p.Relist || u.Relist
	}
	if over := len(sb.pend.Events) - maxPending; over > 0 {
		sb.pend.Events = append(sb.pend.Events[:0:0], sb.pend.Events[over:]...)
		sb.pend.Resync = true
	}
	sb.mu.Unlock()
	select {
	case sb.wake <- struct{}{}:
	default:
	}
}

// run hands the merged updates to the session until it ends.
func (sb *sub) run(ctx context.Context) {
	defer close(sb.out)
	defer sb.Close()
	for {
		select {
		case <-sb.wake:
		case <-sb.done:
			return
		case <-ctx.Done():
			return
		}
		sb.mu.Lock()
		u, ok := sb.pend, sb.has
		sb.pend, sb.has = client.StreamUpdate{}, false
		sb.mu.Unlock()
		if !ok {
			continue
		}
		select {
		case sb.out <- u:
		case <-sb.done:
			return
		case <-ctx.Done():
			return
		}
	}
}
