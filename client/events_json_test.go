package client

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWriteEventJSON(t *testing.T) {
	cases := []struct {
		name string
		ev   Event
		want string
	}{
		{"seq added first", Event{Seq: 5, Raw: json.RawMessage(`{"type":"SnapshotAcquiredEvent","snapshotId":"s1"}`)},
			`{"seq":5,"type":"SnapshotAcquiredEvent","snapshotId":"s1"}`},
		{"seq kept when present", Event{Seq: 5, Raw: json.RawMessage(`{"seq":9,"type":"X"}`)}, `{"seq":9,"type":"X"}`},
		{"no seq: as is", Event{Raw: json.RawMessage(`{"type":"X"}`)}, `{"type":"X"}`},
		{"empty object", Event{Seq: 2, Raw: json.RawMessage(`{}`)}, `{"seq":2}`},
		{"compacted to one line", Event{Seq: 1, Raw: json.RawMessage("{\n  \"type\": \"X\",\n  \"a\": [1, 2]\n}")},
			`{"seq":1,"type":"X","a":[1,2]}`},
		{"terminal controls escaped", Event{Raw: json.RawMessage("{\"type\":\"X\",\"s\":\"a\u009b31mb\u202ec\u007fd\"}")},
			`{"type":"X","s":"a\u009b31mb\u202ec\u007fd"}`},
		{"invalid UTF-8 replaced", Event{Raw: json.RawMessage("{\"type\":\"X\",\"s\":\"a\xffb\"}")}, `{"type":"X","s":"a\ufffdb"}`},
		{"decoded fields without Raw", Event{Seq: 3, Type: "SnapshotApprovedEvent", SnapshotID: "s9"},
			`{"seq":3,"type":"SnapshotApprovedEvent","timestamp":"0001-01-01T00:00:00Z","snapshotId":"s9"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteEventJSON(&b, tc.ev); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if got != tc.want+"\n" {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			if strings.Count(got, "\n") != 1 || !json.Valid([]byte(got)) {
				t.Fatalf("not one valid JSON line: %q", got)
			}
		})
	}
}

func TestWriteEventJSONKeepsMeaning(t *testing.T) {
	raw := "{\"type\":\"X\",\"s\":\"\u0085\u2066bidi\u2069 \u2028 ok ✓\"}"
	var b bytes.Buffer
	if err := WriteEventJSON(&b, Event{Raw: json.RawMessage(raw)}); err != nil {
		t.Fatal(err)
	}
	var in, out map[string]string
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if in["s"] != out["s"] {
		t.Fatalf("string changed: %q -> %q", in["s"], out["s"])
	}
	for _, r := range b.String() {
		if r >= 0x80 && r < 0xa0 || r == 0x2066 || r == 0x2028 {
			t.Fatalf("control %U written raw: %q", r, b.String())
		}
	}
}

func TestWriteEventJSONRejectsBrokenRaw(t *testing.T) {
	var b bytes.Buffer
	if err := WriteEventJSON(&b, Event{Seq: 4, Raw: json.RawMessage(`{"type":`)}); err == nil || b.Len() != 0 {
		t.Fatalf("err = %v, wrote %q", err, b.String())
	}
	// An escape character is not valid inside a JSON string: never written.
	if err := WriteEventJSON(&b, Event{Raw: json.RawMessage("{\"s\":\"\x1b[2J\"}")}); err == nil || b.Len() != 0 {
		t.Fatalf("err = %v, wrote %q", err, b.String())
	}
}

// TestWriteEventJSONRoundTripsStreamEvents feeds WriteEventJSON what the
// stream produces (DecodeEvent keeps Raw).
func TestWriteEventJSONRoundTripsStreamEvents(t *testing.T) {
	ev, err := DecodeEvent("SnapshotAcquiredEvent", []byte(eventJSON(12, EventSnapshotAcquired)))
	if err != nil {
		t.Fatal(err)
	}
	ev.Seq = 12
	var b bytes.Buffer
	if err := WriteEventJSON(&b, ev); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Seq uint64 `json:"seq"`
		Event
	}
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Seq != 12 || back.SnapshotID != "snap-12" || back.Type != EventSnapshotAcquired {
		t.Fatalf("round trip: %+v", back)
	}
}
