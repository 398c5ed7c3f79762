package watch

import (
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/insight"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
)

// dayPictures is a supervisor's morning folded from events, as the journal
// gives it: a busy start, a slow agent, a quiet hour, pictures awaiting.
func dayPictures() []insight.Picture {
	f := insight.NewFold()
	add := func(typ, iid, sid, agent string, at time.Time) {
		f.Event(client.Event{Type: typ, InteractionID: iid, SnapshotID: sid, UserID: agent, Timestamp: at})
	}
	agents := []string{"agent-ana", "agent-bob", "agent-chen"}
	ints := []string{"int-0001-eleni", "int-0002-james", "int-0003-sofia"}
	for i := range 90 {
		sid := "p" + strconv.Itoa(i)
		k := i % 3
		arrived := t0.Add(-8*time.Hour + time.Duration(i*i%470)*time.Minute + time.Duration(i)*17*time.Second)
		add(client.EventSnapshotRequested, ints[k], sid, agents[k], arrived.Add(-time.Minute))
		add(client.EventSnapshotAcquired, ints[k], sid, "", arrived)
		wait := time.Duration(1+i%7) * time.Minute
		if k == 1 {
			wait *= 4 // bob is slow
		}
		switch reviewed := arrived.Add(wait); {
		case reviewed.After(t0):
		case i%5 == 0:
			add(client.EventSnapshotDiscarded, ints[k], sid, "", reviewed)
		default:
			add(client.EventSnapshotApproved, ints[k], sid, "", reviewed)
		}
	}
	return f.Pictures()
}

func chartModel(t testing.TB, w, h int) Model {
	m := newModel(t, fixtureRows(), w, h)
	m.SetPictures(dayPictures())
	return m
}

func TestChartsView80x24(t *testing.T) {
	golden.RequireEqual(t, []byte(chartModel(t, 80, 24).View()))
}

func TestChartsView120x40(t *testing.T) {
	golden.RequireEqual(t, []byte(chartModel(t, 120, 40).View()))
}

func TestChartsView200x50(t *testing.T) {
	golden.RequireEqual(t, []byte(chartModel(t, 200, 50).View()))
}

// TestChartsFit: every size from 40x8 to 200x50 draws exactly its size,
// with the table keeping at least its summary, header and a row.
func TestChartsFit(t *testing.T) {
	pics := dayPictures()
	for _, th := range []string{"dark", "light", "high-contrast"} {
		st, err := theme.Load(th, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, sz := range [][2]int{{40, 8}, {80, 24}, {99, 35}, {100, 36}, {120, 40}, {160, 45}, {200, 50}, {60, 30}} {
			m := New(common.New(st, fixedNow, time.UTC), Thresholds{})
			m.SetSize(sz[0], sz[1])
			m.SetRows(fixtureRows())
			m.SetPictures(pics)
			v := m.View()
			ls := strings.Split(v, "\n")
			if len(ls) != sz[1] {
				t.Fatalf("%s %v: %d lines", th, sz, len(ls))
			}
			for i, l := range ls {
				if w := ansi.StringWidth(l); w != sz[0] {
					t.Fatalf("%s %v: line %d is %d wide: %q", th, sz, i, w, l)
				}
			}
			if !strings.Contains(ansi.Strip(v), "› ") || !strings.Contains(v, "live") {
				t.Errorf("%s %v: the table lost its rows", th, sz)
			}
		}
	}
}

// TestChartsNumbers: the numbers the charts print are the fold's, for all
// and for the selected interaction and agent, and they follow the clock.
func TestChartsNumbers(t *testing.T) {
	pics := dayPictures()
	m := chartModel(t, 200, 50)
	count := func(keep func(*insight.Picture) bool, end time.Time) (arrived, reviewed, awaiting int) {
		for i := range pics {
			p := &pics[i]
			if keep != nil && !keep(p) {
				continue
			}
			if !p.Arrived.Before(end.Add(-ChartWindow)) && p.Arrived.Before(end) {
				arrived++
			}
			if p.IsReviewed() && !p.Reviewed.Before(end.Add(-ChartWindow)) && p.Reviewed.Before(end) {
				reviewed++
			}
			if p.AwaitingAt(end) {
				awaiting++
			}
		}
		return
	}
	check := func(scope string, keep func(*insight.Picture) bool) {
		t.Helper()
		v := m.View()
		s, _, _ := m.series(t0, (200-3)/2-2)
		end := s.Start.Add(ChartWindow)
		a, r, w := count(keep, end)
		for _, want := range []string{"arrived: " + strconv.Itoa(a) + " ", "reviewed: " + strconv.Itoa(r) + " ",
			"awaiting review: " + strconv.Itoa(w) + " now", "· " + scope + " (tab: scope)"} {
			if !strings.Contains(v, want) {
				t.Errorf("%s: no %q in\n%s", scope, want, v)
			}
		}
		if a == 0 || r == 0 {
			t.Errorf("%s: a chart of nothing (%d, %d)", scope, a, r)
		}
	}
	check("all", nil)
	if s, _, _ := m.series(t0, 97); s.Step != 5*time.Minute || s.Len() != 96 {
		t.Errorf("at 200 columns: %d intervals of %s, want 96 of 5m", s.Len(), s.Step)
	}
	// James's interaction (agent-bob, the slow one).
	m.Select("int-0002-james")
	sel, _ := m.Selected()
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
	check("interaction "+sel.Customer, func(p *insight.Picture) bool { return p.Interaction == sel.InteractionID })
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
	check("agent "+sel.Agent, func(p *insight.Picture) bool { return p.Agent == sel.Agent })
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
	if m.Scope() != ScopeAll {
		t.Errorf("scope after three tabs: %d", m.Scope())
	}
	// Bob is slow: his median review time is 4x the others'.
	bob := insight.ReviewTimes(pics, t0.Add(-ChartWindow), t0, func(p *insight.Picture) bool { return p.Agent == "agent-bob" })
	ana := insight.ReviewTimes(pics, t0.Add(-ChartWindow), t0, func(p *insight.Picture) bool { return p.Agent == "agent-ana" })
	if bob.Median < 3*ana.Median {
		t.Errorf("bob %v, ana %v", bob.Median, ana.Median)
	}
}

// TestChartsLive: a picture arriving moves the numbers on the next frame,
// and time passing moves the window.
func TestChartsLive(t *testing.T) {
	pics := dayPictures()
	now := t0
	st := styles(t)
	m := New(common.New(st, func() time.Time { return now }, time.UTC), Thresholds{})
	m.SetSize(200, 50)
	m.SetRows(fixtureRows())
	m.SetPictures(pics)
	awaiting := func() int {
		s, _, _ := m.series(now, (200-3)/2-2)
		return last(s.Backlog)
	}
	before := awaiting()
	if !strings.Contains(m.View(), "awaiting review: "+strconv.Itoa(before)+" now") {
		t.Fatalf("before:\n%s", m.View())
	}
	pics = append(pics, insight.Picture{ID: "new", Interaction: "int-0001-eleni", Agent: "agent-ana",
		State: client.StateUploaded, Arrived: t0.Add(-time.Second)})
	m.SetPictures(pics)
	if !strings.Contains(m.View(), "awaiting review: "+strconv.Itoa(before+1)+" now") {
		t.Errorf("after a new picture:\n%s", m.View())
	}
	first := m.View()
	now = t0.Add(9 * time.Hour) // everything left the window
	if v := m.View(); v == first || !strings.Contains(v, "arrived: 0 ") {
		t.Errorf("9 hours later:\n%s", v)
	}
}

// TestChartsColourAndNoColor: in colour the charts are styled by the
// theme; under NO_COLOR (an Ascii renderer) they are the same glyphs with no
// escape sequence at all.
func TestChartsColourAndNoColor(t *testing.T) {
	view := func(p termenv.Profile, w, h int) string {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(p)
		st, err := theme.Load("dark", r)
		if err != nil {
			t.Fatal(err)
		}
		m := New(common.New(st, fixedNow, time.UTC), Thresholds{})
		m.SetSize(w, h)
		m.SetRows(fixtureRows())
		m.SetPictures(dayPictures())
		return m.View()
	}
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		colour, plain := view(termenv.TrueColor, sz[0], sz[1]), view(termenv.Ascii, sz[0], sz[1])
		if !strings.Contains(colour, "\x1b[") {
			t.Errorf("%v: no colour in colour", sz)
		}
		if strings.Contains(plain, "\x1b") {
			t.Errorf("%v: an escape sequence under NO_COLOR", sz)
		}
		if ansi.Strip(colour) != plain {
			t.Errorf("%v: colour and NO_COLOR draw different glyphs", sz)
		}
	}
	v := view(termenv.Ascii, 80, 24)
	for _, want := range []string{"in ", " done ", " wait ", "review p50"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in\n%s", want, v)
		}
	}
}

// BenchmarkChartsRedraw is one full chart frame at 200x50 after the
// pictures changed (a tick with new events): fold, count and draw.
func BenchmarkChartsRedraw(b *testing.B) {
	pics := dayPictures()
	m := chartModel(b, 200, 50)
	for b.Loop() {
		m.SetPictures(pics)
		_ = m.View()
	}
}
