package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
)

// snapshotStates are the values --state takes: the API's review states.
// (A request whose picture has not arrived is not listed by the API.)
var snapshotStates = []string{"uploaded", "approved", "discarded"}

// stateList is --state: one or more snapshot states, comma-separated or
// repeated, checked as they are parsed.
type stateList []client.SnapshotState

// String implements flag.Value.
func (s *stateList) String() string {
	var out []string
	for _, st := range *s {
		out = append(out, strings.ToLower(string(st)))
	}
	return strings.Join(out, ",")
}

// Set implements flag.Value.
func (s *stateList) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		if !slices.Contains(snapshotStates, part) {
			return fmt.Errorf("%q is not one of %s", part, strings.Join(snapshotStates, ", "))
		}
		*s = append(*s, client.SnapshotState(strings.ToUpper(part)))
	}
	return nil
}

// has reports whether a snapshot's state is among s.
func (s stateList) has(st client.SnapshotState) bool { return slices.Contains(s, st) }

// limitFlag is --limit: a count from 1; 0 means no limit (not given).
type limitFlag int

// String implements flag.Value.
func (l *limitFlag) String() string {
	if *l == 0 {
		return ""
	}
	return fmt.Sprint(int(*l))
}

// Set implements flag.Value.
func (l *limitFlag) Set(v string) error {
	var n int
	if _, err := fmt.Sscanf(v, "%d", &n); err != nil || fmt.Sprint(n) != strings.TrimSpace(v) || n < 1 || n > maxCount {
		return fmt.Errorf("%q: want a whole number from 1 to %d", v, maxCount)
	}
	*l = limitFlag(n)
	return nil
}

// snapshotFilter is the filter flags of `list`.
type snapshotFilter struct {
	states stateList
	types  stringList
	limit  limitFlag
	since  days
}

func (f *snapshotFilter) register(fs *flag.FlagSet) {
	fs.Var(&f.states, "state", "only snapshots in this state: "+strings.Join(snapshotStates, ", ")+" (repeatable, or comma-separated)")
	fs.Var(&f.types, "type", "only snapshots of this type, e.g. meter (repeatable)")
	fs.Var(&f.limit, "limit", "at most the N newest snapshots")
	fs.Var(&f.since, "since", "only snapshots created in this period, e.g. 90m, 24h or 7d")
}

// apply keeps the snapshots that pass every filter given, in their order;
// with --limit, the newest ones.
func (f *snapshotFilter) apply(list []client.Snapshot, now time.Time) []client.Snapshot {
	var out []client.Snapshot
	for _, sn := range list {
		if len(f.states) > 0 && !f.states.has(sn.State) {
			continue
		}
		if len(f.types) > 0 && !slices.Contains(f.types, sn.Type) {
			continue
		}
		if f.since > 0 && sn.When().Before(now.Add(-time.Duration(f.since))) {
			continue
		}
		out = append(out, sn)
	}
	return newest(out, int(f.limit), func(sn client.Snapshot) time.Time { return sn.When() })
}

// newest keeps the n items with the latest times (all when n is 0), in
// their original order.
func newest[T any](items []T, n int, at func(T) time.Time) []T {
	if n <= 0 || len(items) <= n {
		return items
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return at(items[b]).Compare(at(items[a])) })
	keep := idx[:n]
	slices.Sort(keep)
	out := make([]T, 0, n)
	for _, i := range keep {
		out = append(out, items[i])
	}
	return out
}

// interactionFilter is the filter flags of `interactions` (--since is the
// command's own: it is what the server is asked for).
type interactionFilter struct {
	states stateList
	types  stringList
	limit  limitFlag
}

func (f *interactionFilter) register(fs *flag.FlagSet) {
	fs.Var(&f.states, "state", "only interactions with a snapshot in this state, e.g. uploaded: pictures awaiting review (repeatable)")
	fs.Var(&f.types, "type", "only interactions of this type: CALL or CONFERENCE (repeatable)")
	fs.Var(&f.limit, "limit", "at most the N newest interactions")
}

// apply keeps the interactions that pass every filter given. --state
// lists the snapshots of each interaction (a few at a time); one that
// cannot be listed is left out and said in the log.
func (f *interactionFilter) apply(ctx context.Context, s *session, list []client.Interaction) ([]client.Interaction, error) {
	var out []client.Interaction
	for _, in := range list {
		if len(f.types) > 0 && !slices.ContainsFunc(f.types, func(t string) bool { return strings.EqualFold(t, in.Type) }) {
			continue
		}
		out = append(out, in)
	}
	if len(f.states) > 0 {
		ids := make([]string, len(out))
		for i, in := range out {
			ids[i] = in.ID
		}
		snaps, errs := listSnapshotsOf(ctx, s, ids)
		var kept []client.Interaction
		for i, in := range out {
			if errs[i] != nil {
				return nil, fmt.Errorf("--state: the snapshots of %s: %w", in.ID, errs[i])
			}
			if slices.ContainsFunc(snaps[i], func(sn client.Snapshot) bool { return f.states.has(sn.State) }) {
				kept = append(kept, in)
			}
		}
		out = kept
	}
	return newest(out, int(f.limit), func(in client.Interaction) time.Time {
		if in.CreatedAt == nil {
			return time.Time{}
		}
		return *in.CreatedAt
	}), nil
}
