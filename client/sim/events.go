package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
)

// ring keeps the last cap events; their Seq values are contiguous.
type ring struct {
	buf   []client.Event
	start int // index of the oldest event in buf
	n     int
}

func newRing(capacity int) ring { return ring{buf: make([]client.Event, capacity)} }

func (r *ring) push(ev client.Event) {
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = ev
		r.n++
		return
	}
	r.buf[r.start] = ev
	r.start = (r.start + 1) % len(r.buf)
}

// oldest returns the Seq of the oldest held event, 0 when empty.
func (r *ring) oldest() uint64 {
	if r.n == 0 {
		return 0
	}
	return r.buf[r.start].Seq
}

// after appends to dst the held events with Seq > seq.
func (r *ring) after(seq uint64, dst []client.Event) []client.Event {
	if r.n == 0 {
		return dst
	}
	first := r.buf[r.start].Seq
	skip := 0
	if seq >= first {
		skip = int(seq - first + 1)
	}
	for i := skip; i < r.n; i++ {
		dst = append(dst, r.buf[(r.start+i)%len(r.buf)])
	}
	return dst
}

// publishLocked stamps ev with the next sequence number, stores it, wakes
// the streams and hands it to the simulated devices. Callers hold s.mu.
func (s *Server) publishLocked(ev client.Event) client.Event {
	s.st.Seq++
	ev.Seq = s.st.Seq
	if ev.ID == "" {
		ev.ID = s.newID()
	}
	if ev.Timestamp.IsZero() {
		ev.Timestamp = s.nowUTC()
	}
	ev.Raw = nil
	s.ring.push(ev)
	s.publishMQTT(ev)
	close(s.notify)
	s.notify = make(chan struct{})
	s.deviceHook(ev)
	return ev
}

// marshalEvent renders one SSE message.
func marshalEvent(buf *bytes.Buffer, ev client.Event, withID bool) {
	data, err := json.Marshal(ev)
	if err != nil {
		data = []byte(`{"type":"` + ev.Type + `"}`)
	}
	if withID {
		buf.WriteString("id: ")
		buf.WriteString(strconv.FormatUint(ev.Seq, 10))
		buf.WriteByte('\n')
	}
	buf.WriteString("event: ")
	buf.WriteString(ev.Type)
	buf.WriteString("\ndata: ")
	buf.Write(data)
	buf.WriteString("\n\n")
}

// handleEvents serves GET /rtc-api/events as text/event-stream.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request, _ identity) {
	req, ok := parseEventsRequest(w, r)
	if !ok {
		return
	}
	lastID, resync, ok := s.admitEventStream(w, req)
	if !ok {
		return
	}
	defer s.wg.Done()

	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return
	}
	st := &eventStream{w: w, rc: rc, filter: req.filter, lastID: lastID, dropAfter: s.currentFaults().DropStreamAfter}
	if resync {
		st.resyncRequired(s.nowUTC())
	}
	ping := time.NewTicker(s.opts.PingInterval)
	defer ping.Stop()
	var pending []client.Event
	for {
		s.mu.RLock()
		pending = s.ring.after(st.lastID, pending[:0])
		wake := s.notify
		s.mu.RUnlock()
		if len(pending) > 0 && pending[0].Seq > st.lastID+1 {
			// This client fell behind the ring: say so rather than skip.
			st.resyncRequired(s.nowUTC())
		}
		st.queue(pending)
		if st.flush() != nil || st.dropped() {
			return
		}
		select {
		case <-wake:
		case <-ping.C:
			if st.ping() != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

// eventsRequest is what a GET /rtc-api/events asks for.
type eventsRequest struct {
	lastID   uint64 // the Last-Event-ID header, when haveLast
	haveLast bool
	filter   map[string]bool // interaction ids to keep; empty keeps all
	endpoint string          // the userEndpointId the stream is for
}

// parseEventsRequest reads the request's Last-Event-ID, interactionId and
// userEndpointId, answering 400 (and false) when one is malformed or
// missing.
func parseEventsRequest(w http.ResponseWriter, r *http.Request) (eventsRequest, bool) {
	q := r.URL.Query()
	req := eventsRequest{filter: map[string]bool{}}
	if v := strings.TrimSpace(r.Header.Get("Last-Event-ID")); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeFields(w, http.StatusBadRequest, map[string]string{"Last-Event-ID": "must be a decimal sequence number"})
			return req, false
		}
		req.lastID, req.haveLast = n, true
	}
	for _, v := range q["interactionId"] {
		if v != "" {
			req.filter[v] = true
		}
	}
	req.endpoint = q.Get("userEndpointId")
	if strings.TrimSpace(req.endpoint) == "" {
		writeFields(w, http.StatusBadRequest, map[string]string{"userEndpointId": "required"})
		return req, false
	}
	return req, true
}

// admitEventStream checks, under the lock, that the request's endpoint and
// interactions exist and the server is not closing (answering 400 or 503
// and false if not, once the lock is released), counts the stream in s.wg
// (the caller calls Done), and returns the sequence number the stream
// starts after and whether the client must first be told to resync.
func (s *Server) admitEventStream(w http.ResponseWriter, req eventsRequest) (lastID uint64, resync, ok bool) {
	s.mu.Lock()
	status, fields := s.refuseEventStream(req)
	if status != 0 {
		s.mu.Unlock()
		writeFields(w, status, fields)
		return 0, false, false
	}
	s.wg.Add(1)
	lastID, resync = s.streamStart(req)
	s.mu.Unlock()
	return lastID, resync, true
}

// refuseEventStream is the status and fields refusing req, or 0 to serve
// it; s.mu held.
func (s *Server) refuseEventStream(req eventsRequest) (int, map[string]string) {
	if _, ok := s.liveEndpoint(req.endpoint); !ok {
		return http.StatusBadRequest, map[string]string{"userEndpointId": "unknown user endpoint"}
	}
	for iid := range req.filter {
		if _, ok := s.st.Interactions[iid]; !ok {
			return http.StatusBadRequest, map[string]string{"interactionId": "unknown interaction " + strconv.Quote(iid)}
		}
	}
	if s.closed {
		return http.StatusServiceUnavailable, map[string]string{"error": "server closing"}
	}
	return 0, nil
}

// streamStart is where a stream resumes, s.mu held. A client that missed
// events the ring no longer holds (or that saw ids this server never
// issued, after a restart without DataDir) must resync; it then gets
// everything the ring holds.
func (s *Server) streamStart(req eventsRequest) (lastID uint64, resync bool) {
	cur := s.st.Seq
	lastID = req.lastID
	switch {
	case !req.haveLast:
		lastID = cur
	case lastID > cur || (lastID < cur && (s.ring.n == 0 || s.ring.oldest() > lastID+1)):
		resync = true
		lastID = cur
		if s.ring.n > 0 {
			lastID = s.ring.oldest() - 1
		}
	}
	return lastID, resync
}

// eventStream is one client's open event stream: events are queued into
// buf and written out by flush.
type eventStream struct {
	w         http.ResponseWriter
	rc        *http.ResponseController
	buf       bytes.Buffer
	filter    map[string]bool // interaction ids to keep; empty keeps all
	lastID    uint64          // the last sequence number taken from the ring
	sent      int             // events queued so far
	dropAfter int             // Faults.DropStreamAfter: end after this many events (0: never)
}

// resyncRequired queues a resync-required event.
func (st *eventStream) resyncRequired(now time.Time) {
	marshalEvent(&st.buf, client.Event{Type: client.EventResyncRequired, Timestamp: now}, false)
	st.sent++
}

// queue takes pending (in sequence order) as read, queueing those the
// filter keeps until the drop fault's count is reached.
func (st *eventStream) queue(pending []client.Event) {
	for _, ev := range pending {
		st.lastID = ev.Seq
		if len(st.filter) > 0 && !st.filter[ev.InteractionID] {
			continue
		}
		if st.dropped() {
			break
		}
		marshalEvent(&st.buf, ev, true)
		st.sent++
	}
}

// dropped reports whether the drop fault's count of events has been sent.
func (st *eventStream) dropped() bool { return st.dropAfter > 0 && st.sent >= st.dropAfter }

// flush writes out and flushes whatever is queued.
func (st *eventStream) flush() error {
	if st.buf.Len() == 0 {
		return nil
	}
	if _, err := st.w.Write(st.buf.Bytes()); err != nil {
		return err
	}
	st.buf.Reset()
	return st.rc.Flush()
}

// ping writes and flushes a keep-alive comment.
func (st *eventStream) ping() error {
	if _, err := st.w.Write([]byte(": ping\n\n")); err != nil {
		return err
	}
	return st.rc.Flush()
}
