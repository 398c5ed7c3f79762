package tui

import "time"

// fixedNow is the clock of every test: the simulator and the dashboard agree.
func fixedNow() time.Time { return time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC) }
