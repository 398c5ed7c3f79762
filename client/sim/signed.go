package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
)

// sign returns base64url(HMAC-SHA256(key, snapshotId + "/" + expiration)).
func (s *Server) sign(snapshotID string, expirationMillis int64) string {
	mac := hmac.New(sha256.New, s.urlKey)
	mac.Write([]byte(snapshotID + "/" + strconv.FormatInt(expirationMillis, 10)))
	return b64.EncodeToString(mac.Sum(nil))
}

// SignedPath returns the path and query of a signed URL for snapshotID that
// expires at exp, for tests that need a URL without an HTTP round trip.
func (s *Server) SignedPath(snapshotID string, exp time.Time) string {
	ms := exp.UnixMilli()
	return "/rtc-api/snapshots/signed/" + url.PathEscape(snapshotID) + "/" +
		strconv.FormatInt(ms, 10) + "?signature=" + s.sign(snapshotID, ms)
}

// baseURL is the scheme and host the client used to reach us.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// handleSignedURL serves POST /rtc-api/snapshots/signedUrl. An internal URL
// is the documented /signed/{id}/{expiration}?signature= form; an external
// one (createInternalSignedUrl false or absent) is the same URL with
// &external=1 appended, standing in for a storage bucket's address, and is
// served by this server too.
func (s *Server) handleSignedURL(w http.ResponseWriter, r *http.Request, _ identity) {
	fe := fieldErrors{}
	if strings.TrimSpace(r.Header.Get("Referer")) == "" {
		fe.add("Referer", "required")
	}
	var cmd client.CreateSignedURLCommand
	if !decodeJSON(w, r, &cmd) {
		return
	}
	fe.required("snapshotId", cmd.SnapshotID)
	s.mu.RLock()
	if cmd.SnapshotID != "" {
		rec, ok := s.st.Snapshots[cmd.SnapshotID]
		switch {
		case !ok:
			fe.add("snapshotId", "unknown snapshot")
		case rec.Pending:
			fe.add("snapshotId", "snapshot has not been acquired yet")
		}
	}
	s.mu.RUnlock()
	if fe.fail(w) {
		return
	}
	exp := s.now().Add(s.opts.SignedURLLifetime).Truncate(time.Millisecond)
	u := baseURL(r) + s.SignedPath(cmd.SnapshotID, exp)
	if cmd.CreateInternalSignedURL == nil || !*cmd.CreateInternalSignedURL {
		u += "&external=1"
	}
	writeJSON(w, http.StatusOK, client.SignedURL{URL: u, ValidUntil: timePtr(exp.UTC())})
}

// handleSigned serves GET /rtc-api/snapshots/signed/{id}/{expiration}: the
// image bytes, without Authorization, when signature and expiry hold.
func (s *Server) handleSigned(w http.ResponseWriter, r *http.Request) {
	sid := r.PathValue("snapshotId")
	expStr := r.PathValue("expiration")
	sig := r.URL.Query().Get("signature")
	fe := fieldErrors{}
	exp, err := strconv.ParseInt(expStr, 10, 64)
	if err != nil {
		fe.add("expiration", "must be Unix milliseconds")
	}
	if strings.TrimSpace(sig) == "" {
		fe.add("signature", "required")
	}
	if fe.fail(w) {
		return
	}
	want := s.sign(sid, exp)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		writeFields(w, http.StatusBadRequest, map[string]string{"signature": "invalid"})
		return
	}
	if s.now().UnixMilli() >= exp {
		writeFields(w, http.StatusBadRequest, map[string]string{"expiration": "signed URL expired"})
		return
	}
	b, mimeType, ok := s.imageBytes(sid)
	if !ok {
		writeFields(w, http.StatusBadRequest, map[string]string{"snapshotId": "unknown snapshot"})
		return
	}
	h := w.Header()
	h.Set("Content-Type", mimeType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "private, max-age=60")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// ImageBytes returns the stored picture of an acquired snapshot and its MIME
// type, for tests and tools.
func (s *Server) ImageBytes(id string) ([]byte, string, bool) { return s.imageBytes(id) }

// imageBytes finds a snapshot's bytes: in memory, generated from its picture
// key, or in DataDir.
func (s *Server) imageBytes(id string) ([]byte, string, bool) {
	s.mu.RLock()
	rec, ok := s.st.Snapshots[id]
	if !ok || rec.Pending {
		s.mu.RUnlock()
		return nil, "", false
	}
	mimeType, key, suffix := rec.Snapshot.MimeType, rec.Picture, rec.Snapshot.Suffix
	b, have := s.images[id]
	s.mu.RUnlock()
	if mimeType == "" {
		mimeType = "image/jpeg"
	}
	if have {
		return b, mimeType, true
	}
	if key != "" {
		b, err := s.picture(key)
		return b, "image/jpeg", err == nil
	}
	b, err := s.readImageFile(id, suffix)
	if err != nil {
		return nil, "", false
	}
	s.mu.Lock()
	s.images[id] = b
	s.mu.Unlock()
	return b, mimeType, true
}
