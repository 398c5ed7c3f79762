package tui

import (
	"github.com/snapdash/snapdash/internal/sanitize"
)

func short(id string) string { return sanitize.Truncate(id, 24) }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
