package sim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/snapdash/snapdash/client"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock {
	return &testClock{t: time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a started simulator with an HTTP client and tokens.
type env struct {
	t          *testing.T
	s          *Server
	url        string
	hc         *http.Client
	agent, sup string
}

func start(t *testing.T, opts Options) *env {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s: s, url: s.URL(), hc: newTestHTTPClient(t)}
	e.agent = s.IssueToken(RoleAgent, 0)
	e.sup = s.IssueToken(RoleSupervisor, 0)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

// newTestHTTPClient returns a client whose idle connections are closed when
// the test ends, so goleak sees no transport goroutines.
func newTestHTTPClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 20 * time.Second}
}

// resp is a finished HTTP exchange.
type resp struct {
	status int
	body   []byte
	header http.Header
}

func (r resp) fields(t *testing.T) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d: body %q is not a string map: %v", r.status, r.body, err)
	}
	return m
}

func (e *env) do(method, path, token string, body any, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/json"
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) resp {
	e.t.Helper()
	res, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, body: b, header: res.Header}
}

// multipartReq posts a multipart form with an optional image part.
func (e *env) multipart(path, token string, fields map[string]string, image []byte) resp {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if image != nil {
		fw, _ := mw.CreateFormFile("image", "snapshot.jpeg")
		_, _ = fw.Write(image)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return e.send(req)
}

// register registers an endpoint with token and returns its id.
func (e *env) register(token string) string {
	e.t.Helper()
	r := e.do("POST", "/rtc-api/users/endpoints", token, client.RegisterEndpointCommand{KeepAliveSeconds: 60})
	if r.status != 200 {
		e.t.Fatalf("register: %d %s", r.status, r.body)
	}
	var id string
	if err := json.Unmarshal(r.body, &id); err != nil || id == "" {
		e.t.Fatalf("register body %q: %v", r.body, err)
	}
	return id
}

// wantFields checks a status and that every wanted field message contains
// the wanted text.
func wantFields(t *testing.T, r resp, status int, want map[string]string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	got := r.fields(t)
	for k, v := range want {
		if !strings.Contains(got[k], v) {
			t.Errorf("field %q = %q, want it to contain %q (all: %v)", k, got[k], v, got)
		}
	}
}

// sseMsg is one parsed server-sent message or comment.
type sseMsg struct {
	id, event, data, comment string
}

// sseConn reads a stream in a goroutine.
type sseConn struct {
	msgs chan sseMsg
	res  *http.Response
	done chan struct{}
}

// stream opens the event stream; without a userEndpointId in query it
// registers an endpoint for token first, as the stream requires one.
func (e *env) stream(token, query, lastID string) *sseConn {
	e.t.Helper()
	if !strings.Contains(query, "userEndpointId=") {
		sep := "?"
		if query != "" {
			sep = "&"
		}
		query += sep + "userEndpointId=" + url.QueryEscape(e.register(token))
	}
	req, _ := http.NewRequest("GET", e.url+"/rtc-api/events"+query, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		e.t.Fatalf("stream: %d %s", res.StatusCode, b)
	}
	c := &sseConn{msgs: make(chan sseMsg, 100000), res: res, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		defer close(c.msgs)
		sc := bufio.NewScanner(res.Body)
		var m sseMsg
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if m != (sseMsg{}) {
					c.msgs <- m
				}
				m = sseMsg{}
			case strings.HasPrefix(line, ":"):
				c.msgs <- sseMsg{comment: strings.TrimSpace(line[1:])}
			case strings.HasPrefix(line, "id: "):
				m.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				m.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				m.data = line[6:]
			}
		}
	}()
	e.t.Cleanup(c.close)
	return c
}

func (c *sseConn) close() {
	c.res.Body.Close()
	<-c.done
}

// next returns the next event (skipping comments unless wantComment).
func (c *sseConn) next(t *testing.T, wantComment bool) (sseMsg, bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				return sseMsg{}, false
			}
			if m.comment != "" && !wantComment {
				continue
			}
			return m, true
		case <-timeout:
			t.Fatal("timeout waiting for a stream message")
		}
	}
}

// nextEvent decodes the next event.
func (c *sseConn) nextEvent(t *testing.T) (client.Event, bool) {
	t.Helper()
	m, ok := c.next(t, false)
	if !ok {
		return client.Event{}, false
	}
	ev, err := client.DecodeEvent(m.event, []byte(m.data))
	if err != nil {
		t.Fatalf("decode %q: %v", m.data, err)
	}
	if m.id != "" {
		ev.Seq, err = strconv.ParseUint(m.id, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
	}
	return ev, true
}

// waitEvent returns the next event of type typ.
func (c *sseConn) waitEvent(t *testing.T, typ string) client.Event {
	t.Helper()
	for {
		ev, ok := c.nextEvent(t)
		if !ok {
			t.Fatalf("stream ended before %s", typ)
		}
		if ev.Type == typ {
			return ev
		}
	}
}

// demoData decodes an interaction's data.
func demoData(t *testing.T, in client.Interaction) interactionData {
	t.Helper()
	var d interactionData
	if err := json.Unmarshal(in.Data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// dumpDir is where TestPictures writes PNG copies when set.
var dumpDir = os.Getenv("SIM_DUMP_PICTURES")
