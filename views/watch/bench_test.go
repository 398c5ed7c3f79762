package watch

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkWatchView draws one frame of 10,000 interactions with the cursor
// in the middle, at a common and a wide terminal size.
func BenchmarkWatchView(b *testing.B) {
	rows := manyRows(10000)
	for _, sz := range []struct {
		name string
		w, h int
	}{{"120x40", 120, 40}, {"200x60", 200, 60}} {
		b.Run(sz.name, func(b *testing.B) {
			m := newModel(b, rows, sz.w, sz.h)
			m.Select(rows[5000].InteractionID)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkWatchSetRows is the cost of a refresh: sorting and sanitizing
// 10,000 rows.
func BenchmarkWatchSetRows(b *testing.B) {
	rows := manyRows(10000)
	m := newModel(b, nil, 120, 40)
	b.ReportAllocs()
	for b.Loop() {
		m.SetRows(rows)
	}
}

// BenchmarkWatchKey is one key press on 10,000 rows.
func BenchmarkWatchKey(b *testing.B) {
	m := newModel(b, manyRows(10000), 120, 40)
	down := tea.KeyMsg{Type: tea.KeyDown}
	b.ReportAllocs()
	for b.Loop() {
		m, _ = m.Update(down)
	}
}

// BenchmarkWatchSummarize builds 10,000 rows from interactions and listings.
func BenchmarkWatchSummarize(b *testing.B) {
	ins, snaps := benchData(10000)
	b.ReportAllocs()
	for b.Loop() {
		_ = Summarize(ins, snaps, nil, nil)
	}
}
