package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// fakeAPI is a loopback server answering what a test gives it, plus the
// user-endpoint lifecycle every action needs. It records each request's
// headers and body length by "METHOD path".
type fakeAPI struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen map[string]seenRequest
}

type seenRequest struct {
	header        http.Header
	contentLength int64
	chunked       bool
	bodyLen       int
}

func newFakeAPI(t *testing.T, routes map[string]http.HandlerFunc) *fakeAPI {
	t.Helper()
	f := &fakeAPI{seen: map[string]seenRequest{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /rtc-api/users/endpoints", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `"ep-1"`)
	})
	for _, p := range []string{"POST /rtc-api/users/endpoints/keepalive", "POST /rtc-api/users/endpoints/unregister"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.seen[r.Method+" "+r.URL.Path] = seenRequest{header: r.Header.Clone(), contentLength: r.ContentLength,
			chunked: len(r.TransferEncoding) > 0, bodyLen: len(body)}
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) request(key string) (seenRequest, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.seen[key]
	return r, ok
}

// env is the environment of a CLI signed in to f with a JWT (not signed:
// the fake server does not check it), so that each test here is about its
// own subject; the token modes have their own test.
func (f *fakeAPI) env() map[string]string {
	return map[string]string{"SNAPDASH_SERVER": f.srv.URL, "SNAPDASH_TOKEN": testJWT()}
}

// testJWT is an unsigned JWT naming agent-1.
func testJWT() string {
	b64 := base64.RawURLEncoding.EncodeToString
	return b64([]byte(`{"alg":"none"}`)) + "." + b64([]byte(`{"sub":"agent-1"}`)) + ".x"
}

func jsonAnswer(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}
}

func noContent(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }

// interactionRoute answers GET /rtc-api/interactions/{id} with an
// interaction that names its application.
var interactionRoute = jsonAnswer(`{"id":"in-1","data":{"applicationId":"app-1"}}`)

// TestUploadSendsContentLengthAndPrintsTheID: the multipart body carries a
// Content-Length (not chunked) that matches it, the upload answered with
// the documented 204 still prints the new snapshot's id, and no progress
// bar reaches a stderr that is not a terminal.
func TestUploadSendsContentLengthAndPrintsTheID(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	uploaded := false
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/interactions/{id}": interactionRoute,
		"GET /rtc-api/snapshots": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			list := `[{"id":"old-1","type":"other"}]`
			if uploaded {
				list = `[{"id":"old-1","type":"other"},{"id":"new-1","type":"other","userId":"u","requesterUserEndpointId":"ep-1"}]`
			}
			jsonAnswer(list)(w, r)
		},
		"POST /rtc-api/snapshots/upload": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			uploaded = true
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		},
	})
	c := newCLI(t, f.env())
	r := c.ok("upload", writeJPEG(t), "--interaction", "in-1", "--target-user", "u", "--target-endpoint", "e", "--type", "other")
	if r.stdout != "new-1\n" || r.stderr != "" {
		t.Errorf("upload: %s", r)
	}
	req, ok := f.request("POST /rtc-api/snapshots/upload")
	if !ok || req.chunked || req.contentLength <= 0 || req.contentLength != int64(req.bodyLen) || req.header.Get("Content-Length") == "" {
		t.Errorf("upload request: chunked %t, Content-Length %d (header %q), body %d bytes", req.chunked, req.contentLength, req.header.Get("Content-Length"), req.bodyLen)
	}
}

// TestUploadNotFoundSucceeds: when neither the answer nor the listing
// tells which snapshot the upload made, it says so on stderr and exits 0:
// the upload went through.
func TestUploadNotFoundSucceeds(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/interactions/{id}": interactionRoute,
		"GET /rtc-api/snapshots":         jsonAnswer(`[]`),
		"POST /rtc-api/snapshots/upload": noContent,
	})
	r := newCLI(t, f.env()).run("upload", writeJPEG(t), "--interaction", "in-1", "--target-user", "u", "--target-endpoint", "e", "--type", "other")
	if r.code != 0 || r.stdout != "" || len(lines(r.stderr)) != 1 || !strings.Contains(r.stderr, "did not say which snapshot") {
		t.Errorf("upload: %s", r)
	}
}

// TestActionJSONSurvivesAFailedReadBack: approve/discard --json exit 0
// when the action went through but reading the snapshot back failed, print
// what is known and warn in one line.
func TestActionJSONSurvivesAFailedReadBack(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"POST /rtc-api/snapshots/approve": noContent,
		"POST /rtc-api/snapshots/discard": noContent,
		"GET /rtc-api/snapshots/{id}": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":"boom"}`, http.StatusInternalServerError)
		},
	})
	c := newCLI(t, f.env())
	for verb, state := range map[string]string{"approve": "APPROVED", "discard": "DISCARDED"} {
		r := c.run(verb, "s1", "--json")
		var got map[string]string
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil || got["id"] != "s1" || got["state"] != state ||
			len(lines(r.stderr)) != 1 || !strings.HasPrefix(r.stderr, "snapdash: warning: ") {
			t.Errorf("%s --json: %s", verb, r)
		}
	}
}

// crafted is a snapshot as a vendor's server may write it: members with
// zero and null values, milliseconds with a trailing zero, a member the
// published schema does not list.
const crafted = `{"id":"s1","relatedSnapshotId":null,"type":"meter","state":"UPLOADED","version":0,` +
	`"approvalProcessingResult":{"succeeded":false,"additionalInformation":""},` +
	`"createdAt":"2024-05-01T10:11:33.100Z","vendorExtra":{"region":"eu","n":1.50}}`

// TestJSONIsTheServersBytes: --json prints what the server sent for get,
// list and interactions, not a re-encoding that drops members.
func TestJSONIsTheServersBytes(t *testing.T) {
	t.Parallel()
	interaction := `{"id":"in-1","createdAt":"2024-05-01T10:00:00.000Z","type":"CALL","data":{},"version":0,"vendorExtra":true}`
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/snapshots/{id}":     jsonAnswer(crafted),
		"GET /rtc-api/snapshots":          jsonAnswer(`[` + crafted + `]`),
		"GET /rtc-api/interactions":       jsonAnswer(`{"content":[` + interaction + `],"totalElements":1,"totalPages":1,"number":0,"size":20}`),
		"POST /rtc-api/snapshots/approve": noContent,
	})
	c := newCLI(t, f.env())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"get", "s1", "--json"}, crafted},
		{[]string{"list", "in-1", "--json"}, `[` + crafted + `]`},
		{[]string{"interactions", "--json"}, `[` + interaction + `]`},
		{[]string{"approve", "s1", "--json"}, crafted},
	} {
		r := c.ok(tc.args...)
		sameJSON(t, strings.Join(tc.args, " "), []byte(r.stdout), []byte(tc.want))
		if strings.Contains(tc.want, "33.100Z") && !strings.Contains(r.stdout, `"2024-05-01T10:11:33.100Z"`) {
			t.Errorf("%v: the instant was rewritten: %s", tc.args, r.stdout)
		}
	}
}

// TestStandardLoggerNeverReachesStderr: a server that sends bytes on an
// idle keep-alive connection makes net/http log "Unsolicited response";
// that goes to the log file (or nowhere), never to stderr.
func TestStandardLoggerNeverReachesStderr(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					resp := "HTTP/1.1 204 No Content\r\n\r\n"
					if req.URL.Path == "/rtc-api/users/endpoints" {
						resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 6\r\n\r\n\"ep-1\""
					}
					// The extra response arrives while the connection is idle.
					if _, err := io.WriteString(conn, resp+"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"); err != nil {
						return
					}
				}
			}()
		}
	}()
	logFile := filepath.Join(t.TempDir(), "snapdash.log")
	c := newCLI(t, map[string]string{"SNAPDASH_SERVER": "http://" + ln.Addr().String(), "SNAPDASH_TOKEN": testJWT()})
	// The log file shows the transport did complain; stderr stays clean.
	r := c.run("approve", "s1", "--log-file", logFile)
	if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "Unsolicited") {
		t.Errorf("the log file holds no Unsolicited line:\n%s", log)
	}
	if r.code != 0 || r.stderr != "" {
		t.Errorf("approve: %s", r)
	}
	if r := c.run("approve", "s1"); r.code != 0 || r.stderr != "" {
		t.Errorf("approve without a log file: %s", r)
	}
}

// TestEventsWithoutSinceIDPrintsOnlyNewEvents: a server that replays its
// history to a new connection does not make `events` print it; with
// --since-id 0 the history is what was asked for.
func TestEventsWithoutSinceIDPrintsOnlyNewEvents(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/events": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			old := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)
			now := time.Now().UTC().Format(time.RFC3339Nano)
			fmt.Fprintf(w, "id: 1\nevent: SnapshotAcquiredEvent\ndata: {\"type\":\"SnapshotAcquiredEvent\",\"snapshotId\":\"old\",\"timestamp\":%q}\n\n", old)
			fmt.Fprintf(w, "id: 2\nevent: SnapshotAcquiredEvent\ndata: {\"type\":\"SnapshotAcquiredEvent\",\"snapshotId\":\"new\",\"timestamp\":%q}\n\n", now)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
	})
	c := newCLI(t, f.env())
	for _, tc := range []struct {
		args  []string
		first string
	}{
		{[]string{"events", "--json", "--events", "sse"}, `"new"`},
		{[]string{"events", "--json", "--events", "sse", "--since-id", "0"}, `"old"`},
	} {
		cmd := c.command(t.Context(), tc.args...)
		stdout, _ := cmd.StdoutPipe()
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		if !sc.Scan() || !strings.Contains(sc.Text(), tc.first) {
			t.Errorf("%v: first event %q, want the %s one (stderr %s)", tc.args, sc.Text(), tc.first, stderr.String())
		}
		cmd.Process.Signal(os.Interrupt)
		for sc.Scan() {
		}
		cmd.Wait()
	}
}

// TestTablesAlignAfterSanitizing: a value with escape sequences or wide
// characters does not shift the columns after it.
func TestTablesAlignAfterSanitizing(t *testing.T) {
	t.Parallel()
	at := "2024-05-01T10:11:33.100Z"
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/snapshots": jsonAnswer(`[` +
			`{"id":"s1","state":"UPLOADED","type":"\u001b[31mred\u001b[0m","createdAt":"` + at + `","userId":"a"},` +
			`{"id":"s2","state":"UPLOADED","type":"日本語の書類","createdAt":"` + at + `","userId":"b"},` +
			`{"id":"s3","state":"UPLOADED","type":"meter","createdAt":"` + at + `","userId":"c"}]`),
	})
	r := newCLI(t, f.env()).ok("list", "in-1")
	rows := lines(r.stdout)
	if len(rows) != 4 {
		t.Fatalf("list: %s", r)
	}
	col := -1
	for i, row := range rows {
		idx := strings.Index(row, "2024-")
		if i == 0 {
			idx = strings.Index(row, "CREATED")
		}
		if idx < 0 || strings.ContainsRune(row, 0x1b) {
			t.Fatalf("row %q", row)
		}
		w := ansi.StringWidth(row[:idx])
		if col == -1 {
			col = w
		}
		if w != col {
			t.Errorf("row %d: CREATED at column %d, want %d:\n%s", i, w, col, r.stdout)
		}
	}
}

// TestInteractionsShowTheSnapshotsCustomer: without a customer name in the
// interaction's data, CUSTOMER shows what the API gives: the customer user
// id of its snapshots.
func TestInteractionsShowTheSnapshotsCustomer(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/interactions": jsonAnswer(`{"content":[{"id":"in-1","type":"CALL","data":{}}],"totalPages":1}`),
		"GET /rtc-api/snapshots":    jsonAnswer(`[{"id":"s1","userId":"customer-42"},{"id":"s2","userId":"customer-42"}]`),
	})
	r := newCLI(t, f.env()).ok("interactions")
	if rows := lines(r.stdout); len(rows) != 2 || !strings.Contains(rows[1], "customer-42") || strings.Count(rows[1], "customer-42") != 1 {
		t.Errorf("interactions: %s", r)
	}
}

// TestFetchWarnsAboutAPictureThatDoesNotDecode: a truncated JPEG is saved
// as the server sent it, with a warning.
func TestFetchWarnsAboutAPictureThatDoesNotDecode(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile(writeJPEG(t))
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"POST /rtc-api/snapshots/signedUrl": func(w http.ResponseWriter, r *http.Request) {
			jsonAnswer(`{"url":"http://`+r.Host+`/pic/s1"}`)(w, r)
		},
		"GET /pic/s1": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(good[:len(good)/2])
		},
	})
	out := filepath.Join(t.TempDir(), "p.jpg")
	r := newCLI(t, f.env()).run("fetch", "s1", "-o", out)
	saved, _ := os.ReadFile(out)
	if r.code != 0 || !bytes.Equal(saved, good[:len(good)/2]) || len(lines(r.stderr)) != 1 || !strings.Contains(r.stderr, "does not decode") {
		t.Errorf("fetch: %s", r)
	}
}

// TestSmallerCLIErrors covers the user-visible errors of item 7 that the
// simulator shows: an approval nobody made, two interactions, errors named
// after the command and its step.
func TestSmallerCLIErrors(t *testing.T) {
	t.Parallel()
	srv := startSimWith(t, sim.Options{})
	c := newCLI(t, agentEnv(srv))
	up := snapshotIn(t, srv, client.StateUploaded)
	if r := c.ok("get", up.ID); strings.Contains(r.stdout, "approval") {
		t.Errorf("get of a snapshot nobody reviewed: %s", r)
	}
	if r := c.run("list", "a", "--interaction", "b"); r.code != 2 || !strings.Contains(r.stderr, `"a"`) || !strings.Contains(r.stderr, `"b"`) {
		t.Errorf("list with two interactions: %s", r)
	}
	bad := newCLI(t, map[string]string{"SNAPDASH_SERVER": srv.URL(), "SNAPDASH_CLIENT_ID": "snapdash-agent", "SNAPDASH_CLIENT_SECRET": "wrong"})
	if r := bad.run("approve", up.ID); r.code != 1 || !strings.HasPrefix(r.stderr, "snapdash: approve: token: 401") {
		t.Errorf("approve with bad credentials: %s", r)
	}
	if r := c.run("fetch", "no-such", "-o", filepath.Join(t.TempDir(), "x")); r.code != 1 || !strings.HasPrefix(r.stderr, "snapdash: fetch: signed url no-such: 400") {
		t.Errorf("fetch of an unknown snapshot: %s", r)
	}
}

// TestUnknownUserIDIsSaidOnce: with an opaque token and the MQTT feed,
// which logs in as the user, the command says in one line what it needs
// and how to give it.
func TestUnknownUserIDIsSaidOnce(t *testing.T) {
	t.Parallel()
	srv := startSimWith(t, sim.Options{OpaqueTokens: true})
	r := newCLI(t, agentEnv(srv)).run("events", "--events", "mqtt", "--mqtt-url", "ws://127.0.0.1:1/ws")
	if r.code != 1 || len(lines(r.stderr)) != 1 || !strings.Contains(r.stderr, "--user-id") || !strings.Contains(r.stderr, "SNAPDASH_USER_ID") {
		t.Errorf("events --events mqtt with an opaque token: %s", r)
	}
}
