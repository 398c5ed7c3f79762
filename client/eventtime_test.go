package client

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseEventTimeForms(t *testing.T) {
	want := time.Date(2024, 5, 1, 10, 11, 3, 123e6, time.UTC)
	whole := want.Truncate(time.Second)
	for _, tc := range []struct {
		raw  string
		want time.Time
	}{
		{`"2024-05-01T10:11:03.123Z"`, want},
		{`"2024-05-01T10:11:03Z"`, whole},
		{`"2024-05-01T10:11:03.123+0000"`, want},
		{`"2024-05-01T12:11:03.123+02:00"`, want},
		{`"2024-05-01T12:11:03.123+0200"`, want},
		{`"2024-05-01T07:11:03.123-03"`, want},
		{`"2024-05-01T10:11:03.123"`, want},
		{`"2024-05-01T10:11:03"`, whole},
		{`"2024-05-01 10:11:03.123Z"`, want},
		{`"2024-05-01t10:11:03.123z"`, want},
		{`1714558263123`, want},
		{`1714558263`, whole},
		{`1714558263.123`, want},
		{`"1714558263123"`, want},
		{`"1714558263"`, whole},
	} {
		got, err := ParseEventTime(json.RawMessage(tc.raw))
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.raw, got, err, tc.want)
		}
	}
	for _, bad := range []string{``, `null`, `""`, `"last tuesday"`, `true`, `{}`, `-5`, `0`, `"2024-13-01T00:00:00Z"`, `1e300`} {
		if got, err := ParseEventTime(json.RawMessage(bad)); err == nil {
			t.Errorf("%s: read as %v, want an error", bad, got)
		}
	}
}

func TestDecodeEventKeepsAnUnreadableTimestamp(t *testing.T) {
	ev, err := DecodeEvent("", []byte(`{"type":"SnapshotAcquiredEvent","snapshotId":"s","timestamp":"soon"}`))
	if err != nil || !ev.TimeUnread || ev.TimeError == "" || !ev.Timestamp.IsZero() || ev.SnapshotID != "s" {
		t.Fatalf("%+v, %v", ev, err)
	}
	ev, err = DecodeEvent("", []byte(`{"type":"SnapshotAcquiredEvent","timestamp":1714558263000}`))
	if err != nil || ev.TimeUnread || ev.Timestamp.Unix() != 1714558263 {
		t.Fatalf("%+v, %v", ev, err)
	}
}

func TestLinkerTiesWhatTheEventNames(t *testing.T) {
	asked := map[string]int{}
	l := newLinker(func(_ context.Context, id string) (Snapshot, error) {
		asked[id]++
		if id == "s-known-to-server" {
			return Snapshot{ID: id, InteractionID: "in-2", UserEndpointID: "ep-2"}, nil
		}
		return Snapshot{}, errors.New("unknown snapshot")
	})
	l.LearnSnapshots(Snapshot{ID: "s1", InteractionID: "in-1", UserEndpointID: "ep-1"})
	ctx := context.Background()
	for _, tc := range []struct {
		ev   Event
		want string
	}{
		{Event{Type: EventSnapshotApproved, SnapshotID: "s1"}, "in-1"},
		{Event{Type: EventSnapshotRequested, SnapshotID: "s3", TargetUserEndpointID: "ep-1"}, "in-1"},
		{Event{Type: EventSnapshotAcquired, SnapshotID: "s3"}, "in-1"}, // learned from the request
		{Event{Type: EventSnapshotCameraRequested, SnapshotCameraRequestID: "c1", TargetUserEndpointID: "ep-1"}, "in-1"},
		{Event{Type: EventSnapshotCameraRequestProcessed, SnapshotCameraRequestID: "c1"}, "in-1"},
		{Event{Type: EventSnapshotAcquired, SnapshotID: "s-known-to-server"}, "in-2"},
		{Event{Type: EventSnapshotApproved, SnapshotID: "s-known-to-server"}, "in-2"},
		{Event{Type: EventSnapshotAcquired, SnapshotID: "s-up", RelatedSnapshotID: "s1"}, "in-1"},
		{Event{Type: EventSnapshotApproved, SnapshotID: "nowhere"}, ""},
		{Event{Type: EventSnapshotDiscarded, SnapshotID: "nowhere"}, ""},
		{Event{Type: EventSnapshotApproved, InteractionID: "in-9", SnapshotID: "s9"}, "in-9"},
		{Event{Type: EventSnapshotDiscarded, SnapshotID: "s9"}, "in-9"},
	} {
		got, ok := l.Link(ctx, tc.ev)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%+v: tied to %q (%v), want %q", tc.ev, got, ok, tc.want)
		}
	}
	if asked["s-known-to-server"] != 1 || asked["nowhere"] != 1 || len(asked) != 2 {
		t.Errorf("GETs %v: want one per unknown snapshot", asked)
	}
	// An endpoint in two interactions ties nothing.
	l.LearnSnapshots(Snapshot{ID: "s5", InteractionID: "in-5", UserEndpointID: "ep-1"})
	if got, ok := l.Tie(Event{Type: EventSnapshotRequested, SnapshotID: "s6", TargetUserEndpointID: "ep-1"}); ok {
		t.Errorf("ambiguous endpoint tied to %q", got)
	}
}
