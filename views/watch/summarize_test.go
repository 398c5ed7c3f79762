package watch

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

func TestSummarizeCountsStates(t *testing.T) {
	ins := []client.Interaction{inter("i1", "Ann", "agent-1", time.Hour)}
	snaps := map[string][]client.Snapshot{"i1": {
		snap("a", client.StateUploaded, 3*time.Minute),
		snap("b", client.StateUploaded, 7*time.Minute),
		snap("c", client.StateApproved, 30*time.Minute),
		snap("d", client.StateApproved, 20*time.Minute),
		snap("e", client.StateDiscarded, 10*time.Minute),
		snap("f", client.StateRequested, time.Minute),
		snap("g", "SOMETHING_NEW", time.Minute),
	}}
	rows := Summarize(ins, snaps, map[string]int{"i1": 2}, nil)
	if len(rows) != 1 {
		t.Fatalf("rows = %d", len(rows))
	}
	r := rows[0]
	want := Row{InteractionID: "i1", Customer: "Ann", Agent: "agent-1", Pending: 3, Awaiting: 2, Approved: 2,
		Discarded: 1, OldestAwaiting: t0.Add(-7 * time.Minute), LastActivity: t0.Add(-time.Minute)}
	if r != want {
		t.Fatalf("got  %+v\nwant %+v", r, want)
	}
}

func TestSummarizeOldestUsesArrival(t *testing.T) {
	// Requested long ago, arrived recently: it has waited since it arrived.
	s := client.Snapshot{ID: "a", State: client.StateUploaded, CreatedAt: ago(time.Hour), Timestamp: ago(time.Minute)}
	// No timestamp: creation time is the best there is (uploads).
	u := client.Snapshot{ID: "b", State: client.StateUploaded, CreatedAt: ago(90 * time.Second)}
	// No time at all: counted, but it cannot make the row late.
	n := client.Snapshot{ID: "c", State: client.StateUploaded}
	rows := Summarize([]client.Interaction{{ID: "i"}}, map[string][]client.Snapshot{"i": {s, u, n}}, nil, nil)
	if got := rows[0]; got.Awaiting != 3 || !got.OldestAwaiting.Equal(t0.Add(-90*time.Second)) {
		t.Fatalf("got %+v", got)
	}
	rows = Summarize([]client.Interaction{{ID: "i"}}, map[string][]client.Snapshot{"i": {n}}, nil, nil)
	if got := rows[0]; got.Awaiting != 1 || !got.OldestAwaiting.IsZero() || DefaultThresholds().Level(got, t0) != LevelOK {
		t.Fatalf("got %+v", got)
	}
}

func TestSummarizeNamesAndActivity(t *testing.T) {
	ins := []client.Interaction{
		{ID: "plain", CreatedBy: "creator", CreatedAt: ago(time.Hour)},
		{ID: "odd", CreatedBy: "creator", Data: json.RawMessage(`{"customerName": 42, "agentUserId": "agent-x"}`)},
		{ID: "broken", CreatedBy: "creator", Data: json.RawMessage(`{"customerName": "Bob"`)},
		{ID: "array", CreatedBy: "creator", Data: json.RawMessage(`[1,2]`)},
		{ID: "plain", CreatedBy: "duplicate"},
	}
	last := map[string]time.Time{"plain": t0.Add(-time.Minute), "odd": t0.Add(-2 * time.Minute)}
	snaps := map[string][]client.Snapshot{"odd": {snap("s", client.StateApproved, 30*time.Second)}}
	rows := Summarize(ins, snaps, nil, last)
	byID := map[string]Row{}
	for _, r := range rows {
		byID[r.InteractionID] = r
	}
	if len(rows) != 4 {
		t.Fatalf("rows = %d, want duplicates dropped", len(rows))
	}
	if r := byID["plain"]; r.Agent != "creator" || r.Customer != "" || !r.LastActivity.Equal(t0.Add(-time.Minute)) {
		t.Errorf("plain: %+v", r)
	}
	if r := byID["odd"]; r.Agent != "agent-x" || r.Customer != "" || !r.LastActivity.Equal(t0.Add(-30*time.Second)) {
		t.Errorf("odd: %+v", r)
	}
	if r := byID["broken"]; r.Agent != "creator" || !r.LastActivity.IsZero() {
		t.Errorf("broken: %+v", r)
	}
	if r := byID["array"]; r.Agent != "creator" {
		t.Errorf("array: %+v", r)
	}
}

func ids(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.InteractionID
	}
	return out
}

func TestUrgencyOrder(t *testing.T) {
	at := func(d time.Duration) time.Time { return t0.Add(-d) }
	rows := []Row{
		{InteractionID: "none-old-activity", Pending: 1, LastActivity: at(time.Hour)},
		{InteractionID: "ok-young", Awaiting: 1, OldestAwaiting: at(30 * time.Second)},
		{InteractionID: "late", Awaiting: 1, OldestAwaiting: at(3 * time.Minute)},
		{InteractionID: "none-b-tie", Pending: 1, LastActivity: at(time.Minute)},
		{InteractionID: "crit-young", Awaiting: 1, OldestAwaiting: at(6 * time.Minute)},
		{InteractionID: "none-many-pending", Pending: 3},
		{InteractionID: "crit-old", Awaiting: 4, OldestAwaiting: at(time.Hour)},
		{InteractionID: "none-a-tie", Pending: 1, LastActivity: at(time.Minute)},
		{InteractionID: "same-age-more-pending", Awaiting: 1, Pending: 2, OldestAwaiting: at(3 * time.Minute)},
		{InteractionID: "none-recent", Pending: 1, LastActivity: at(time.Second)},
		{InteractionID: "idle"},
	}
	want := []string{"crit-old", "crit-young", "same-age-more-pending", "late", "ok-young",
		"none-many-pending", "none-recent", "none-a-tie", "none-b-tie", "none-old-activity", "idle"}
	for i := 0; i < 20; i++ {
		rand.New(rand.NewPCG(uint64(i), 1)).Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
		Sort(rows)
		if got := ids(rows); !slices.Equal(got, want) {
			t.Fatalf("order\n got %v\nwant %v", got, want)
		}
	}
	th := DefaultThresholds()
	levels := []Level{LevelCritical, LevelCritical, LevelLate, LevelLate, LevelOK}
	for i, l := range levels {
		if got := th.Level(rows[i], t0); got != l {
			t.Errorf("%s: level %v, want %v", rows[i].InteractionID, got, l)
		}
	}
}

// TestOrderNeverGoesStale checks the property Sort relies on: for any
// thresholds and any later clock, levels never increase down the table.
func TestOrderNeverGoesStale(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	rows := make([]Row, 300)
	for i := range rows {
		rows[i].InteractionID = string(rune('a'+i%26)) + time.Duration(i).String()
		rows[i].Pending = r.IntN(3)
		if r.IntN(3) > 0 {
			rows[i].Awaiting = 1 + r.IntN(3)
			rows[i].OldestAwaiting = t0.Add(-time.Duration(r.IntN(3600)) * time.Second)
		}
	}
	Sort(rows)
	for trial := 0; trial < 200; trial++ {
		th := Thresholds{Warn: time.Duration(r.IntN(600)) * time.Second, Critical: time.Duration(r.IntN(3600)) * time.Second}
		now := t0.Add(time.Duration(r.IntN(7200)) * time.Second)
		prev := LevelCritical
		for _, row := range rows {
			l := th.Level(row, now)
			if l > prev {
				t.Fatalf("th %+v now %v: %s is %v after a %v row", th, now, row.InteractionID, l, prev)
			}
			prev = l
		}
	}
}

func TestThresholds(t *testing.T) {
	row := func(age time.Duration) Row { return Row{Awaiting: 1, OldestAwaiting: t0.Add(-age)} }
	cases := []struct {
		th   Thresholds
		age  time.Duration
		want Level
	}{
		{Thresholds{}, 0, LevelOK},
		{Thresholds{}, 2 * time.Minute, LevelOK},
		{Thresholds{}, 2*time.Minute + time.Second, LevelLate},
		{Thresholds{}, 5 * time.Minute, LevelLate},
		{Thresholds{}, 5*time.Minute + time.Second, LevelCritical},
		{Thresholds{Warn: 10 * time.Second, Critical: 20 * time.Second}, 15 * time.Second, LevelLate},
		{Thresholds{Warn: 10 * time.Second, Critical: 20 * time.Second}, 21 * time.Second, LevelCritical},
		// Warn beyond Critical is clamped to it.
		{Thresholds{Warn: time.Hour, Critical: time.Minute}, 2 * time.Minute, LevelCritical},
		// Only Warn set: Critical is the default, or Warn when later.
		{Thresholds{Warn: 10 * time.Minute}, 11 * time.Minute, LevelCritical},
		{Thresholds{Warn: 10 * time.Minute}, 9 * time.Minute, LevelOK},
	}
	for _, c := range cases {
		if got := c.th.Level(row(c.age), t0); got != c.want {
			t.Errorf("%+v at %s: %v, want %v", c.th, c.age, got, c.want)
		}
	}
	if got := DefaultThresholds(); got.Warn != 2*time.Minute || got.Critical != 5*time.Minute {
		t.Errorf("defaults %+v", got)
	}
	if l := DefaultThresholds().Level(Row{Pending: 9}, t0); l != LevelOK {
		t.Errorf("nothing awaiting: %v", l)
	}
	for l, want := range map[Level]string{LevelOK: "✓ ok", LevelLate: "! late", LevelCritical: "‼ CRITICAL"} {
		if l.Label() != want || l.String() == "" {
			t.Errorf("label %v = %q", l, l.Label())
		}
	}
}

func TestFormatAge(t *testing.T) {
	cases := map[time.Duration]string{
		-time.Second:                    "0s",
		0:                               "0s",
		999 * time.Millisecond:          "0s",
		42 * time.Second:                "42s",
		time.Minute:                     "1m00s",
		3*time.Minute + 12*time.Second:  "3m12s",
		59*time.Minute + 59*time.Second: "59m59s",
		time.Hour:                       "1h00m",
		2*time.Hour + 5*time.Minute:     "2h05m",
		23*time.Hour + 59*time.Minute:   "23h59m",
		24 * time.Hour:                  "1d00h",
		99*24*time.Hour + 23*time.Hour:  "99d23h",
		100 * 24 * time.Hour:            "100d",
	}
	for d, want := range cases {
		if got := FormatAge(d); got != want {
			t.Errorf("FormatAge(%s) = %q, want %q", d, got, want)
		}
	}
}
