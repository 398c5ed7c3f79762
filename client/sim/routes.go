package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// routes builds the API's request router, wrapped in fault injection.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /security/oauth/token", s.handleToken)

	mux.HandleFunc("POST /rtc-api/snapshots/upload", s.authed(true, s.handleUpload))
	mux.HandleFunc("POST /rtc-api/snapshots/signedUrl", s.authed(false, s.handleSignedURL))
	mux.HandleFunc("POST /rtc-api/snapshots/request", s.authed(true, s.handleRequest))
	mux.HandleFunc("POST /rtc-api/snapshots/discard", s.authed(true, s.handleDiscard))
	mux.HandleFunc("POST /rtc-api/snapshots/cameraRequest", s.authed(true, s.handleCameraRequest))
	mux.HandleFunc("POST /rtc-api/snapshots/cameraRequestRespond", s.authed(true, s.handleCameraRespond))
	mux.HandleFunc("POST /rtc-api/snapshots/approve", s.authed(true, s.handleApprove))
	mux.HandleFunc("POST /rtc-api/snapshots/acquire", s.authed(true, s.handleAcquire))
	mux.HandleFunc("GET /rtc-api/snapshots", s.authed(false, s.handleList))
	mux.HandleFunc("GET /rtc-api/snapshots/{snapshotId}", s.authed(false, s.handleGet))
	mux.HandleFunc("GET /rtc-api/snapshots/signed/{snapshotId}/{expiration}", s.handleSigned)

	mux.HandleFunc("POST /rtc-api/users/endpoints", s.authed(false, s.handleRegister))
	mux.HandleFunc("POST /rtc-api/users/endpoints/keepalive", s.authed(false, s.handleKeepAlive))
	mux.HandleFunc("POST /rtc-api/users/endpoints/unregister", s.authed(false, s.handleUnregister))

	mux.HandleFunc("GET /rtc-api/interactions", s.authed(false, s.handleInteractions))
	mux.HandleFunc("GET /rtc-api/interactions/{interactionId}", s.authed(false, s.handleInteraction))

	mux.HandleFunc("GET /rtc-api/events", s.authed(false, s.handleEvents))

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeFields(w, http.StatusNotFound, map[string]string{"error": "no such endpoint: " + r.Method + " " + r.URL.Path})
	})
	return s.withFaults(mux)
}

// withFaults injects latency, 500s and 429s as configured by SetFaults.
func (s *Server) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The Date of every answer is the simulator's clock, as event
		// stamps are: a simulator set behind or ahead is a server whose
		// clock is off, consistently.
		w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		f := s.currentFaults()
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			case <-s.done:
				t.Stop()
			}
		}
		if strings.HasPrefix(r.URL.Path, "/rtc-api/") && f.RateLimitEvery > 0 {
			s.faultMu.Lock()
			s.apiCalls++
			limited := s.apiCalls%int64(f.RateLimitEvery) == 0
			s.faultMu.Unlock()
			if limited {
				w.Header().Set("Retry-After", "1")
				writeFields(w, http.StatusTooManyRequests, map[string]string{"error": "rate limited (injected, every " + strconv.Itoa(f.RateLimitEvery) + ")"})
				return
			}
		}
		if strings.HasPrefix(r.URL.Path, "/rtc-api/") && (f.ErrorRate > 0 || f.RateLimitRate > 0) {
			s.faultMu.Lock()
			p := s.faultRng.Float64()
			s.faultMu.Unlock()
			switch {
			case p < f.RateLimitRate:
				w.Header().Set("Retry-After", "1")
				writeFields(w, http.StatusTooManyRequests, map[string]string{"error": "rate limited (injected)"})
				return
			case p < f.RateLimitRate+f.ErrorRate:
				writeFields(w, http.StatusInternalServerError, map[string]string{"error": "internal error (injected)"})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// maxJSONBody caps command bodies.
const maxJSONBody = 1 << 20

// decodeJSON reads a JSON command body; it writes the 400 itself and
// returns false on failure. Like the vendor's server it refuses a body not
// declared as application/json.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || media != "application/json" {
		writeFields(w, http.StatusBadRequest, map[string]string{"Content-Type": "must be application/json"})
		return false
	}
	body := http.MaxBytesReader(w, r.Body, maxJSONBody)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			writeFields(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("body exceeds %d bytes", maxJSONBody)})
		case errors.Is(err, io.EOF):
			writeFields(w, http.StatusBadRequest, map[string]string{"error": "request body is required"})
		default:
			writeFields(w, http.StatusBadRequest, map[string]string{"error": "malformed JSON: " + err.Error()})
		}
		return false
	}
	return true
}

// fieldErrors collects validation messages by field.
type fieldErrors map[string]string

// add records msg for field unless one is already there.
func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// required records "required" for each named field whose value is blank.
func (f fieldErrors) required(kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		if strings.TrimSpace(kv[i+1]) == "" {
			f.add(kv[i], "required")
		}
	}
}

// text checks an optional free-text field: bounded, no control characters.
func (f fieldErrors) text(field, v string, max int) {
	if len(v) > max {
		f.add(field, fmt.Sprintf("longer than %d bytes", max))
		return
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			f.add(field, "contains control characters")
			return
		}
	}
}

// fail writes the collected errors as a 400 and reports whether there were any.
func (f fieldErrors) fail(w http.ResponseWriter) bool {
	if len(f) == 0 {
		return false
	}
	writeFields(w, http.StatusBadRequest, f)
	return true
}
