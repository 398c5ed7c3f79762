package events

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/theme"
)

func TestRingKeepsScrollbackAndShowsNewest(t *testing.T) {
	m := New(theme.New(theme.Palette{}, nil), 100, time.UTC)
	m.SetSize(60, 5)
	for i := 0; i < 250; i++ {
		m.Push(Entry{Kind: Event, Text: fmt.Sprintf("line %d\x1b[31m", i)})
	}
	if m.Len() != 100 || !strings.Contains(m.At(0).Text, "line 150") {
		t.Fatalf("len %d first %q", m.Len(), m.At(0).Text)
	}
	v := m.View()
	if len(v) != 5 || !strings.Contains(v[4], "line 249") || strings.Contains(strings.Join(v, ""), "\x1b") {
		t.Fatalf("view %q", v)
	}
	m.Scroll(10)
	if v := m.View(); !strings.Contains(v[4], "line 239") {
		t.Fatalf("scrolled %q", v[4])
	}
	m.Push(Entry{Text: "new"})
	if v := m.View(); !strings.Contains(v[4], "line 239") {
		t.Fatalf("a new line moved the scrolled view: %q", v[4])
	}
	m.Follow()
	if v := m.View(); !strings.Contains(v[4], "new") {
		t.Fatalf("follow %q", v[4])
	}
}
