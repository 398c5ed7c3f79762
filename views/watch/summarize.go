// Package watch is the supervisor's screen (`snapdash watch`, or `w`): every
// live interaction in one table with its pending requests, the pictures
// awaiting review, approved and discarded, how long the oldest picture has
// been waiting and the last activity, most urgent first. It only reads:
// enter asks the root to open the interaction, nothing else leaves the view.
//
// Summarize turns what the dashboard already holds (interactions, snapshot
// listings, pending requests, event times) into rows; the Model draws them.
// Only the rows on screen are formatted, so ten thousand interactions cost no
// more per frame than ten.
package watch

import (
	"cmp"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/snapdash/snapdash/client"
)

// Row is one interaction as the watch table shows it. Strings are raw (as
// the server sent them); the Model sanitizes them before drawing.
type Row struct {
	InteractionID, Customer, Agent string
	// Pending counts requests whose picture has not arrived; Awaiting the
	// pictures awaiting review (UPLOADED); Approved and Discarded the
	// reviewed ones.
	Pending, Awaiting, Approved, Discarded int
	// OldestAwaiting is when the oldest picture awaiting review arrived;
	// zero when none is awaiting (or its time is unknown).
	OldestAwaiting time.Time
	// LastActivity is the newest of the interaction's start, its snapshots'
	// times and the last event seen for it; zero when unknown.
	LastActivity time.Time
}

// Thresholds are the ages of the oldest picture awaiting review after which
// an interaction is late (Warn) and critical (Critical). They come from the
// config file's `watch:` section.
type Thresholds struct{ Warn, Critical time.Duration }

// Default thresholds, the same as the config file's defaults.
const (
	DefaultWarn     = 2 * time.Minute
	DefaultCritical = 5 * time.Minute
)

// DefaultThresholds returns 2m (late) and 5m (critical).
func DefaultThresholds() Thresholds {
	return Thresholds{Warn: DefaultWarn, Critical: DefaultCritical}
}

// normalized fills zero values with the defaults and keeps Warn ≤ Critical.
func (t Thresholds) normalized() Thresholds {
	if t.Warn <= 0 {
		t.Warn = DefaultWarn
	}
	if t.Critical <= 0 {
		t.Critical = max(DefaultCritical, t.Warn)
	}
	if t.Warn > t.Critical {
		t.Warn = t.Critical
	}
	return t
}

// Level is how urgently an interaction needs a reviewer.
type Level int

// The levels, least urgent first. Each is drawn with a symbol and a word, so
// the level never rests on colour alone.
const (
	// LevelOK: nothing awaits review, or the oldest picture is younger than
	// the warning threshold.
	LevelOK Level = iota
	// LevelLate: the oldest picture awaiting review is older than Warn.
	LevelLate
	// LevelCritical: the oldest picture awaiting review is older than
	// Critical.
	LevelCritical
)

// String returns the level's lower-case name.
func (l Level) String() string {
	switch l {
	case LevelLate:
		return "late"
	case LevelCritical:
		return "critical"
	}
	return "ok"
}

// Label returns the level as the table shows it: symbol and word.
func (l Level) Label() string {
	switch l {
	case LevelLate:
		return "! late"
	case LevelCritical:
		return "‼ CRITICAL"
	}
	return "✓ ok"
}

// Level returns r's level at now. Zero thresholds mean the defaults.
func (t Thresholds) Level(r Row, now time.Time) Level {
	if r.Awaiting == 0 || r.OldestAwaiting.IsZero() {
		return LevelOK
	}
	t = t.normalized()
	age := now.Sub(r.OldestAwaiting)
	switch {
	case age > t.Critical:
		return LevelCritical
	case age > t.Warn:
		return LevelLate
	}
	return LevelOK
}

// interactionData reads the fields of an interaction's free-form data the
// table uses. A field of another type (a number where a name was expected)
// is left empty without hiding the other one: encoding/json fills what it
// can and reports the first type mismatch.
func interactionData(raw json.RawMessage) (customer, agent string) {
	if len(raw) == 0 {
		return "", ""
	}
	var d struct {
		CustomerName string `json:"customerName"`
		AgentUserID  string `json:"agentUserId"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return "", ""
		}
	}
	return d.CustomerName, d.AgentUserID
}

// arrived is when a picture started waiting for review: the acquisition
// time (timestamp), else its creation time.
func arrived(s client.Snapshot) time.Time {
	if s.Timestamp != nil {
		return *s.Timestamp
	}
	if s.CreatedAt != nil {
		return *s.CreatedAt
	}
	return time.Time{}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Summarize builds one row per interaction (duplicates by id are dropped)
// and returns them most urgent first (see Sort).
//
// snaps holds each interaction's snapshots by interaction id: UPLOADED
// counts as awaiting review, APPROVED and DISCARDED as reviewed, and
// REQUESTED (the dashboard's own pending rows) as pending. pending adds
// requests not among snaps, such as those known only from
// SnapshotRequestedEvent. lastEvent is the time of the newest event seen per
// interaction. Any map may be nil.
func Summarize(interactions []client.Interaction, snaps map[string][]client.Snapshot,
	pending map[string]int, lastEvent map[string]time.Time) []Row {
	rows := make([]Row, 0, len(interactions))
	seen := make(map[string]struct{}, len(interactions))
	for _, in := range interactions {
		if _, dup := seen[in.ID]; dup {
			continue
		}
		seen[in.ID] = struct{}{}
		r := Row{InteractionID: in.ID, Pending: pending[in.ID], LastActivity: lastEvent[in.ID]}
		r.Customer, r.Agent = interactionData(in.Data)
		if r.Agent == "" {
			r.Agent = in.CreatedBy
		}
		if in.CreatedAt != nil {
			r.LastActivity = later(r.LastActivity, *in.CreatedAt)
		}
		for _, s := range snaps[in.ID] {
			at := arrived(s)
			if s.CreatedAt != nil {
				r.LastActivity = later(r.LastActivity, *s.CreatedAt)
			}
			r.LastActivity = later(r.LastActivity, at)
			switch s.State {
			case client.StateUploaded:
				r.Awaiting++
				if !at.IsZero() && (r.OldestAwaiting.IsZero() || at.Before(r.OldestAwaiting)) {
					r.OldestAwaiting = at
				}
			case client.StateApproved:
				r.Approved++
			case client.StateDiscarded:
				r.Discarded++
			case client.StateRequested:
				r.Pending++
			}
		}
		rows = append(rows, r)
	}
	Sort(rows)
	return rows
}

// Sort orders rows most urgent first: critical, then late, then the oldest
// picture awaiting review, then most pending requests, then most recent
// activity, then interaction id.
//
// Because a level only grows with the age of the oldest picture, ordering
// by that picture's arrival (oldest first, rows with nothing awaiting last)
// already puts critical before late before ok, whatever the thresholds and
// the clock: the order never goes stale as time passes, and it needs no
// clock.
func Sort(rows []Row) {
	slices.SortFunc(rows, compare)
}

func compare(a, b Row) int {
	aw, bw := a.awaitingKnown(), b.awaitingKnown()
	if aw != bw {
		if aw {
			return -1
		}
		return 1
	}
	if aw {
		if c := a.OldestAwaiting.Compare(b.OldestAwaiting); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(b.Pending, a.Pending); c != 0 {
		return c
	}
	if c := b.LastActivity.Compare(a.LastActivity); c != 0 {
		return c
	}
	return cmp.Compare(a.InteractionID, b.InteractionID)
}

func (r Row) awaitingKnown() bool { return r.Awaiting > 0 && !r.OldestAwaiting.IsZero() }

// FormatAge writes a duration compactly: "42s", "3m12s", "2h05m", "3d04h",
// "123d". Negative durations are "0s".
func FormatAge(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	var b []byte
	switch {
	case s < 60:
		b = strconv.AppendInt(b, s, 10)
		b = append(b, 's')
	case s < 3600:
		b = strconv.AppendInt(b, s/60, 10)
		b = append(b, 'm')
		b = pad2(b, s%60)
		b = append(b, 's')
	case s < 86400:
		b = strconv.AppendInt(b, s/3600, 10)
		b = append(b, 'h')
		b = pad2(b, s%3600/60)
		b = append(b, 'm')
	case s < 100*86400:
		b = strconv.AppendInt(b, s/86400, 10)
		b = append(b, 'd')
		b = pad2(b, s%86400/3600)
		b = append(b, 'h')
	default:
		b = strconv.AppendInt(b, s/86400, 10)
		b = append(b, 'd')
	}
	return string(b)
}

func pad2(b []byte, n int64) []byte {
	if n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, n, 10)
}
