package watch

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/sparkline"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/internal/insight"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/views/pane"
)

// ChartWindow is how far back the charts look.
const ChartWindow = 8 * time.Hour

// chartSteps are the intervals the charts may count by, finest first: the
// finest whose intervals over ChartWindow fit the width is used.
var chartSteps = []time.Duration{5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}

// Scope is what the charts count: every picture, the selected
// interaction's or the selected agent's.
type Scope int

// The scopes, in the order the scope key cycles them.
const (
	ScopeAll Scope = iota
	ScopeInteraction
	ScopeAgent
)

// chartsFull is the smallest screen that gets full charts; below it the
// charts are one compact sparkline row.
const (
	chartsFullWidth  = 100
	chartsFullHeight = 36
)

// chartLines is how many lines the charts take at the view's size: none
// when there is nothing to chart or no room, one compact row, or a third of
// the height (at most 20) for full charts.
func (m Model) chartLines() int {
	if !m.charts || m.height < 8 || m.width < 40 {
		return 0
	}
	if m.width >= chartsFullWidth && m.height >= chartsFullHeight {
		return min(20, m.height*2/5)
	}
	return 2 // a rule and the row
}

// SetPictures gives the charts the pictures to count (the journal's last
// hours and what arrived since), turning them on.
func (m *Model) SetPictures(p []insight.Picture) {
	m.pics = p
	m.charts = true
	m.chartVer++
	m.SetSize(m.width, m.height)
}

// Scope returns what the charts count.
func (m Model) Scope() Scope { return m.scope }

// cycleScope moves to the next scope.
func (m *Model) cycleScope() {
	m.scope = (m.scope + 1) % 3
	m.chartVer++
}

// chartKey is everything a chart frame depends on: drawn once per change.
type chartKey struct {
	ver, w, h int
	end       time.Time
	scope     Scope
	sel       string
}

// chartCache is shared by the model's copies (View has a value receiver).
type chartCache struct {
	key   chartKey
	lines []string
}

// scopeFilter returns the pictures' filter and the scope's name.
func (m Model) scopeFilter() (func(*insight.Picture) bool, string) {
	r, ok := m.Selected()
	switch {
	case m.scope == ScopeInteraction && ok:
		id := r.InteractionID
		name := sanitize.Line(r.Customer)
		if name == "" {
			name = sanitize.Truncate(id, 16)
		}
		return func(p *insight.Picture) bool { return p.Interaction == id }, "interaction " + name
	case m.scope == ScopeAgent && ok && r.Agent != "":
		agent := r.Agent
		return func(p *insight.Picture) bool { return p.Agent == agent }, "agent " + sanitize.Line(agent)
	}
	return nil, "all"
}

// chartStep picks the interval so the window's intervals fit cols columns.
func chartStep(cols int) (time.Duration, int) {
	for _, s := range chartSteps {
		if n := int(ChartWindow / s); n <= cols {
			return s, n
		}
	}
	s := chartSteps[len(chartSteps)-1]
	return s, min(cols, int(ChartWindow/s))
}

// charts returns the chart lines, each exactly the width.
func (m Model) chartView(now time.Time) []string {
	n := m.chartLines()
	if n == 0 {
		return nil
	}
	sel := ""
	if r, ok := m.Selected(); ok {
		sel = r.InteractionID
	}
	key := chartKey{ver: m.chartVer, w: m.width, h: n, scope: m.scope, sel: sel, end: now.Truncate(time.Minute)}
	if m.chartMemo != nil && m.chartMemo.key == key && len(m.chartMemo.lines) == n {
		return m.chartMemo.lines
	}
	var lines []string
	if n <= 2 {
		lines = m.compactCharts(now)
	} else {
		lines = m.fullCharts(now, n)
	}
	for i := range lines {
		lines[i] = pane.Fit(lines[i], m.width)
	}
	for len(lines) < n {
		lines = append(lines, m.cache.blank)
	}
	if m.chartMemo != nil {
		m.chartMemo.key, m.chartMemo.lines = key, lines[:n]
	}
	return lines[:n]
}

// series counts the scope's pictures in intervals ending at the next
// interval boundary after now.
func (m Model) series(now time.Time, cols int) (insight.Series, insight.Durations, string) {
	keep, name := m.scopeFilter()
	step, n := chartStep(cols)
	end := now.Truncate(step).Add(step)
	s := insight.Buckets(m.pics, end, step, n, keep)
	d := insight.ReviewTimes(m.pics, end.Add(-ChartWindow), end, keep)
	return s, d, name
}

func floats(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func total(v []int) int {
	t := 0
	for _, x := range v {
		t += x
	}
	return t
}

func last(v []int) int {
	if len(v) == 0 {
		return 0
	}
	return v[len(v)-1]
}

// spark draws v with ntcharts' sparkline, w cells wide and h high, scaled
// to peak (so two series share a scale).
func spark(v []int, w, h int, peak int, st lipgloss.Style) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	sl := sparkline.New(w, h, sparkline.WithStyle(st), sparkline.WithMaxValue(float64(max(1, peak))), sparkline.WithNoAutoMaxValue())
	sl.PushAll(floats(v))
	sl.DrawColumnsOnly()
	return strings.Split(sl.View(), "\n")
}

func peakOf(vs ...[]int) int {
	p := 0
	for _, v := range vs {
		for _, x := range v {
			p = max(p, x)
		}
	}
	return p
}

// durs writes the review times: "review p50 2m00s · p90 9m12s · max 14m"
// or "review —" when none is known.
func durs(d insight.Durations) string {
	if d.N == 0 {
		return "review time —"
	}
	return "review p50 " + FormatAge(d.Median) + " · p90 " + FormatAge(d.P90) + " · max " + FormatAge(d.Max) +
		" (" + strconv.Itoa(d.N) + ")"
}

func stepName(s time.Duration) string {
	if s >= time.Hour {
		return strconv.Itoa(int(s/time.Hour)) + "h"
	}
	return strconv.Itoa(int(s/time.Minute)) + "m"
}

// compactCharts is a rule with the scope, then one row: three sparklines
// (arrived, reviewed, awaiting) and the review times.
func (m Model) compactCharts(now time.Time) []string {
	label := func(s string) string { return m.st.Muted.Render(s) }
	// Three sparklines share what the words and the times leave.
	cols := max(8, (m.width-60)/3)
	s, d, name := m.series(now, cols)
	w := s.Len()
	rule := "── last 8h per " + stepName(s.Step) + " · " + name + " (tab: scope) "
	rule += strings.Repeat("─", max(0, m.width-ansi.StringWidth(rule)))
	peak := peakOf(s.Arrived, s.Reviewed)
	var b strings.Builder
	b.WriteString(label("in "))
	b.WriteString(spark(s.Arrived, w, 1, peak, m.st.Info)[0])
	b.WriteString(" " + strconv.Itoa(total(s.Arrived)))
	b.WriteString(label(" done "))
	b.WriteString(spark(s.Reviewed, w, 1, peak, m.st.Good)[0])
	b.WriteString(" " + strconv.Itoa(total(s.Reviewed)))
	b.WriteString(label(" wait "))
	b.WriteString(spark(s.Backlog, w, 1, peakOf(s.Backlog), m.st.Warn)[0])
	b.WriteString(" " + strconv.Itoa(last(s.Backlog)))
	b.WriteString(label(" · "))
	if d.N == 0 {
		b.WriteString("review —")
	} else {
		b.WriteString("review p50 " + FormatAge(d.Median) + " p90 " + FormatAge(d.P90))
	}
	return []string{m.st.Muted.Render(rule), b.String()}
}

// fullCharts draws, under a rule naming the scope: arrived and reviewed
// per interval side by side, the backlog over time, and the review times.
func (m Model) fullCharts(now time.Time, n int) []string {
	half := (m.width - 3) / 2
	s, d, name := m.series(now, half-2)
	w := s.Len()
	rule := "── last 8h per " + stepName(s.Step) + " · " + name + " (tab: scope) "
	rule += strings.Repeat("─", max(0, m.width-ansi.StringWidth(rule)))
	lines := []string{m.st.Muted.Render(rule)}
	// Two rows of titles and the review times; the rest is split between
	// the two chart rows.
	ch := max(1, (n-4)/2)
	bh := max(1, n-4-ch)
	peak := peakOf(s.Arrived, s.Reviewed)
	title := func(text string, st lipgloss.Style, width int) string {
		return pane.Fit(st.Render(text), width)
	}
	lines = append(lines,
		title("arrived: "+strconv.Itoa(total(s.Arrived))+" (peak "+strconv.Itoa(peakOf(s.Arrived))+" per "+stepName(s.Step)+")", m.st.Info, half)+
			"   "+title("reviewed: "+strconv.Itoa(total(s.Reviewed))+" (peak "+strconv.Itoa(peakOf(s.Reviewed))+")", m.st.Good, half))
	a, r := spark(s.Arrived, w, ch, peak, m.st.Info), spark(s.Reviewed, w, ch, peak, m.st.Good)
	for i := 0; i < ch; i++ {
		lines = append(lines, pane.Fit(a[i], half)+"   "+pane.Fit(r[i], half))
	}
	lines = append(lines, title("awaiting review: "+strconv.Itoa(last(s.Backlog))+" now (peak "+strconv.Itoa(peakOf(s.Backlog))+")", m.st.Warn, half)+
		"   "+m.st.Base.Render(durs(d)))
	bl := spark(s.Backlog, w, bh, peakOf(s.Backlog), m.st.Warn)
	who := m.agentLines(now.Truncate(s.Step).Add(s.Step), half, bh)
	for i := 0; i < bh; i++ {
		lines = append(lines, pane.Fit(bl[i], half)+"   "+who[i])
	}
	start := now.Truncate(s.Step).Add(s.Step).Add(-ChartWindow)
	axis := start.Format("15:04") + strings.Repeat(" ", max(1, w-10)) + "now"
	lines = append(lines, m.st.Muted.Render(pane.Fit(axis, half)))
	return lines
}

// agentLines is the right of the backlog chart: each agent's pictures
// reviewed over the window and review times, slowest median first, so who
// is slow shows at a glance. It always counts every picture (the scope is
// for the charts).
func (m Model) agentLines(end time.Time, width, n int) []string {
	type agent struct {
		name string
		d    insight.Durations
		wait int
	}
	by := map[string][]time.Duration{}
	waiting := map[string]int{}
	from := end.Add(-ChartWindow)
	for i := range m.pics {
		p := &m.pics[i]
		if p.AwaitingAt(end) {
			waiting[p.Agent]++
		}
		if p.Reviewed.Before(from) || !p.Reviewed.Before(end) {
			continue
		}
		if d, ok := p.ReviewTime(); ok {
			by[p.Agent] = append(by[p.Agent], d)
		}
	}
	var as []agent
	for name, ds := range by {
		as = append(as, agent{name: name, d: insight.Summarize(ds), wait: waiting[name]})
	}
	for name, w := range waiting {
		if by[name] == nil {
			as = append(as, agent{name: name, wait: w})
		}
	}
	slices.SortFunc(as, func(a, b agent) int {
		if c := cmp.Compare(b.d.Median, a.d.Median); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	out := make([]string, n)
	nameW := max(8, width-36)
	head := pane.Fit("AGENT", nameW) + right("DONE", 6) + right("P50", 8) + right("P90", 8) + right("WAIT", 6)
	out[0] = m.st.TableHeader.Render(pane.Fit(head, width))
	for i, a := range as {
		if i+1 >= n {
			break
		}
		p50, p90 := "—", "—"
		if a.d.N > 0 {
			p50, p90 = FormatAge(a.d.Median), FormatAge(a.d.P90)
		}
		line := pane.Fit(sanitize.Line(a.name), nameW) + right(strconv.Itoa(a.d.N), 6) + right(p50, 8) + right(p90, 8) +
			right(strconv.Itoa(a.wait), 6)
		out[i+1] = pane.Fit(line, width)
	}
	for i := range out {
		if out[i] == "" {
			out[i] = strings.Repeat(" ", width)
		}
	}
	return out
}
