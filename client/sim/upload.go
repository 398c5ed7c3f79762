package sim

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/snapdash/snapdash/client"
)

// maxFieldBytes caps one non-file form field.
const maxFieldBytes = 4 << 10

// errTooLarge marks an image over Options.MaxUploadBytes.
var errTooLarge = errors.New("too large")

// form is a parsed multipart command.
type form struct {
	fields map[string]string
	image  []byte
	has    bool // an image part was present
}

// parseForm streams a multipart body, keeping at most MaxUploadBytes of image.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) (form, int, fieldErrors) {
	f := form{fields: map[string]string{}}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return f, http.StatusBadRequest, fieldErrors{"error": "expected multipart/form-data"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxUploadBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return f, http.StatusBadRequest, fieldErrors{"error": "malformed multipart body"}
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, tooLargeOr(err), fieldErrors{"error": "malformed multipart body: " + err.Error()}
		}
		name := p.FormName()
		if name == "image" {
			b, err := io.ReadAll(io.LimitReader(p, s.opts.MaxUploadBytes+1))
			if err == nil && int64(len(b)) > s.opts.MaxUploadBytes {
				err = errTooLarge
			}
			if err != nil {
				if tooLargeOr(err) == http.StatusRequestEntityTooLarge {
					return f, http.StatusRequestEntityTooLarge,
						fieldErrors{"image": fmt.Sprintf("larger than %d bytes", s.opts.MaxUploadBytes)}
				}
				return f, http.StatusBadRequest, fieldErrors{"image": "unreadable: " + err.Error()}
			}
			f.image, f.has = b, true
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if err != nil {
			return f, tooLargeOr(err), fieldErrors{"error": "malformed multipart body: " + err.Error()}
		}
		if len(b) > maxFieldBytes {
			return f, http.StatusBadRequest, fieldErrors{name: fmt.Sprintf("longer than %d bytes", maxFieldBytes)}
		}
		if name != "" {
			f.fields[name] = string(b)
		}
	}
	return f, 0, nil
}

func tooLargeOr(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || errors.Is(err, errTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// suffixes lists the accepted file suffixes per sniffed image type.
var suffixes = map[string][]string{
	"image/jpeg": {"jpeg", "jpg", "jpe"},
	"image/png":  {"png"},
	"image/gif":  {"gif"},
	"image/webp": {"webp"},
	"image/bmp":  {"bmp"},
}

// checkImage sniffs the bytes and checks the declared MIME type and suffix
// agree with them.
func checkImage(fe fieldErrors, f form, mimeField, suffixField string) {
	if !f.has || len(f.image) == 0 {
		fe.add("image", "required")
		return
	}
	sniffed := http.DetectContentType(f.image)
	if _, ok := suffixes[sniffed]; !ok {
		fe.add("image", "not an image (content looks like "+sniffed+")")
		return
	}
	declared := strings.ToLower(strings.TrimSpace(f.fields[mimeField]))
	if declared != "" {
		if declared == "image/jpg" || declared == "image/pjpeg" {
			declared = "image/jpeg"
		}
		if !strings.HasPrefix(declared, "image/") {
			fe.add(mimeField, "not an image type")
		} else if declared != sniffed {
			fe.add(mimeField, "does not match the image content ("+sniffed+")")
		}
	}
	suf := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(f.fields[suffixField]), "."))
	if suf != "" {
		ok := false
		for _, s := range suffixes[sniffed] {
			ok = ok || s == suf
		}
		if !ok {
			fe.add(suffixField, "does not match the image content ("+sniffed+")")
		}
	}
}

// handleAcquire serves POST /rtc-api/snapshots/acquire (multipart).
func (s *Server) handleAcquire(w http.ResponseWriter, r *http.Request, id identity) {
	f, status, fe := s.parseForm(w, r)
	if fe != nil {
		writeFields(w, status, fe)
		return
	}
	if fe := s.acquire(id.UserID, f); fe.fail(w) {
		return
	}
	s.persist()
	w.WriteHeader(http.StatusNoContent)
}

// acquire stores the picture of a pending request, as the customer's device
// does, and emits SnapshotAcquiredEvent. HTTP and simulated devices share it.
func (s *Server) acquire(userID string, f form) fieldErrors {
	v := f.fields
	fe := fieldErrors{}
	fe.required("snapshotId", v["snapshotId"], "userEndpointId", v["userEndpointId"],
		"snapshotType", v["snapshotType"], "snapshotSuffix", v["snapshotSuffix"],
		"snapshotMimeType", v["snapshotMimeType"])
	fe.text("snapshotType", v["snapshotType"], 64)
	checkImage(fe, f, "snapshotMimeType", "snapshotSuffix")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkEndpoint(fe, "userEndpointId", v["userEndpointId"])
	var rec *snapRec
	if sid := v["snapshotId"]; sid != "" {
		var ok bool
		if rec, ok = s.st.Snapshots[sid]; !ok {
			fe.add("snapshotId", "unknown snapshot")
		} else if !rec.Pending {
			fe.add("state", "snapshot is "+string(rec.Snapshot.State)+", not requested")
		} else if ep := v["userEndpointId"]; ep != "" && ep != rec.Snapshot.UserEndpointID {
			fe.add("userEndpointId", "snapshot was not requested from this endpoint")
		}
	}
	if len(fe) > 0 {
		return fe
	}
	snap := &rec.Snapshot
	now := s.nowUTC()
	rec.Pending = false
	snap.State = client.StateUploaded
	if snap.Type == "" {
		snap.Type = v["snapshotType"]
	}
	snap.MimeType = http.DetectContentType(f.image)
	snap.Suffix = strings.ToLower(strings.TrimPrefix(v["snapshotSuffix"], "."))
	snap.Timestamp = timePtr(now)
	snap.Path = snapshotPath(snap.InteractionID, snap.ID, snap.Suffix)
	snap.Version++
	s.storeImage(snap.ID, snap.Suffix, f.image)
	s.publishLocked(client.Event{
		Type: client.EventSnapshotAcquired, UserID: userID, UserEndpointID: v["userEndpointId"],
		InteractionID: snap.InteractionID, SnapshotID: snap.ID, SnapshotType: snap.Type,
		SnapshotLocation: snap.Path,
	})
	return nil
}

// snapshotPath is the storage path the API reports.
func snapshotPath(interactionID, id, suffix string) string {
	if interactionID == "" {
		return "snapshots/" + id + "." + suffix
	}
	return "interactions/" + interactionID + "/snapshots/" + id + "." + suffix
}

// handleUpload serves POST /rtc-api/snapshots/upload (multipart): the
// requester's own picture, optionally related to an earlier snapshot.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request, id identity) {
	f, status, fe := s.parseForm(w, r)
	if fe != nil {
		writeFields(w, status, fe)
		return
	}
	v := f.fields
	fe = fieldErrors{}
	fe.required("applicationId", v["applicationId"], "targetUserId", v["targetUserId"],
		"targetUserEndpointId", v["targetUserEndpointId"], "interactionId", v["interactionId"],
		"userEndpointId", v["userEndpointId"], "snapshotType", v["snapshotType"],
		"snapshotSuffix", v["snapshotSuffix"], "snapshotMimeType", v["snapshotMimeType"])
	fe.text("snapshotType", v["snapshotType"], 64)
	fe.text("applicationId", v["applicationId"], 256)
	checkImage(fe, f, "snapshotMimeType", "snapshotSuffix")
	s.mu.Lock()
	s.checkEndpoint(fe, "userEndpointId", v["userEndpointId"])
	s.checkTarget(fe, v["targetUserId"], v["targetUserEndpointId"])
	if iid := v["interactionId"]; iid != "" {
		if _, ok := s.st.Interactions[iid]; !ok {
			fe.add("interactionId", "unknown interaction")
		}
	}
	if rel := v["relatedSnapshotId"]; rel != "" {
		if _, ok := s.st.Snapshots[rel]; !ok {
			fe.add("relatedSnapshotId", "unknown snapshot")
		}
	}
	if len(fe) > 0 {
		s.mu.Unlock()
		fe.fail(w)
		return
	}
	now := s.nowUTC()
	sid := s.newID()
	suffix := strings.ToLower(strings.TrimPrefix(v["snapshotSuffix"], "."))
	snap := client.Snapshot{
		ID: sid, RelatedSnapshotID: v["relatedSnapshotId"], OrganizationID: OrganizationID,
		ApplicationID: v["applicationId"], RequesterUserID: id.UserID,
		RequesterUserEndpointID: v["userEndpointId"], UserID: v["targetUserId"],
		UserEndpointID: v["targetUserEndpointId"], InteractionID: v["interactionId"],
		Type: v["snapshotType"], State: client.StateUploaded, Suffix: suffix,
		MimeType: http.DetectContentType(f.image), Timestamp: timePtr(now), CreatedAt: timePtr(now),
		Path: snapshotPath(v["interactionId"], sid, suffix),
	}
	s.st.Snapshots[sid] = &snapRec{Snapshot: snap}
	s.storeImage(sid, suffix, f.image)
	s.publishLocked(client.Event{
		Type: client.EventSnapshotAcquired, UserID: id.UserID, UserEndpointID: v["userEndpointId"],
		InteractionID: snap.InteractionID, SnapshotID: sid, SnapshotType: snap.Type,
		SnapshotLocation: snap.Path, RelatedSnapshotID: snap.RelatedSnapshotID,
	})
	s.mu.Unlock()
	s.persist()
	// The vendor answers an empty 204: the new id reaches the uploader
	// only through the SnapshotAcquiredEvent and the listings.
	w.WriteHeader(http.StatusNoContent)
}

// storeImage keeps the bytes of a snapshot. Callers hold s.mu.
func (s *Server) storeImage(id, suffix string, b []byte) {
	s.images[id] = b
	s.writeImageFile(id, suffix, b)
}

// newAcquireForm builds the form of an acquire, for simulated devices.
func newAcquireForm(snapshotID, endpointID, snapType string, jpeg []byte) form {
	return form{has: true, image: jpeg, fields: map[string]string{
		"snapshotId": snapshotID, "userEndpointId": endpointID, "snapshotType": snapType,
		"snapshotSuffix": "jpeg", "snapshotMimeType": "image/jpeg",
	}}
}
