package events

import (
	"strconv"
	"testing"
	"time"

	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
)

// BenchmarkPush measures one line arriving in a full 10,000-line pane
// filtered by type, scrolled back (so the view is kept still), as during
// an event flood; then drawing it.
func BenchmarkPush(b *testing.B) {
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	m := New(common.New(theme.New(theme.Palette{}, nil), func() time.Time { return now }, time.UTC), DefaultScrollback)
	m.SetSize(120, 12)
	types := []string{"SnapshotAcquiredEvent", "SnapshotRequestedEvent"}
	entries := make([]Entry, 1024)
	for i := range entries {
		entries[i] = Entry{At: now, Seq: uint64(i), Type: types[i%2], Interaction: "int-" + strconv.Itoa(i%7), Text: "line " + strconv.Itoa(i)}
	}
	for i := 0; i < DefaultScrollback; i++ {
		m.Push(entries[i%len(entries)])
	}
	m.CycleType()
	m.Scroll(3)
	b.Run("push", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Push(entries[i%len(entries)])
		}
	})
	b.Run("view", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = m.View()
		}
	})
}
