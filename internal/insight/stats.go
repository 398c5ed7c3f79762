package insight

import (
	"math"
	"slices"
	"time"
)

// Series is pictures per interval over a window: Arrived[i] and Reviewed[i]
// count the pictures that arrived and were reviewed in the i-th interval
// [Start+i*Step, Start+(i+1)*Step); Backlog[i] is how many awaited review at
// the end of it.
type Series struct {
	Start    time.Time
	Step     time.Duration
	Arrived  []int
	Reviewed []int
	Backlog  []int
}

// Len returns the number of intervals.
func (s Series) Len() int { return len(s.Arrived) }

// Buckets counts pics over [end-n*step, end) in n intervals of step. Keep,
// when not nil, selects the pictures counted.
func Buckets(pics []Picture, end time.Time, step time.Duration, n int, keep func(*Picture) bool) Series {
	if n < 0 {
		n = 0
	}
	s := Series{Start: end.Add(-time.Duration(n) * step), Step: step,
		Arrived: make([]int, n), Reviewed: make([]int, n), Backlog: make([]int, n)}
	if n == 0 || step <= 0 {
		return s
	}
	idx := func(t time.Time) int {
		if t.IsZero() || t.Before(s.Start) || !t.Before(end) {
			return -1
		}
		return int(t.Sub(s.Start) / step)
	}
	// The backlog at the end of each interval: +1 from the interval after
	// arrival is counted (arrived by then), -1 from the interval its review
	// is counted (reviewed by then); a running sum gives each interval's.
	delta := make([]int, n+1)
	for i := range pics {
		p := &pics[i]
		if keep != nil && !keep(p) {
			continue
		}
		if i := idx(p.Arrived); i >= 0 {
			s.Arrived[i]++
		}
		if p.IsReviewed() {
			if i := idx(p.Reviewed); i >= 0 {
				s.Reviewed[i]++
			}
		}
		if p.Arrived.IsZero() || !p.Arrived.Before(end) {
			continue
		}
		from := 0
		if !p.Arrived.Before(s.Start) {
			from = idx(p.Arrived)
		}
		to := n // awaiting at the end of every interval from `from` on
		switch {
		case p.IsReviewed() && p.Reviewed.IsZero():
			// Reviewed at an unknown time: not counted as waiting.
			continue
		case p.IsReviewed():
			if p.Reviewed.Before(s.Start) {
				continue
			}
			if j := idx(p.Reviewed); j >= 0 {
				to = j
			}
		}
		if from < to {
			delta[from]++
			delta[to]--
		}
	}
	run := 0
	for i := 0; i < n; i++ {
		run += delta[i]
		s.Backlog[i] = run
	}
	return s
}

// Durations summarizes review times: how many, the median, the 90th
// percentile and the longest (nearest-rank percentiles: the smallest time at
// least that share of the pictures waited no longer than).
type Durations struct {
	N                int
	Median, P90, Max time.Duration
}

// Summarize computes Durations of ds (which it sorts).
func Summarize(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	return Durations{N: len(ds), Median: Quantile(ds, 0.5), P90: Quantile(ds, 0.9), Max: ds[len(ds)-1]}
}

// Quantile returns the nearest-rank q-quantile of sorted ds (0 < q <= 1):
// the element at rank ceil(q*n).
func Quantile(sorted []time.Duration, q float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// ceil(q*n), forgiving the float error of 0.9*10 = 9.000000000000002.
	r := int(math.Ceil(q*float64(n) - 1e-9))
	r = max(1, min(n, r))
	return sorted[r-1]
}

// ReviewTimes summarizes the review times of the pictures reviewed in
// [from, to) that keep selects (nil: all).
func ReviewTimes(pics []Picture, from, to time.Time, keep func(*Picture) bool) Durations {
	var ds []time.Duration
	for i := range pics {
		p := &pics[i]
		if keep != nil && !keep(p) {
			continue
		}
		if p.Reviewed.Before(from) || !p.Reviewed.Before(to) {
			continue
		}
		if d, ok := p.ReviewTime(); ok {
			ds = append(ds, d)
		}
	}
	return Summarize(ds)
}
