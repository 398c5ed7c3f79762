package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/snapdash/snapdash/internal/sanitize"
)

// APIError is a response the server answered with a status other than 2xx.
// Every string in it is sanitized and short: it is safe to print.
type APIError struct {
	// Op names the call, e.g. "approve"; ID is the main id it was about.
	Op, ID string
	// Status is the HTTP status code.
	Status int
	// Fields is the server's field-to-message map of a 400 (the key "error"
	// holds a message about no particular field).
	Fields map[string]string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Message describes a body that was not a field map: the server's
	// message, an HTML page's title or the status text.
	Message string
}

// Error formats the error as `approve snap-1: 400 state: snapshot is
// APPROVED`: fields sorted by name, the "error" key first and bare.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.ID != "" {
		b.WriteByte(' ')
		b.WriteString(sanitize.Truncate(e.ID, 80))
	}
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.Status))
	if d := e.detail(); d != "" {
		b.WriteByte(' ')
		b.WriteString(d)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

func (e *APIError) detail() string {
	if len(e.Fields) == 0 {
		if e.Message != "" {
			return e.Message
		}
		return http.StatusText(e.Status)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		if k != "error" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(e.Fields))
	if msg, ok := e.Fields["error"]; ok {
		parts = append(parts, msg)
	}
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return strings.Join(parts, "; ")
}

// IsForbidden reports whether err is a 403: the token's role may not do this.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsNotFound reports whether err is a 404. (The snapshot API answers an
// unknown snapshot id with a 400 naming the field instead.)
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports whether err is a 401, from the API or from the
// token endpoint (bad client credentials).
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

func hasStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}

// ValidationError is a command the client refused to send because a
// required field is missing or a value is not one the API accepts.
type ValidationError struct {
	Op, Field, Reason string
}

// Error formats the error as `approve: userEndpointId is required`.
func (e *ValidationError) Error() string {
	return e.Op + ": " + e.Field + " " + e.Reason
}

// ErrBadResponse is wrapped by errors about a 2xx response the client could
// not use: malformed JSON, a wrong content type, a body over the size cap,
// bytes that are not an image.
var ErrBadResponse = errors.New("bad response")

func badResponse(op, id, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", opPrefix(op, id), ErrBadResponse, sanitize.Truncate(fmt.Sprintf(format, args...), 200))
}

func opPrefix(op, id string) string {
	if id == "" {
		return op
	}
	return op + " " + sanitize.Truncate(id, 80)
}

// newAPIError builds the error for a non-2xx response from its status,
// headers and (capped) body.
func newAPIError(op, id string, status int, h http.Header, body []byte) *APIError {
	e := &APIError{Op: op, ID: id, Status: status, RetryAfter: parseRetryAfter(h.Get("Retry-After"), time.Now())}
	e.Fields, e.Message = describeBody(h.Get("Content-Type"), body)
	// An HTML title like "502 Bad Gateway" would repeat the status.
	e.Message = strings.TrimSpace(strings.TrimPrefix(e.Message, strconv.Itoa(status)+" "))
	return e
}

// describeBody turns an error body into a field map (the API's 400 shape),
// or else one short, sanitized message; never a dump of the body.
func describeBody(contentType string, body []byte) (map[string]string, string) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, ""
	}
	media, _, _ := mime.ParseMediaType(contentType)
	if body[0] == '{' {
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) == nil {
			return describeObject(obj)
		}
	}
	if media == "text/html" || looksLikeHTML(body) {
		if t := htmlTitle(body); t != "" {
			return nil, sanitize.Truncate(t, 120)
		}
		return nil, ""
	}
	if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 || strings.Contains(media, "json") {
		return nil, ""
	}
	line, _, _ := bytes.Cut(body, []byte("\n"))
	return nil, sanitize.Truncate(string(line), 120)
}

// describeObject keeps the string members of a JSON object as fields when
// all members are strings (the API's 400 shape); otherwise it is a
// framework error page like Spring's and only its message is kept.
func describeObject(obj map[string]json.RawMessage) (map[string]string, string) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // which 20 fields are kept must not vary
	fields := make(map[string]string, min(len(obj), 20))
	allStrings := true
	for _, k := range keys {
		raw := obj[k]
		var s string
		if json.Unmarshal(raw, &s) != nil {
			allStrings = false
			continue
		}
		if len(fields) < 20 {
			fields[sanitize.Truncate(k, 64)] = sanitize.Truncate(s, 200)
		}
	}
	if allStrings && len(fields) > 0 {
		return fields, ""
	}
	for _, k := range []string{"message", "error_description", "error", "detail", "title"} {
		if s := fields[k]; s != "" {
			return nil, s
		}
	}
	return nil, ""
}

func looksLikeHTML(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 64)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") ||
		strings.HasPrefix(head, "<head") || strings.HasPrefix(head, "<body")
}

// htmlTitle returns the text of an HTML page's <title>, or its first <h1>.
func htmlTitle(b []byte) string {
	low := asciiLower(b)
	for _, tag := range []string{"title", "h1"} {
		start := bytes.Index(low, []byte("<"+tag))
		if start < 0 {
			continue
		}
		gt := bytes.IndexByte(low[start:], '>')
		if gt < 0 {
			continue
		}
		from := start + gt + 1
		end := bytes.Index(low[from:], []byte("</"+tag))
		if end < 0 {
			continue
		}
		if t := strings.Join(strings.Fields(string(b[from:from+end])), " "); t != "" {
			return t
		}
	}
	return ""
}

// asciiLower lowercases ASCII letters only, so that every index into the
// result is an index into b (bytes.ToLower may change the length: invalid
// UTF-8 becomes U+FFFD, and some letters lowercase to fewer or more bytes).
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// redactURLError strips the query (a signed URL's signature) from the URL
// inside a *url.Error, so that no credential reaches an error message.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
}

// redactURL returns u without its query, fragment and user info.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(invalid URL)"
	}
	p.User, p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment = nil, "", false, "", ""
	return p.String()
}

// ctxError explains why a call's context ended: the caller cancelled it, or
// the call's own Timeout ran out.
func ctxError(parent context.Context, prefix string, timeout time.Duration) error {
	if err := parent.Err(); err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	return fmt.Errorf("%s: no answer within %s: %w", prefix, timeout, context.DeadlineExceeded)
}

// Transient reports whether a failed call is worth making again later: the
// server rate-limited it (429) or failed (5xx), the network failed, or no
// answer came in time. retryAfter is how long the server asked to wait (0
// when it did not say). A refusal (any other 4xx), a bad answer, invalid
// input and a cancelled call are not transient.
func Transient(err error) (retryAfter time.Duration, ok bool) {
	var ae *APIError
	var ve *ValidationError
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.As(err, &ve), errors.Is(err, ErrBadResponse):
		return 0, false
	case errors.As(err, &ae):
		return ae.RetryAfter, ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	}
	return 0, true
}
