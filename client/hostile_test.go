package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// ctRaw answers with raw bytes on the hijacked connection, to send what a
// well-behaved server never would (a Content-Length it does not keep).
func ctRaw(raw string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		buf.WriteString(raw)
		buf.Flush()
	})
}

func TestAPIErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    APIError
		want string
	}{
		{APIError{Op: "approve", ID: "snap-1", Status: 400, Fields: map[string]string{"state": "snapshot is APPROVED"}},
			"approve snap-1: 400 state: snapshot is APPROVED"},
		{APIError{Op: "request", Status: 400, Fields: map[string]string{"targetUserId": "required", "error": "bad command", "applicationId": "unknown"}},
			"request: 400 bad command; applicationId: unknown; targetUserId: required"},
		{APIError{Op: "approve", ID: "s", Status: 403, Fields: map[string]string{"error": "forbidden for supervisors"}},
			"approve s: 403 forbidden for supervisors"},
		{APIError{Op: "get snapshot", ID: "s", Status: 503}, "get snapshot s: 503 Service Unavailable"},
		{APIError{Op: "get snapshot", ID: "s", Status: 500, Message: "boom"}, "get snapshot s: 500 boom"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	if !IsForbidden(fmt.Errorf("wrapped: %w", &APIError{Status: 403})) || IsForbidden(errors.New("403")) ||
		!IsNotFound(&APIError{Status: 404}) || IsUnauthorized(&APIError{Status: 403}) {
		t.Error("Is* helpers")
	}
}

// TestHostileErrorBodies checks that error bodies become short, clean
// messages, never dumps.
func TestHostileErrorBodies(t *testing.T) {
	long := strings.Repeat("A", 100000)
	for _, tc := range []struct {
		name, ct, body string
		status         int
		want           string
	}{
		{"html page", "text/html", "<!DOCTYPE html><html><head><title>Sign in\n - Portal</title></head><body>" + long + "</body></html>", 403,
			"get snapshot s: 403 Sign in - Portal"},
		{"html no title", "text/html; charset=utf-8", "<html><body><h1>Oops</h1>" + long, 500, "get snapshot s: 500 Oops"},
		{"html untitled", "text/html", "<html>" + long, 404, "get snapshot s: 404 Not Found"},
		{"html as json", "application/json", "<html><title>Gateway Timeout</title></html>", 504, "get snapshot s: 504 Gateway Timeout"},
		{"spring", "application/json", `{"timestamp":"2024-01-01T00:00:00Z","status":403,"error":"Forbidden","message":"Access Denied","path":"/x"}`, 403,
			"get snapshot s: 403 Access Denied"},
		{"escape codes", "text/plain", "bad \x1b]0;pwned\x07thing\x1b[31m red\nsecond line", 400, "get snapshot s: 400 bad thing red"},
		{"escape in field", "application/json", `{"snapshotId":"unknown \u001b[2Jsnapshot"}`, 400, "get snapshot s: 400 snapshotId: unknown snapshot"},
		{"binary", "application/octet-stream", "\x00\x01\x02\xff\xfe", 500, "get snapshot s: 500 Internal Server Error"},
		{"long text", "text/plain", long, 400, "get snapshot s: 400 " + strings.Repeat("A", 119) + "…"},
		{"broken json", "application/json", `{"error": "unterminated`, 400, "get snapshot s: 400 Bad Request"},
	} {
		c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tc.ct)
			w.WriteHeader(tc.status)
			fmt.Fprint(w, tc.body)
		}), func(cfg *Config) { cfg.Retry.MaxAttempts = 1 })
		_, err := c.GetSnapshot(context.Background(), "s")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, err, tc.want)
		}
	}
}

// TestHostileSuccessBodies: 2xx answers that cannot be used give clear
// errors promptly.
func TestHostileSuccessBodies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.Handler
		want    string
	}{
		{"malformed json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `[{"id": "a"},, ]`)
		}), "list snapshots i: bad response: malformed JSON at byte 14: invalid character ',' looking for beginning of value"},
		{"wrong type", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><title>Login</title></html>")
		}), "list snapshots i: bad response: expected JSON, got text/html (Login)"},
		{"wrong shape", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctWriteJSON(w, 200, map[string]any{"id": 5})
		}), "list snapshots i: bad response: an object without a content list"},
		{"wrong field type", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctWriteJSON(w, 200, []map[string]any{{"id": 5}})
		}), "list snapshots i: bad response: unexpected JSON: id is number, expected string"},
		{"empty 200", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
		}), "list snapshots i: bad response: empty answer (status 200), expected JSON"},
		{"truncated json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `[{"id": "a"`)
		}), "list snapshots i: bad response: truncated JSON"},
		{"truncated body", ctRaw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{\"id\":"),
			"list snapshots i: reading response: unexpected EOF"},
		{"huge content-length", ctRaw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1099511627776\r\n\r\n[]"),
			"list snapshots i: bad response: response of 1099511627776 bytes is over the 67108864-byte limit"},
	} {
		c, _ := ctNewClient(t, tc.handler, func(cfg *Config) { cfg.Retry.MaxAttempts = 2 })
		start := time.Now()
		_, err := c.ListSnapshots(context.Background(), "i")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, err, tc.want)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %s", tc.name, d)
		}
	}
}

// TestOversizedBodyWithoutLength caps a chunked body that never ends.
func TestOversizedBodyWithoutLength(t *testing.T) {
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for i := 0; i < 200; i++ { // 12.8 MiB, over the 4 MiB object cap
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	_, err := c.GetSnapshot(context.Background(), "s")
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "over the 4194304-byte limit") {
		t.Errorf("err = %v", err)
	}
}

// TestSlowDripTimesOut: a server that sends its body a byte at a time ends
// with a timeout error at Config.Timeout, not a hang.
func TestSlowDripTimesOut(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		bw := bufio.NewWriter(w)
		for i := 0; i < 1000; i++ {
			bw.WriteByte(' ')
			bw.Flush()
			w.(http.Flusher).Flush()
			select {
			case <-time.After(50 * time.Millisecond):
			case <-r.Context().Done():
				return
			case <-stop:
				return
			}
		}
	}), func(cfg *Config) { cfg.Timeout = 400 * time.Millisecond })
	start := time.Now()
	_, err := c.GetSnapshot(context.Background(), "s")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "get snapshot s: no answer within 400ms") {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second { // a hang guard: the drip alone takes 50 s
		t.Errorf("took %s", d)
	}
}

// TestHeadersOnEveryRequest: User-Agent and the bearer token everywhere;
// the token never in an error.
func TestHeadersOnEveryRequest(t *testing.T) {
	var bad atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "snapdash/test" || r.Header.Get("Authorization") != "Bearer "+ctStaticToken {
			bad.Add(1)
		}
		ctWriteJSON(w, 400, map[string]string{"error": "nope"})
	}))
	ctx := context.Background()
	_, err := c.ListSnapshots(ctx, "i")
	errs := []error{err, c.Approve(ctx, SnapshotApproveCommand{SnapshotID: "s", UserEndpointID: "e"})}
	_, err = c.ListInteractions(ctx, time.Now().Add(-time.Hour), time.Now())
	errs = append(errs, err)
	_, err = c.RegisterEndpoint(ctx, RegisterEndpointCommand{KeepAliveSeconds: 30})
	errs = append(errs, err)
	for _, err := range errs {
		if err == nil || strings.Contains(err.Error(), ctStaticToken) {
			t.Errorf("err = %v", err)
		}
	}
	if bad.Load() != 0 {
		t.Errorf("%d requests without the headers", bad.Load())
	}
}
