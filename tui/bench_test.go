package tui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/events"
)

// bigModel is a dashboard showing one interaction with n snapshots and n
// event lines, with the events pane open.
func bigModel(tb testing.TB, n, w, h int) *Model {
	tb.Helper()
	now := fixedNow()
	m := New(Options{API: nil, NoStream: true, Now: func() time.Time { return now }, Location: time.UTC,
		ImageMode: ImageModeNone, ServerURL: "https://bench.test"})
	tb.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	it := client.Interaction{ID: "int-big", CreatedAt: &now, Data: []byte(`{"customerName":"Big Customer","customerUserId":"cust"}`)}
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{it}})
	snaps := make([]client.Snapshot, n)
	states := []client.SnapshotState{client.StateUploaded, client.StateApproved, client.StateDiscarded}
	for i := range snaps {
		at := now.Add(-time.Duration(i) * time.Minute)
		snaps[i] = client.Snapshot{ID: fmt.Sprintf("snap-%05d", i), InteractionID: "int-big", Type: "car-damage",
			State: states[i%3], UserID: "cust", RequesterUserID: "agent-1", CreatedAt: &at}
	}
	m.Update(SnapshotsLoadedMsg{InteractionID: "int-big", Snapshots: snaps})
	for i := 0; i < n; i++ {
		m.events.Push(events.Entry{At: now, Kind: events.Event, Text: fmt.Sprintf("SnapshotAcquired snap-%05d car-damage in int-big", i)})
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'e'}})
	if m.snaps.Total() != n || m.events.Len() != n {
		tb.Fatalf("rows %d events %d, want %d", m.snaps.Total(), m.events.Len(), n)
	}
	return m
}

// BenchmarkView measures one frame of an interaction with 10,000 snapshots
// and 10,000 event lines. The goal is under 2 ms.
func BenchmarkView(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {240, 70}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			m := bigModel(b, 10000, size[0], size[1])
			m.snaps.Move(5000)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = m.View()
			}
		})
	}
}
