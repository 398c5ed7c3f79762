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
	q := r.URL.Query()
	var lastID uint64
	haveLast := false
	if v := strings.TrimSpace(r.Header.Get("Last-Event-ID")); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeFields(w, http.StatusBadRequest, map[string]string{"Last-Event-ID": "must be a decimal sequence number"})
			return
		}
		lastID, haveLast = n, true
	}
	filter := map[string]bool{}
	for _, v := range q["interactionId"] {
		if v != "" {
			filter[v] = true
		}
	}
	ep := q.Get("userEndpointId")
	if strings.TrimSpace(ep) == "" {
		writeFields(w, http.StatusBadRequest, map[string]string{"userEndpointId": "required"})
		return
	}
	s.mu.Lock()
	if _, ok := s.liveEndpoint(ep); !ok {
		s.mu.Unlock()
		writeFields(w, http.StatusBadRequest, map[string]string{"userEndpointId": "unknown user endpoint"})
		return
	}
	for iid := range filter {
		if _, ok := s.st.Interactions[iid]; !ok {
			s.mu.Unlock()
			writeFields(w, http.StatusBadRequest, map[string]string{"interactionId": "unknown interaction " + strconv.Quote(iid)})
			return
		}
	}
	if s.closed {
		s.mu.Unlock()
		writeFields(w, http.StatusServiceUnavailable, map[string]string{"error": "server closing"})
		return
	}
	s.wg.Add(1)
	defer s.wg.Done()
	// A client that missed events the ring no longer holds (or that saw ids
	// this server never issued, after a restart without DataDir) must
	// resync; it then gets everything the ring holds.
	cur := s.st.Seq
	resync := false
	switch {
	case !haveLast:
		lastID = cur
	case lastID > cur || (lastID < cur && (s.ring.n == 0 || s.ring.oldest() > lastID+1)):
		resync = true
		lastID = cur
		if s.ring.n > 0 {
			lastID = s.ring.oldest() - 1
		}
	}
	s.mu.Unlock()

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
	dropAfter := s.currentFaults().DropStreamAfter
	sent := 0
	var buf bytes.Buffer
	if resync {
		marshalEvent(&buf, client.Event{Type: client.EventResyncRequired, Timestamp: s.nowUTC()}, false)
		sent++
	}
	ping := time.NewTicker(s.opts.PingInterval)
	defer ping.Stop()
	var pending []client.Event
	for {
		s.mu.RLock()
		pending = s.ring.after(lastID, pending[:0])
		wake := s.notify
		s.mu.RUnlock()
		if len(pending) > 0 && pending[0].Seq > lastID+1 {
			// This client fell behind the ring: say so rather than skip.
			marshalEvent(&buf, client.Event{Type: client.EventResyncRequired, Timestamp: s.nowUTC()}, false)
			sent++
		}
		for _, ev := range pending {
			lastID = ev.Seq
			if len(filter) > 0 && !filter[ev.InteractionID] {
				continue
			}
			if dropAfter > 0 && sent >= dropAfter {
				break
			}
			marshalEvent(&buf, ev, true)
			sent++
		}
		if buf.Len() > 0 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return
			}
			buf.Reset()
			if err := rc.Flush(); err != nil {
				return
			}
		}
		if dropAfter > 0 && sent >= dropAfter {
			return
		}
		select {
		case <-wake:
		case <-ping.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}
