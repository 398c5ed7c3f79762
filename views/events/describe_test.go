package events

import (
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client"
)

func TestDescribeNamesWhoAndWhere(t *testing.T) {
	yes, no := true, false
	n := Names{Who: "Ada", Target: "Ada", Where: " · Kitchen"}
	for _, c := range []struct {
		ev   client.Event
		n    Names
		sym  string
		kind Kind
		want string
	}{
		{client.Event{Type: client.EventSnapshotRequested, SnapshotID: "s1", SnapshotType: "meter"}, n, "◷", Event,
			"requested a meter picture from Ada s1 · Kitchen"},
		{client.Event{Type: client.EventSnapshotAcquired, SnapshotID: "s1", SnapshotType: "id-document"}, Names{ByCustomer: true}, "●", Notice,
			"sent an id-document picture s1"},
		{client.Event{Type: client.EventSnapshotAcquired, SnapshotID: "s1", RelatedSnapshotID: "s0"}, n, "●", Notice,
			"uploaded a picture s1 · Kitchen (related to s0)"},
		{client.Event{Type: client.EventSnapshotApproved, SnapshotID: "abcdefghijklmnopq", SnapshotType: "other"}, Names{}, "✓", Event,
			"approved the picture (other) abcdefghijkl…"},
		{client.Event{Type: client.EventSnapshotDiscarded, SnapshotID: "s2"}, n, "✗", Event, "discarded the picture s2 · Kitchen"},
		{client.Event{Type: client.EventSnapshotCameraRequested}, Names{Target: "the customer", Command: "torch on"}, "◎", Event,
			"sent camera command torch on to the customer"},
		{client.Event{Type: client.EventSnapshotCameraRequestProcessed, Succeeded: &yes}, Names{Command: "zoom in"}, "✓", OK,
			"zoom in: done"},
		{client.Event{Type: client.EventSnapshotCameraRequestProcessed, Succeeded: &no}, Names{Command: "camera command", Where: " · K"}, "✗", Error,
			"camera command: failed: no reason given · K"},
		{client.Event{Type: client.EventSnapshotCameraRequestProcessed, AdditionalInformation: "busy"}, Names{Command: "x"}, "✗", Error,
			"x: failed: busy"},
		{client.Event{Type: "SomethingNew", Raw: []byte(`{"a":1}`), TimeUnread: true}, n, "?", Event,
			`SomethingNew {"a":1} · its time could not be read: shown as it arrived`},
	} {
		if got := Describe(c.ev, c.n); got != c.want {
			t.Errorf("%s: %q, want %q", c.ev.Type, got, c.want)
		}
		if sym, kind := Mark(c.ev); sym != c.sym || kind != c.kind {
			t.Errorf("%s: mark %q %v, want %q %v", c.ev.Type, sym, kind, c.sym, c.kind)
		}
	}
}

func TestPictureOf(t *testing.T) {
	for _, c := range [][3]string{
		{"a", "", "a picture"}, {"a", "meter", "a meter picture"}, {"a", "id-document", "an id-document picture"},
		{"a", "Other", "a picture (Other)"}, {"the", "meter", "the meter picture"}, {"the", "other", "the picture (other)"},
	} {
		if got := PictureOf(c[0], c[1]); got != c[2] {
			t.Errorf("PictureOf(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestRawJSONIsCompactAndBounded(t *testing.T) {
	if got := RawJSON(nil); got != "{}" {
		t.Errorf("empty: %q", got)
	}
	if got := RawJSON([]byte("{ \"a\" : [1, 2] }\n")); got != `{"a":[1,2]}` {
		t.Errorf("compact: %q", got)
	}
	if got := RawJSON([]byte("  not json  ")); got != "not json" {
		t.Errorf("not JSON: %q", got)
	}
	long := RawJSON([]byte(`"` + strings.Repeat("x", 5000) + `"`))
	if n := len([]rune(long)); n > maxRawRunes {
		t.Errorf("%d runes, want at most %d", n, maxRawRunes)
	}
}
