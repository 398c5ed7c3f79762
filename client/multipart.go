package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"sync"

	"github.com/snapdash/snapdash/internal/sanitize"
)

// imageSuffix returns the suffix the API stores an image type under, false
// for types it does not take.
func imageSuffix(mime string) (string, bool) {
	switch mime {
	case "image/jpeg":
		return "jpeg", true
	case "image/png":
		return "png", true
	case "image/gif":
		return "gif", true
	case "image/webp":
		return "webp", true
	}
	return "", false
}

// prepareUpload checks an upload of a picture the requester already has
// (optionally tied to an earlier snapshot by RelatedSnapshotID) and builds
// its request. The image's type is detected from its bytes;
// SnapshotMimeType and SnapshotSuffix default to it. The image is streamed,
// not buffered; when its size is known (a file, or any io.Seeker) the
// request carries a Content-Length, as some gateways demand one. Nothing
// is sent: sendUpload does that.
func (c *Client) prepareUpload(cmd UploadCommand, image io.Reader) (*request, error) {
	const op = "upload"
	if err := firstError(
		required(op, "applicationId", cmd.ApplicationID),
		required(op, "targetUserId", cmd.TargetUserID),
		required(op, "targetUserEndpointId", cmd.TargetUserEndpointID),
		required(op, "interactionId", cmd.InteractionID),
		required(op, "userEndpointId", cmd.UserEndpointID),
		required(op, "snapshotType", cmd.SnapshotType),
	); err != nil {
		return nil, err
	}
	img, err := newImageSource(op, image, cmd.SnapshotMimeType, cmd.SnapshotSuffix, c.cfg.MaxImageBytes)
	if err != nil {
		return nil, err
	}
	fields := []formField{
		{"relatedSnapshotId", cmd.RelatedSnapshotID},
		{"applicationId", cmd.ApplicationID},
		{"targetUserId", cmd.TargetUserID},
		{"targetUserEndpointId", cmd.TargetUserEndpointID},
		{"interactionId", cmd.InteractionID},
		{"userEndpointId", cmd.UserEndpointID},
		{"snapshotType", cmd.SnapshotType},
	}
	return img.request(op, cmd.InteractionID, snapshotsPath+"/upload", fields), nil
}

// sendUpload sends a prepared upload and returns the id the answer names,
// if any (the vendor's 204 names none).
func (c *Client) sendUpload(ctx context.Context, r *request) (SnapshotUploadResult, error) {
	resp, err := c.do(ctx, r)
	if err != nil {
		return SnapshotUploadResult{}, err
	}
	var out SnapshotUploadResult
	if resp.status == http.StatusNoContent || len(bytes.TrimSpace(resp.body)) == 0 {
		return out, nil
	}
	if err := decodeJSON(r.op, r.id, resp, &out); err != nil {
		return SnapshotUploadResult{}, err
	}
	return out, nil
}

// Acquire sends the picture for a requested snapshot (the device's side).
// The image is handled as in Upload.
func (c *Client) Acquire(ctx context.Context, cmd AcquireCommand, image io.Reader) error {
	const op = "acquire"
	if err := firstError(
		required(op, "snapshotId", cmd.SnapshotID),
		required(op, "userEndpointId", cmd.UserEndpointID),
		required(op, "snapshotType", cmd.SnapshotType),
	); err != nil {
		return err
	}
	img, err := newImageSource(op, image, cmd.SnapshotMimeType, cmd.SnapshotSuffix, c.cfg.MaxImageBytes)
	if err != nil {
		return err
	}
	fields := []formField{
		{"snapshotId", cmd.SnapshotID},
		{"userEndpointId", cmd.UserEndpointID},
		{"snapshotType", cmd.SnapshotType},
	}
	_, err = c.do(ctx, img.request(op, cmd.SnapshotID, snapshotsPath+"/acquire", fields))
	return err
}

type formField struct{ name, value string }

// imageSource is an image to upload: its first bytes are read ahead to
// detect its type, the rest is streamed. It can be sent again (after a 401
// or a 429) only when the reader is an io.Seeker.
type imageSource struct {
	r            io.Reader
	seeker       io.Seeker
	start        int64 // seeker offset of the first byte
	size         int64 // the image's length, -1 when unknown (not a seeker)
	head         []byte
	mime, suffix string
	max          int64
	boundary     string // the same on every attempt, so the length holds

	mu      sync.Mutex
	opened  int
	lastErr error // why the last body could not be written, if it failed
}

func newImageSource(op string, r io.Reader, wantMime, wantSuffix string, max int64) (*imageSource, error) {
	if r == nil {
		return nil, &ValidationError{Op: op, Field: "image", Reason: "is required"}
	}
	s := &imageSource{r: r, max: max, size: -1, boundary: multipart.NewWriter(io.Discard).Boundary()}
	if sk, ok := r.(io.Seeker); ok {
		if off, err := sk.Seek(0, io.SeekCurrent); err == nil {
			s.seeker, s.start = sk, off
			if end, err := sk.Seek(0, io.SeekEnd); err == nil && end >= off {
				s.size = end - off
			}
			if _, err := sk.Seek(off, io.SeekStart); err != nil {
				return nil, fmt.Errorf("%s: reading the image: %w", op, err)
			}
		}
	}
	if s.size > max {
		return nil, &ValidationError{Op: op, Field: "image", Reason: fmt.Sprintf("is larger than %d bytes", max)}
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	switch {
	case errors.Is(err, io.EOF) || n == 0:
		return nil, &ValidationError{Op: op, Field: "image", Reason: "is empty"}
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("%s: reading the image: %w", op, err)
	}
	s.head = head[:n]
	s.mime = http.DetectContentType(s.head)
	suffix, ok := imageSuffix(s.mime)
	if !ok {
		return nil, &ValidationError{Op: op, Field: "image",
			Reason: fmt.Sprintf("is %s, not a JPEG, PNG, GIF or WebP picture", sanitize.Line(s.mime))}
	}
	if wantMime != "" {
		if m := normalizeMime(wantMime); m != s.mime {
			return nil, &ValidationError{Op: op, Field: "snapshotMimeType",
				Reason: fmt.Sprintf("%q does not match the image bytes (%s)", sanitize.Truncate(wantMime, 40), s.mime)}
		}
	}
	s.suffix = suffix
	if wantSuffix != "" {
		if !validSuffix(wantSuffix) {
			return nil, &ValidationError{Op: op, Field: "snapshotSuffix",
				Reason: fmt.Sprintf("%q is not a file suffix", sanitize.Truncate(wantSuffix, 40))}
		}
		s.suffix = wantSuffix
	}
	return s, nil
}

func normalizeMime(m string) string {
	m = strings.ToLower(strings.TrimSpace(m))
	if m == "image/jpg" || m == "image/pjpeg" {
		return "image/jpeg"
	}
	return m
}

func validSuffix(s string) bool {
	if len(s) > 10 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// request builds the multipart request for do: the form fields (empty
// optional ones left out), snapshotSuffix, snapshotMimeType and the image.
func (s *imageSource) request(op, id, path string, fields []formField) *request {
	fields = append(fields, formField{"snapshotSuffix", s.suffix}, formField{"snapshotMimeType", s.mime})
	return &request{
		op: op, id: id, method: http.MethodPost, path: path, limit: objectBodyLimit,
		body:    func() (io.Reader, string, error) { return s.body(fields) },
		replay:  func() bool { return s.seeker != nil },
		bodyErr: s.writeErr,
	}
}

// body starts writing the form into a pipe and returns its reading end,
// which knows the form's length when the image's size is known.
func (s *imageSource) body(fields []formField) (io.Reader, string, error) {
	img, err := s.open()
	if err != nil {
		return nil, "", err
	}
	length := int64(-1)
	if s.size >= 0 {
		// The form's length is that of the form around an empty image
		// plus the image's: the parts' headers do not depend on it.
		var cw countWriter
		mw := multipart.NewWriter(&cw)
		if err := mw.SetBoundary(s.boundary); err != nil {
			return nil, "", err
		}
		if err := s.writeForm(mw, fields, bytes.NewReader(nil), 0); err != nil {
			return nil, "", err
		}
		length = cw.n + s.size
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	if err := mw.SetBoundary(s.boundary); err != nil {
		return nil, "", err
	}
	ct := mw.FormDataContentType()
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := s.writeForm(mw, fields, img, s.size)
		if err != nil {
			s.mu.Lock()
			s.lastErr = err
			s.mu.Unlock()
		}
		pw.CloseWithError(err)
	}()
	return &pipeBody{pr: pr, done: done, length: length}, ct, nil
}

// open returns the image stream for one attempt, rewinding it for a retry.
func (s *imageSource) open() (io.Reader, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opened++
	s.lastErr = nil
	if s.opened > 1 {
		if s.seeker == nil {
			return nil, errors.New("the image cannot be sent again")
		}
		if _, err := s.seeker.Seek(s.start+int64(len(s.head)), io.SeekStart); err != nil {
			return nil, fmt.Errorf("rewinding the image: %w", err)
		}
	}
	return io.MultiReader(bytes.NewReader(s.head), s.r), nil
}

// writeForm writes the form; size is the image's length when known (-1
// otherwise), which the image must then match exactly: the request's
// Content-Length was computed from it.
func (s *imageSource) writeForm(mw *multipart.Writer, fields []formField, img io.Reader, size int64) error {
	for _, f := range fields {
		if f.value == "" {
			continue
		}
		if err := mw.WriteField(f.name, f.value); err != nil {
			return err
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="image"; filename="snapshot.%s"`, s.suffix))
	h.Set("Content-Type", s.mime)
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	limit := s.max + 1
	if size >= 0 {
		limit = size + 1
	}
	n, err := io.Copy(part, io.LimitReader(img, limit))
	if err != nil {
		return err
	}
	switch {
	case n > s.max:
		return fmt.Errorf("the image is larger than %d bytes", s.max)
	case size >= 0 && n != size:
		return fmt.Errorf("the image changed while it was sent (%d bytes, expected %d)", n, size)
	}
	return mw.Close()
}

// writeErr reports why the last form could not be written (a reading
// error or a too large image), nil when it was not the writer's fault.
func (s *imageSource) writeErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastErr == nil || errors.Is(s.lastErr, io.ErrClosedPipe) || errors.Is(s.lastErr, errBodyAbandoned) {
		return nil
	}
	return s.lastErr
}

var errBodyAbandoned = errors.New("request body abandoned")

// pipeBody is the reading end of the form pipe. Close stops the writer and
// waits for it, so no goroutine outlives the call.
type pipeBody struct {
	pr     *io.PipeReader
	done   chan struct{}
	length int64 // -1 when unknown: sent chunked
}

// ContentLength is the form's length in bytes, -1 when unknown; attempt
// sends it as the request's Content-Length.
func (b *pipeBody) ContentLength() int64 { return b.length }

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

// Write implements io.Writer.
func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// Read implements io.Reader.
func (b *pipeBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

// Close implements io.Closer; it is safe to call more than once and from
// the transport's goroutine.
func (b *pipeBody) Close() error {
	b.pr.CloseWithError(errBodyAbandoned)
	<-b.done
	return nil
}
