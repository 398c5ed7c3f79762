package client

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeResponses feeds arbitrary 2xx answers (content type and body)
// to every response decoder the client has: no panic, and every error is
// an ErrBadResponse with a short, printable message.
func FuzzDecodeResponses(f *testing.F) {
	f.Add("application/json", []byte(`{"id":"s1","state":"UPLOADED","createdAt":"2024-05-01T10:00:00Z"}`))
	f.Add("application/json", []byte(`{"content":[{"id":"i1","data":{"customerName":"x"}}],"totalPages":1}`))
	f.Add("application/json", []byte(`{"url":"https://h/x?signature=s","validUntil":"2024-05-01T10:00:00Z"}`))
	f.Add("application/json", []byte(`"ep-1"`))
	f.Add("text/plain", []byte("ep-2\n"))
	f.Add("text/html", []byte("<html><title>Login</title>"))
	f.Add("", []byte(`[{"id":5}]`))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		resp := &response{status: 200, header: http.Header{"Content-Type": {ct}}, body: body}
		check := func(err error) {
			if err == nil {
				return
			}
			msg := err.Error()
			if !strings.Contains(msg, ErrBadResponse.Error()) || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x1b\n\r\x07") || len(msg) > 400 {
				t.Fatalf("error %q", msg)
			}
		}
		var s Snapshot
		check(decodeJSON("get snapshot", "s", resp, &s))
		var p InteractionPage
		check(decodeJSON("list interactions", "", resp, &p))
		var u SignedURL
		check(decodeJSON("signed url", "s", resp, &u))
		id, err := decodeID("register endpoint", "", resp)
		check(err)
		if err == nil && id == "" {
			t.Fatal("an empty id without an error")
		}
		if err := checkJSON("list snapshots", "i", resp); err == nil {
			_, _ = decodeSnapshotList(resp.body)
		} else {
			check(err)
		}
	})
}
