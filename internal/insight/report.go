package insight

import (
	"sort"
	"time"

	"github.com/snapdash/snapdash/client"
)

// Group is one line of a report: the pictures that arrived in the period
// (and the camera commands sent in it) that share a day, an agent or a type.
type Group struct {
	// Key is the day (2006-01-02), the agent's user id or the snapshot
	// type; "total" for the whole period.
	Key string
	// Arrived counts the pictures; Approved, Discarded and Awaiting what
	// became of them (Awaiting: still awaiting review now).
	Arrived, Approved, Discarded, Awaiting int
	// ReviewUnknown counts reviewed pictures whose review nobody saw (the
	// server says reviewed, snapdash was not running): their time to
	// review is unknown and not in Review.
	ReviewUnknown int
	// Review summarizes the known times to review.
	Review Durations
	// CameraSent counts the camera commands sent, CameraRefused those the
	// customer's device answered no to.
	CameraSent, CameraRefused int

	times []time.Duration
}

// DiscardRate is discarded / reviewed, 0 when nothing was reviewed.
func (g *Group) DiscardRate() float64 {
	if n := g.Approved + g.Discarded; n > 0 {
		return float64(g.Discarded) / float64(n)
	}
	return 0
}

func (g *Group) addPicture(p *Picture) {
	g.Arrived++
	switch p.State {
	case client.StateApproved:
		g.Approved++
	case client.StateDiscarded:
		g.Discarded++
	case client.StateUploaded:
		g.Awaiting++
	}
	if p.IsReviewed() {
		if d, ok := p.ReviewTime(); ok {
			g.times = append(g.times, d)
		} else {
			g.ReviewUnknown++
		}
	}
}

func (g *Group) addCamera(c *Camera) {
	g.CameraSent++
	if c.Refused() {
		g.CameraRefused++
	}
}

// Report is the period's numbers: the total, and per day, per agent and per
// type. Types has no camera commands (they have no snapshot type).
type Report struct {
	Since, Until time.Time
	Total        Group
	Days         []Group
	Agents       []Group
	Types        []Group
}

// BuildReport counts the pictures that arrived in [since, until) and the
// camera commands sent in it, days cut in loc. Keep, when not nil, selects
// interactions by id.
func BuildReport(pics []Picture, cams []Camera, since, until time.Time, loc *time.Location, keep func(interaction string) bool) Report {
	if loc == nil {
		loc = time.Local
	}
	r := Report{Since: since, Until: until, Total: Group{Key: "total"}}
	days, agents, types := map[string]*Group{}, map[string]*Group{}, map[string]*Group{}
	get := func(m map[string]*Group, k string) *Group {
		g := m[k]
		if g == nil {
			g = &Group{Key: k}
			m[k] = g
		}
		return g
	}
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(since) && t.Before(until) }
	for i := range pics {
		p := &pics[i]
		if !in(p.Arrived) || (keep != nil && !keep(p.Interaction)) {
			continue
		}
		typ := p.Type
		if typ == "" {
			typ = Unknown
		}
		r.Total.addPicture(p)
		get(days, p.Arrived.In(loc).Format(time.DateOnly)).addPicture(p)
		get(agents, p.Agent).addPicture(p)
		get(types, typ).addPicture(p)
	}
	for i := range cams {
		c := &cams[i]
		if !in(c.At) || (keep != nil && !keep(c.Interaction)) {
			continue
		}
		r.Total.addCamera(c)
		get(days, c.At.In(loc).Format(time.DateOnly)).addCamera(c)
		get(agents, c.Agent).addCamera(c)
	}
	r.Total.finish()
	r.Days, r.Agents, r.Types = groups(days), groups(agents), groups(types)
	return r
}

func (g *Group) finish() {
	g.Review = Summarize(g.times)
	g.times = nil
}

// groups returns the map's groups ordered by key, finished.
func groups(m map[string]*Group) []Group {
	out := make([]Group, 0, len(m))
	for _, g := range m {
		g.finish()
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
