package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/insight"
	"github.com/snapdash/snapdash/internal/journal"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// reportLookback is how long before --since an interaction may have started
// and still have pictures in the period: the server lists interactions by
// their start.
const reportLookback = 24 * time.Hour

func reportCmd() *command {
	var (
		since, until string
		interactions stringList
		asCSV        bool
	)
	return &command{
		name: "report", group: "read", jsonFlag: true,
		summary: "the period's numbers per day, agent and type, from the journal and the server",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&since, "since", "24h", "start of the period: a duration ago (24h, 7d) or a time (2006-01-02, RFC 3339)")
			fs.StringVar(&until, "until", "", "end of the period (default now): a duration ago or a time")
			fs.Var(&interactions, "interaction", "only this interaction `ID` (repeatable)")
			fs.BoolVar(&asCSV, "csv", false, "print CSV for spreadsheets")
		},
		run: func(ctx context.Context, e *env, _ []string) error {
			now := time.Now
			if e.now != nil {
				now = e.now
			}
			t := now()
			from, err := parseWhen(since, t)
			if err != nil {
				return usagef("report: --since: %v", err)
			}
			to := t
			if until != "" {
				if to, err = parseWhen(until, t); err != nil {
					return usagef("report: --until: %v", err)
				}
			}
			if !to.After(from) {
				return usagef("report: --until (%s) is not after --since (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
			}
			if e.json && asCSV {
				return usagef("report: --json and --csv: choose one")
			}
			r, err := e.buildReport(ctx, from, to, interactions, t)
			if err != nil {
				return err
			}
			switch {
			case e.json:
				return writeJSON(e.stdout, reportJSON(r))
			case asCSV:
				return writeReportCSV(e.stdout, r)
			}
			return writeReportText(e.stdout, r, e.stdoutIsTerminal())
		},
	}
}

// parseWhen reads a point in time: a duration ago ("24h", "90m", "7d") or a
// time ("2006-01-02", "2006-01-02T15:04", RFC 3339), in local time when it
// names no zone.
func parseWhen(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if d, ok := parseDays(v); ok {
		return now.Add(-d), nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("%q: a negative duration", v)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither a duration (24h, 7d) nor a time (2006-01-02, 2006-01-02T15:04, RFC 3339)", v)
}

// parseDays reads "7d".
func parseDays(v string) (time.Duration, bool) {
	n, ok := strings.CutSuffix(v, "d")
	if !ok {
		return 0, false
	}
	k, err := strconv.Atoi(n)
	if err != nil || k < 0 || k > 100000 {
		return 0, false
	}
	return time.Duration(k) * 24 * time.Hour, true
}

// report is the numbers and where they came from.
type report struct {
	insight.Report
	// Hourly are the pictures per interval over the period (the charts).
	Hourly insight.Series
	// Journal and Server say which sources answered; JournalRows how many
	// events the journal had for the period.
	Journal, Server bool
	JournalRows     int
}

// buildReport folds the journal's events and the server's listings of the
// period. Either may fail (an unreadable journal, no server configured): the
// report then uses the other and says so in one line on stderr; both
// failing is the error.
func (e *env) buildReport(ctx context.Context, from, to time.Time, only []string, now time.Time) (*report, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	r := &report{}
	fold := insight.NewFold()
	var keep map[string]bool
	if len(only) > 0 {
		keep = map[string]bool{}
		for _, id := range only {
			keep[id] = true
		}
	}

	// The journal: events from a day before the period (a picture
	// requested or arrived before it may be reviewed in it) to its end.
	jerr := func() error {
		j, err := journal.Open(journal.Path(config.StateDir(e.getenv)), journal.Options{
			Source: "report", Retention: cfg.Journal.Retention, Now: func() time.Time { return now }})
		if err != nil {
			return err
		}
		defer j.Close()
		r.JournalRows, err = j.Fold(ctx, journal.Filter{From: from.Add(-reportLookback), To: to, Interactions: only}, fold)
		return err
	}()
	r.Journal = jerr == nil

	// The server: what became of each picture, including those reviewed
	// while snapdash was not running.
	serr := func() error {
		if !cfg.Configured() || !cfg.HasCredentials() {
			return errors.New("no server configured")
		}
		s, err := e.newSession("report", cfg)
		if err != nil {
			return err
		}
		defer s.close(nil)
		return foldServer(ctx, s.client, fold, from.Add(-reportLookback), to, only)
	}()
	r.Server = serr == nil

	switch {
	case jerr != nil && serr != nil:
		return nil, fmt.Errorf("report: no data: %v; and the server: %v", jerr, serr)
	case jerr != nil:
		fmt.Fprintf(e.stderr, "snapdash: report: %s; using the server only\n", sanitize.Line(jerr.Error()))
	case serr != nil:
		fmt.Fprintf(e.stderr, "snapdash: report: server: %s; using the journal only\n", sanitize.Line(serr.Error()))
	}
	var keepFn func(string) bool
	if keep != nil {
		keepFn = func(id string) bool { return keep[id] }
	}
	pics, cams := fold.Pictures(), fold.Cameras()
	r.Report = insight.BuildReport(pics, cams, from, to, time.Local, keepFn)
	step, n := chartStep(to.Sub(from))
	var keepPic func(*insight.Picture) bool
	if keep != nil {
		keepPic = func(p *insight.Picture) bool { return keep[p.Interaction] }
	}
	r.Hourly = insight.Buckets(pics, to, step, n, keepPic)
	return r, nil
}

// foldServer lists the interactions of the period (and those named) and
// each one's snapshots into fold.
func foldServer(ctx context.Context, api *client.Client, fold *insight.Fold, from, to time.Time, only []string) error {
	ids := map[string]bool{}
	var order []string
	add := func(id string) {
		if id != "" && !ids[id] {
			ids[id] = true
			order = append(order, id)
		}
	}
	if len(only) > 0 {
		for _, id := range only {
			in, err := api.GetInteraction(ctx, id)
			if err != nil {
				return err
			}
			fold.Interaction(in)
			add(id)
		}
	} else {
		list, err := api.ListInteractions(ctx, from, to)
		if err != nil {
			return err
		}
		for _, in := range list {
			fold.Interaction(in)
			add(in.ID)
		}
		for _, id := range fold.Interactions() { // started before the lookback
			add(id)
		}
	}
	for _, id := range order {
		snaps, err := api.ListSnapshots(ctx, id)
		if err != nil {
			var ae *client.APIError
			if errors.As(err, &ae) && ae.Status == 404 {
				continue // gone from the server: the journal's word stands
			}
			return err
		}
		for _, s := range snaps {
			if s.InteractionID == "" {
				s.InteractionID = id
			}
			fold.Snapshot(s)
		}
	}
	return nil
}

// chartStep picks the charts' interval for a period: the finest of 5m to
// a day that gives at most 48 intervals (a day for longer periods, at most
// 96).
func chartStep(d time.Duration) (time.Duration, int) {
	steps := []time.Duration{5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour,
		3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if d <= 48*s {
			step = s
			break
		}
	}
	n := int((d + step - 1) / step)
	return step, max(1, min(n, 96))
}

// stepWord names an interval: "5m", "3h", "day".
func stepWord(s time.Duration) string {
	switch {
	case s >= 24*time.Hour:
		return "day"
	case s >= time.Hour:
		return strconv.Itoa(int(s/time.Hour)) + "h"
	}
	return strconv.Itoa(int(s/time.Minute)) + "m"
}

// dur writes a review time for a table: "-" when unknown.
func dur(d time.Duration, n int) string {
	if n == 0 {
		return "-"
	}
	return d.Round(time.Second).String()
}

func percent(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', 1, 64) + "%"
}

// writeReportText prints the tables, and on a terminal small charts.
func writeReportText(w io.Writer, r *report, terminal bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s → %s", r.Since.Local().Format("2006-01-02 15:04"), r.Until.Local().Format("2006-01-02 15:04"))
	switch {
	case r.Journal && r.Server:
		b.WriteString(" · journal and server\n")
	case r.Journal:
		b.WriteString(" · journal only\n")
	default:
		b.WriteString(" · server only (review times unknown)\n")
	}
	t := &r.Total
	fmt.Fprintf(&b, "%d arrived · %d approved · %d discarded · %d awaiting · discard rate %s · review p50 %s p90 %s",
		t.Arrived, t.Approved, t.Discarded, t.Awaiting, percent(t.DiscardRate()), dur(t.Review.Median, t.Review.N), dur(t.Review.P90, t.Review.N))
	if t.ReviewUnknown > 0 {
		fmt.Fprintf(&b, " (%d unknown)", t.ReviewUnknown)
	}
	fmt.Fprintf(&b, " · camera %d sent, %d refused\n", t.CameraSent, t.CameraRefused)
	if terminal && r.Hourly.Len() > 0 {
		b.WriteString("\n")
		fmt.Fprintf(&b, "%-16s %s\n", "arrived per "+stepWord(r.Hourly.Step), spark(r.Hourly.Arrived))
		fmt.Fprintf(&b, "%-16s %s\n", "reviewed", spark(r.Hourly.Reviewed))
		fmt.Fprintf(&b, "%-16s %s\n", "awaiting review", spark(r.Hourly.Backlog))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	peak := 0
	for _, gs := range [][]insight.Group{r.Days, r.Agents, r.Types} {
		for _, g := range gs {
			peak = max(peak, g.Arrived)
		}
	}
	for _, sec := range []struct {
		title  string
		groups []insight.Group
		camera bool
	}{{"DAY", r.Days, true}, {"AGENT", r.Agents, true}, {"TYPE", r.Types, false}} {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		head := []string{sec.title, "ARRIVED", "APPROVED", "DISCARDED", "AWAITING", "DISCARD", "REVIEW P50", "P90", "UNKNOWN"}
		if sec.camera {
			head = append(head, "CAMERA", "REFUSED")
		}
		if terminal {
			head = append(head, "SHARE")
		}
		tb := newTable(w, head...)
		if len(sec.groups) == 0 {
			tb.row("(none)")
		}
		for _, g := range sec.groups {
			row := []string{g.Key, strconv.Itoa(g.Arrived), strconv.Itoa(g.Approved), strconv.Itoa(g.Discarded),
				strconv.Itoa(g.Awaiting), percent(g.DiscardRate()), dur(g.Review.Median, g.Review.N), dur(g.Review.P90, g.Review.N),
				strconv.Itoa(g.ReviewUnknown)}
			if sec.camera {
				row = append(row, strconv.Itoa(g.CameraSent), strconv.Itoa(g.CameraRefused))
			}
			if terminal {
				row = append(row, bar(g.Arrived, peak, 20))
			}
			tb.row(row...)
		}
		if err := tb.flush(); err != nil {
			return err
		}
	}
	return nil
}

// spark draws counts as one line of block characters, scaled to the
// largest.
func spark(v []int) string {
	const blocks = " ▁▂▃▄▅▆▇█"
	rs := []rune(blocks)
	peak := 0
	for _, x := range v {
		peak = max(peak, x)
	}
	var b strings.Builder
	for _, x := range v {
		i := 0
		if peak > 0 && x > 0 {
			i = max(1, (x*(len(rs)-1)+peak-1)/peak)
		}
		b.WriteRune(rs[i])
	}
	return b.String() + "  max " + strconv.Itoa(peak)
}

// bar draws n of peak as a bar of at most width cells.
func bar(n, peak, width int) string {
	if peak == 0 || n == 0 {
		return ""
	}
	return strings.Repeat("█", max(1, n*width/peak))
}

// reportGroupJSON is one group as --json prints it: durations in seconds,
// null when unknown.
type reportGroupJSON struct {
	Key           string   `json:"key"`
	Arrived       int      `json:"arrived"`
	Approved      int      `json:"approved"`
	Discarded     int      `json:"discarded"`
	Awaiting      int      `json:"awaiting"`
	DiscardRate   float64  `json:"discardRate"`
	Reviewed      int      `json:"reviewTimesKnown"`
	ReviewUnknown int      `json:"reviewTimesUnknown"`
	MedianSeconds *float64 `json:"reviewMedianSeconds"`
	P90Seconds    *float64 `json:"reviewP90Seconds"`
	MaxSeconds    *float64 `json:"reviewMaxSeconds"`
	CameraSent    *int     `json:"cameraSent,omitempty"`
	CameraRefused *int     `json:"cameraRefused,omitempty"`
}

func groupJSON(g insight.Group, camera bool) reportGroupJSON {
	out := reportGroupJSON{Key: g.Key, Arrived: g.Arrived, Approved: g.Approved, Discarded: g.Discarded,
		Awaiting: g.Awaiting, DiscardRate: g.DiscardRate(), Reviewed: g.Review.N, ReviewUnknown: g.ReviewUnknown}
	if g.Review.N > 0 {
		sec := func(d time.Duration) *float64 { f := d.Seconds(); return &f }
		out.MedianSeconds, out.P90Seconds, out.MaxSeconds = sec(g.Review.Median), sec(g.Review.P90), sec(g.Review.Max)
	}
	if camera {
		out.CameraSent, out.CameraRefused = &g.CameraSent, &g.CameraRefused
	}
	return out
}

func reportJSON(r *report) any {
	conv := func(gs []insight.Group, camera bool) []reportGroupJSON {
		out := make([]reportGroupJSON, 0, len(gs))
		for _, g := range gs {
			out = append(out, groupJSON(g, camera))
		}
		return out
	}
	return struct {
		Since   time.Time         `json:"since"`
		Until   time.Time         `json:"until"`
		Journal bool              `json:"journal"`
		Server  bool              `json:"server"`
		Total   reportGroupJSON   `json:"total"`
		Days    []reportGroupJSON `json:"days"`
		Agents  []reportGroupJSON `json:"agents"`
		Types   []reportGroupJSON `json:"types"`
	}{r.Since, r.Until, r.Journal, r.Server, groupJSON(r.Total, true),
		conv(r.Days, true), conv(r.Agents, true), conv(r.Types, false)}
}

// writeReportCSV prints one table: a row per group, its kind first.
func writeReportCSV(w io.Writer, r *report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"group", "key", "arrived", "approved", "discarded", "awaiting", "discard_rate",
		"review_median_s", "review_p90_s", "review_max_s", "review_unknown", "camera_sent", "camera_refused"})
	secs := func(d time.Duration, n int) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	}
	row := func(kind string, g insight.Group, camera bool) {
		cs, cr := "", ""
		if camera {
			cs, cr = strconv.Itoa(g.CameraSent), strconv.Itoa(g.CameraRefused)
		}
		cw.Write([]string{kind, csvSafe(g.Key), strconv.Itoa(g.Arrived), strconv.Itoa(g.Approved), strconv.Itoa(g.Discarded),
			strconv.Itoa(g.Awaiting), strconv.FormatFloat(g.DiscardRate(), 'f', 4, 64),
			secs(g.Review.Median, g.Review.N), secs(g.Review.P90, g.Review.N), secs(g.Review.Max, g.Review.N),
			strconv.Itoa(g.ReviewUnknown), cs, cr})
	}
	row("total", r.Total, true)
	for _, g := range r.Days {
		row("day", g, true)
	}
	for _, g := range r.Agents {
		row("agent", g, true)
	}
	for _, g := range r.Types {
		row("type", g, false)
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a server string from being a spreadsheet formula and from
// carrying control characters.
func csvSafe(s string) string {
	s = sanitize.Line(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
