package snapshots

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/filter"
)

func rows(n int, now time.Time) []Row {
	out := make([]Row, n)
	for i := range out {
		at := now.Add(-time.Duration(i) * time.Minute)
		st := client.StateUploaded
		if i%2 == 1 {
			st = client.StateApproved
		}
		out[i] = Row{Snapshot: client.Snapshot{ID: fmt.Sprintf("s%04d", i), Type: "meter", State: st, CreatedAt: &at}, Customer: "Ana"}
	}
	return out
}

func TestWindowedViewDrawsOnlyVisibleRows(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := New(common.New(theme.New(theme.Palette{}, nil), func() time.Time { return now }, time.UTC))
	m.SetSize(80, 11)
	in := rows(1000, now)
	// hand them over oldest first: the table sorts newest first
	for i, j := 0, len(in)-1; i < j; i, j = i+1, j-1 {
		in[i], in[j] = in[j], in[i]
	}
	m.SetRows(in)
	lines := m.Lines()
	if len(lines) != 11 { // header + 10 rows
		t.Fatalf("%d lines", len(lines))
	}
	if !strings.Contains(lines[1], "› ● uploaded") || !strings.Contains(lines[1], "s0000") {
		t.Fatalf("first row %q", lines[1])
	}
	m.Page(1)
	m.Bottom()
	lines = m.Lines()
	if !strings.Contains(lines[len(lines)-1], "s0999") || m.Position() != "1000/1000" {
		t.Fatalf("bottom: %q %s", lines[len(lines)-1], m.Position())
	}
	m.Top()
	m.SetFilter(filter.Parse("state:approved"))
	if m.Len() != 500 {
		t.Fatalf("filter kept %d", m.Len())
	}
	if r, _ := m.Selected(); r.Snapshot.State != client.StateApproved {
		t.Fatalf("selected %v", r.Snapshot.State)
	}
}

func TestSelectionFollowsTheSnapshot(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := New(common.New(theme.New(theme.Palette{}, nil), func() time.Time { return now }, time.UTC))
	m.SetSize(80, 10)
	m.SetRows(rows(5, now))
	m.Move(2)
	r, _ := m.Selected()
	newer := rows(1, now.Add(time.Minute))
	newer[0].Snapshot.ID = "new"
	m.SetRows(append(rows(5, now), newer...))
	if got, _ := m.Selected(); got.Snapshot.ID != r.Snapshot.ID {
		t.Fatalf("selection moved to %s from %s", got.Snapshot.ID, r.Snapshot.ID)
	}
}

func TestStateLabelsHaveSymbolAndWord(t *testing.T) {
	for st, want := range map[client.SnapshotState]string{
		client.StateUploaded: "● uploaded", client.StateApproved: "✓ approved",
		client.StateDiscarded: "✗ discarded", client.StateRequested: "◷ requested",
	} {
		if got := StateLabel(st, "", ""); got != want {
			t.Errorf("%s: %q", st, got)
		}
	}
	if got := StateLabel(client.StateApproved, "approving", ""); got != "⋯ approving" {
		t.Errorf("op: %q", got)
	}
}

// TestRequesterColumnShowsWhoAsked: the root passes snapshots as they come
// from the API, so the REQUESTER column falls back to RequesterUserID (it
// used to stay empty), sanitized like every server string.
func TestRequesterColumnShowsWhoAsked(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := New(common.New(theme.New(theme.Palette{}, nil), func() time.Time { return now }, time.UTC))
	m.SetSize(120, 5)
	at := now.Add(-time.Minute)
	m.SetRows([]Row{
		{Snapshot: client.Snapshot{ID: "s1", State: client.StateUploaded, CreatedAt: &at, RequesterUserID: "agent-\x1b[31mada"}},
		{Snapshot: client.Snapshot{ID: "s2", State: client.StateUploaded, CreatedAt: &at, RequesterUserID: "agent-bob"}, Requester: "Bob B."},
	})
	lines := m.Lines()
	if !strings.Contains(lines[0], "REQUESTER") {
		t.Fatalf("no REQUESTER column at 120 cells: %q", lines[0])
	}
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, "agent-ada") || strings.Contains(all, "\x1b") {
		t.Fatalf("requester id not shown sanitized:\n%s", all)
	}
	if !strings.Contains(all, "Bob B.") || strings.Contains(all, "agent-bob") {
		t.Fatalf("a given display name must win over the id:\n%s", all)
	}
}

// TestLabelAgreesWithTheTable: Label (for other views of the row, such as
// the preview) says "! late" exactly when the table does.
func TestLabelAgreesWithTheTable(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := New(common.New(theme.New(theme.Palette{}, nil), func() time.Time { return now }, time.UTC))
	m.SetSize(80, 10)
	m.SetWarnAfter(2 * time.Minute)
	old, fresh := now.Add(-5*time.Minute), now.Add(-time.Minute)
	late := Row{Snapshot: client.Snapshot{ID: "late", State: client.StateRequested, CreatedAt: &old}}
	waiting := Row{Snapshot: client.Snapshot{ID: "waiting", State: client.StateRequested, CreatedAt: &fresh}}
	m.SetRows([]Row{late, waiting})
	for _, r := range []Row{late, waiting} {
		m.Select(r.Snapshot.ID)
		label := m.Label(r, now, "")
		if row := m.Lines()[1+m.Cursor()]; !strings.Contains(row, label) {
			t.Errorf("%s: Label %q, table row %q", r.Snapshot.ID, label, row)
		}
	}
	if m.Label(late, now, "") != "! late" || !m.Late(late, now) || m.Late(waiting, now) {
		t.Fatalf("late %q / %v, waiting late %v", m.Label(late, now, ""), m.Late(late, now), m.Late(waiting, now))
	}
}

// TestFilterIgnoresAccents: the table folds its columns as the filter
// does, so `garcia` finds Sofía García's snapshots.
func TestFilterIgnoresAccents(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := New(common.New(theme.New(theme.Palette{}, nil), func() time.Time { return now }, time.UTC))
	m.SetSize(80, 10)
	rs := rows(4, now)
	rs[1].Customer, rs[2].Customer = "Sofía García", "SOFIA GARCIA"
	m.SetRows(rs)
	for _, q := range []string{"garcia", "customer:GARCÍA", "c:sofi\u0301a"} {
		m.SetFilter(filter.Parse(q))
		if m.Len() != 2 || m.Total() != 4 {
			t.Errorf("%q kept %d of %d rows, want 2 of 4", q, m.Len(), m.Total())
		}
	}
}
