package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// ctEndpointServer records endpoint calls.
type ctEndpointServer struct {
	mu         sync.Mutex
	registered []RegisterEndpointCommand
	keepalives []KeepAliveCommand
	unregs     []UnregisterCommand
	refuseID   string
}

func (s *ctEndpointServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/rtc-api/users/endpoints":
		var cmd RegisterEndpointCommand
		json.NewDecoder(r.Body).Decode(&cmd)
		s.registered = append(s.registered, cmd)
		if cmd.UserEndpointID != "" && cmd.UserEndpointID == s.refuseID {
			ctWriteJSON(w, 400, map[string]string{"userEndpointId": "belongs to another user"})
			return
		}
		id := cmd.UserEndpointID
		if id == "" {
			id = "ep-" + strconv.Itoa(len(s.registered))
		}
		ctWriteJSON(w, 200, id) // a bare JSON string
	case "/rtc-api/users/endpoints/keepalive":
		var cmd KeepAliveCommand
		json.NewDecoder(r.Body).Decode(&cmd)
		s.keepalives = append(s.keepalives, cmd)
		w.WriteHeader(http.StatusNoContent)
	case "/rtc-api/users/endpoints/unregister":
		var cmd UnregisterCommand
		json.NewDecoder(r.Body).Decode(&cmd)
		s.unregs = append(s.unregs, cmd)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func TestEndpointCalls(t *testing.T) {
	s := &ctEndpointServer{}
	c, _ := ctNewClient(t, s)
	ctx := context.Background()
	id, err := c.RegisterEndpoint(ctx, RegisterEndpointCommand{KeepAliveSeconds: 30})
	if err != nil || id != "ep-1" {
		t.Fatalf("register: %q, %v", id, err)
	}
	if err := c.KeepAlive(ctx, KeepAliveCommand{UserEndpointID: id, UserID: "u"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Unregister(ctx, UnregisterCommand{UserEndpointID: id, Reason: "bye"}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(s.keepalives, s.unregs) != "[{ep-1 u}] [{ep-1 bye}]" {
		t.Errorf("calls %v %v", s.keepalives, s.unregs)
	}
}

func TestDecodeID(t *testing.T) {
	for _, tc := range []struct {
		ct, body, want string
		ok             bool
	}{
		{"application/json", `"ep-1"`, "ep-1", true},
		{"", ` "ep-2" `, "ep-2", true},
		{"text/plain", "ep-3\n", "ep-3", true},
		{"text/plain", "two words", "", false},
		{"application/json", `{"id":"x"}`, "", false},
		{"application/json", `""`, "", false},
		{"text/html", `<html>`, "", false},
		{"application/json", `"unterminated`, "", false},
	} {
		got, err := decodeID("register endpoint", "", &response{status: 200, header: http.Header{"Content-Type": {tc.ct}}, body: []byte(tc.body)})
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("%q %q: %q, %v", tc.ct, tc.body, got, err)
		}
	}
}

// TestOpenEndpoint registers (reusing an id), keeps alive in the
// background and, on Close, leaves the reused id registered for its owner;
// a refused id gets a fresh one, which Close unregisters.
func TestOpenEndpoint(t *testing.T) {
	ctLeakCheck(t)
	s := &ctEndpointServer{refuseID: "foreign"}
	tok := ctJWT(t, map[string]any{"sub": "agent-1", "organization": "org"})
	c, _ := ctNewClient(t, s, func(cfg *Config) { cfg.Token = tok })
	ctx := context.Background()
	e, err := c.OpenEndpoint(ctx, "mine", 200*time.Millisecond)
	if err != nil || e.ID() != "mine" {
		t.Fatalf("open: %v, %v", e, err)
	}
	time.Sleep(350 * time.Millisecond) // keepalive every 100 ms
	if err := e.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(ctx); err != nil {
		t.Fatal("second Close:", err)
	}
	s.mu.Lock()
	if len(s.keepalives) < 2 || s.keepalives[0] != (KeepAliveCommand{UserEndpointID: "mine", UserID: "agent-1"}) {
		t.Errorf("keepalives %v", s.keepalives)
	}
	if len(s.unregs) != 0 || s.registered[0].KeepAliveSeconds != 1 {
		t.Errorf("reused endpoint: unregister %v, register %v", s.unregs, s.registered)
	}
	n := len(s.keepalives)
	s.mu.Unlock()
	time.Sleep(150 * time.Millisecond)
	s.mu.Lock()
	if len(s.keepalives) != n {
		t.Error("keepalives after Close")
	}
	s.mu.Unlock()

	e2, err := c.OpenEndpoint(ctx, "foreign", time.Minute)
	if err != nil || e2.ID() == "foreign" || e2.ID() == "" {
		t.Fatalf("refused reuse: %v, %v", e2, err)
	}
	if err := e2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	e3, err := c.OpenEndpoint(ctx, "", time.Minute)
	if err != nil || e3.ID() == "" {
		t.Fatalf("fresh endpoint: %v, %v", e3, err)
	}
	if err := e3.Close(ctx); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.unregs) != 2 || s.unregs[0].UserEndpointID != e2.ID() || s.unregs[1].UserEndpointID != e3.ID() ||
		s.unregs[1].Reason != "closed" {
		t.Errorf("the endpoints OpenEndpoint created were not unregistered: %v", s.unregs)
	}
}
