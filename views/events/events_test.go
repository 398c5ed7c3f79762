package events

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
)

func TestRingKeepsScrollbackAndShowsNewest(t *testing.T) {
	m := New(common.New(theme.New(theme.Palette{}, nil), nil, time.UTC), 100)
	m.SetSize(60, 5)
	for i := 0; i < 250; i++ {
		m.Push(Entry{Kind: Event, Text: fmt.Sprintf("line %d\x1b[31m", i)})
	}
	if m.Len() != 100 || !strings.Contains(m.At(0).Text, "line 150") {
		t.Fatalf("len %d first %q", m.Len(), m.At(0).Text)
	}
	v := m.Lines()
	if len(v) != 5 || !strings.Contains(v[4], "line 249") || strings.Contains(strings.Join(v, ""), "\x1b") {
		t.Fatalf("view %q", v)
	}
	m.Scroll(10)
	if v := m.Lines(); !strings.Contains(v[4], "line 239") {
		t.Fatalf("scrolled %q", v[4])
	}
	m.Push(Entry{Text: "new"})
	if v := m.Lines(); !strings.Contains(v[4], "line 239") {
		t.Fatalf("a new line moved the scrolled view: %q", v[4])
	}
	m.Follow()
	if v := m.Lines(); !strings.Contains(v[4], "new") {
		t.Fatalf("follow %q", v[4])
	}
}

func newPane(t *testing.T, scrollback, h int) Model {
	t.Helper()
	today := func() time.Time { return time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC) }
	m := New(common.New(theme.New(theme.Palette{}, nil), today, time.UTC), scrollback)
	m.SetSize(80, h)
	return m
}

func TestPauseCountsNewLinesAndResumes(t *testing.T) {
	m := newPane(t, 100, 3)
	for i := 1; i <= 5; i++ {
		m.Push(Entry{Seq: uint64(i), Type: "A", Text: fmt.Sprintf("ev-%d", i)})
	}
	if !m.TogglePause() || !m.Paused() || m.Following() {
		t.Fatal("not paused")
	}
	m.Push(Entry{Seq: 6, Type: "A", Text: "ev-6"})
	m.Push(Entry{Seq: 7, Type: "A", Text: "ev-7"})
	v := strings.Join(m.Lines(), "\n")
	if strings.Contains(v, "ev-6") || !strings.Contains(v, "ev-5") {
		t.Fatalf("paused view moved:\n%s", v)
	}
	if m.Unseen() != 2 || !strings.Contains(m.Title(), "paused · +2 new") {
		t.Fatalf("unseen %d title %q", m.Unseen(), m.Title())
	}
	if m.TogglePause() {
		t.Fatal("still paused")
	}
	if v := m.Lines(); !strings.Contains(v[2], "ev-7") || m.Unseen() != 0 {
		t.Fatalf("resumed view %q unseen %d", v, m.Unseen())
	}
}

func TestFiltersByTypeAndInteraction(t *testing.T) {
	m := newPane(t, 100, 10)
	m.Push(Entry{Seq: 1, Type: "SnapshotRequestedEvent", Interaction: "i1", Text: "req-1"})
	m.Push(Entry{Seq: 2, Type: "SnapshotAcquiredEvent", Interaction: "i2", Text: "acq-2"})
	m.Push(Entry{Kind: OK, Interaction: "i1", Text: "approved by you"})
	m.Push(Entry{Seq: 3, Type: "SnapshotAcquiredEvent", Interaction: "i1", Text: "acq-3"})
	if got := m.CycleType(); got != "SnapshotRequestedEvent" {
		t.Fatalf("first type %q", got)
	}
	if got := m.CycleType(); got != "SnapshotAcquiredEvent" {
		t.Fatalf("second type %q", got)
	}
	v := strings.Join(m.Lines(), "\n")
	if strings.Contains(v, "req-1") || !strings.Contains(v, "acq-2") || !strings.Contains(v, "acq-3") {
		t.Fatalf("type filter:\n%s", v)
	}
	if !strings.HasPrefix(m.Title(), "Events 2/4 · SnapshotAcquiredEvent") {
		t.Fatalf("title %q", m.Title())
	}
	m.SetInteraction("i1")
	if !m.ToggleInteraction() {
		t.Fatal("interaction filter off")
	}
	v = strings.Join(m.Lines(), "\n")
	if strings.Contains(v, "acq-2") || !strings.Contains(v, "acq-3") {
		t.Fatalf("interaction filter:\n%s", v)
	}
	if got := m.CycleType(); got != "" {
		t.Fatalf("after the last type: %q, want all", got)
	}
	v = strings.Join(m.Lines(), "\n")
	if !strings.Contains(v, "req-1") || !strings.Contains(v, "approved by you") || strings.Contains(v, "acq-2") {
		t.Fatalf("this interaction, every type:\n%s", v)
	}
	m.SetInteraction("nope")
	if v := m.Lines(); !strings.Contains(v[0], "No events match") {
		t.Fatalf("empty filter view %q", v)
	}
}

func TestScrollbackGrowsLazilyAndStaysBounded(t *testing.T) {
	m := newPane(t, 1000, 5)
	m.Push(Entry{Text: "one"})
	if m.list.Slots() > 16 {
		t.Fatalf("a one-line pane holds %d slots", m.list.Slots())
	}
	for i := 0; i < 5000; i++ {
		m.Push(Entry{Seq: uint64(i + 1), Type: "A", Text: "x"})
	}
	if m.Len() != 1000 || m.At(0).Seq != 4001 || m.At(999).Seq != 5000 || m.list.Slots() != 1000 {
		t.Fatalf("len %d first %d last %d buf %d", m.Len(), m.At(0).Seq, m.At(999).Seq, m.list.Slots())
	}
	m.CycleType()
	if !strings.HasPrefix(m.Title(), "Events 1000 · A") {
		t.Fatalf("title %q", m.Title())
	}
}

func TestLineShowsTimeSymbolWhoWhat(t *testing.T) {
	m := newPane(t, 10, 3)
	at := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	m.Push(Entry{At: at, Seq: 9, Type: "SnapshotAcquiredEvent", Symbol: "●", Who: "Ana\x1b[31m", Text: "sent a meter picture"})
	if got := m.Line(m.At(0)); got != "15:09:26 ● Ana sent a meter picture" {
		t.Fatalf("line %q", got)
	}
	// Not today: the date comes first.
	m.Push(Entry{At: at.AddDate(0, 0, -1), Seq: 10, Text: "older"})
	if got := m.Line(m.At(1)); got != "Mar 13 15:09:26 • older" && !strings.HasPrefix(got, "Mar 13 15:09:26 ") {
		t.Fatalf("line of yesterday %q", got)
	}
}
