package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeSnapshotList feeds arbitrary bytes to the list decoder: it must
// never panic, and what it accepts must encode again.
func FuzzDecodeSnapshotList(f *testing.F) {
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"id":"s1","state":"APPROVED","createdAt":"2024-05-01T10:00:00Z","approved":true,"version":3}]`))
	f.Add([]byte(`{"content":[{"id":"s2","approvalProcessingResult":{"succeeded":false}}]}`))
	f.Add([]byte(`{"content":null}`))
	f.Add([]byte(`[{"timestamp":"not a time"}]`))
	f.Add([]byte(`[{"id":5}]`))
	f.Add([]byte("\xff\xfe["))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := decodeSnapshotList(data)
		if err != nil {
			if list != nil {
				t.Fatal("list with an error")
			}
			return
		}
		if list == nil {
			t.Fatal("nil list without an error")
		}
		if _, err := json.Marshal(list); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
	})
}

// FuzzDecodeEvent feeds arbitrary event data to DecodeEvent: no panic, an
// accepted event has a type and keeps its raw bytes.
func FuzzDecodeEvent(f *testing.F) {
	f.Add("", []byte(`{"type":"SnapshotAcquiredEvent","id":"e1","snapshotId":"s1","timestamp":"2024-05-01T10:00:00Z"}`))
	f.Add("SnapshotRequestedEvent", []byte(`{"snapshotId":"s1"}`))
	f.Add("SnapshotCameraRequestProcessedEvent", []byte(`{"succeeded":false,"additionalInformation":"no flash"}`))
	f.Add("", []byte(`{}`))
	f.Add("X", []byte(`[1,2]`))
	f.Add("", []byte(`{"type":"\u001b[2J"}`))
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		ev, err := DecodeEvent(typ, data)
		if err != nil {
			return
		}
		if ev.Type == "" {
			t.Fatal("event without a type")
		}
		if string(ev.Raw) != string(data) {
			t.Fatal("Raw differs from the input")
		}
	})
}

// FuzzErrorBody: whatever an error body holds, the message is one short
// printable line.
func FuzzErrorBody(f *testing.F) {
	f.Add("application/json", []byte(`{"state":"snapshot is APPROVED"}`))
	f.Add("text/html", []byte(`<html><title>x</title>`))
	f.Add("text/plain", []byte("a\x1b[31mb\nc"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		e := newAPIError("approve", "snap-1", 400, http.Header{"Content-Type": {ct}, "Retry-After": {"5"}}, body)
		msg := e.Error()
		if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x1b\n\r\x07") {
			t.Fatalf("unsafe message %q", msg)
		}
		if len(msg) > 20*(64+200+4)+200 {
			t.Fatalf("message of %d bytes", len(msg))
		}
	})
}

// ctSnapshotList encodes n realistic snapshots.
func ctSnapshotList(n int) []byte {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	list := make([]Snapshot, n)
	for i := range list {
		at := now.Add(time.Duration(i) * time.Second)
		list[i] = Snapshot{
			ID: fmt.Sprintf("snap-%06d", i), OrganizationID: "org-1", ApplicationID: "app-1",
			RequesterUserID: "agent-1", RequesterUserEndpointID: "ep-agent", UserID: "cust-1", UserEndpointID: "ep-cust",
			SessionType: SessionConference, SessionID: "conf-1", Timestamp: &at, InteractionID: "int-1",
			Type: "car-damage", Path: "interactions/int-1/snap.jpeg", State: StateUploaded,
			RequestProcessingResult: &SnapshotRequestResult{SnapshotID: "snap"}, Suffix: "jpeg", MimeType: "image/jpeg",
			CreatedAt: &at, Version: 2, Approved: BoolPtr(false),
		}
	}
	b, _ := json.Marshal(list)
	return b
}

// BenchmarkDecodeSnapshotList10k decodes a list of 10,000 snapshots.
func BenchmarkDecodeSnapshotList10k(b *testing.B) {
	data := ctSnapshotList(10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		list, err := decodeSnapshotList(data)
		if err != nil || len(list) != 10000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkListSnapshots10k is the whole call over loopback: request,
// capped read, content check, decode.
func BenchmarkListSnapshots10k(b *testing.B) {
	data := ctSnapshotList(10000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)
	}))
	defer srv.Close()
	c, err := New(Config{Server: srv.URL, Token: "t"})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		list, err := c.ListSnapshots(b.Context(), "int-1")
		if err != nil || len(list) != 10000 {
			b.Fatal(err)
		}
	}
}
