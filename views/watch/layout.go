package watch

import (
	"strings"

	"github.com/snapdash/snapdash/views/pane"
)

type colKind int

const (
	colLevel colKind = iota
	colOldest
	colPending
	colAwaiting
	colApproved
	colDiscarded
	colLast
	colCustomer
	colAgent
	colID
)

type column struct {
	kind  colKind
	title string
	width int
	right bool
}

// layout is the columns chosen for one width, computed in SetSize rather
// than every frame.
type layout struct{ cols []column }

// Width breakpoints of the layout.
const (
	// wideAt switches to full-word headers.
	wideAt = 150
	// agentMin is the text space from which the agent gets a column.
	agentMin = 44
	// idMin is the customer space from which the interaction id gets one.
	idMin = 32 + 1 + 20
	// customerMin is the narrowest customer column worth showing.
	customerMin = 8
)

// newLayout picks the columns for w cells: level, oldest waiting age and
// the counts in fixed places on the left, then customer, agent and
// interaction id sharing what is left. Narrow screens lose the reviewed
// counts, then last activity and pending, before the customer goes.
func newLayout(w int) layout {
	wide := w >= wideAt
	h := func(narrow, full string) string {
		if wide {
			return full
		}
		return narrow
	}
	fixed := []column{
		{colLevel, "LEVEL", 10, false},
		{colOldest, h("OLDEST", "OLDEST WAIT"), 0, true},
		{colPending, h("PEND", "PENDING"), 0, true},
		{colAwaiting, h("AWAIT", "AWAITING"), 0, true},
		{colApproved, h("APPR", "APPROVED"), 0, true},
		{colDiscarded, h("DISC", "DISCARDED"), 0, true},
		{colLast, h("LAST", "LAST ACTIVITY"), 0, true},
	}
	for i := range fixed {
		if fixed[i].width == 0 {
			// Ages are at most 6 cells ("99d23h"), counts 4 ("9999").
			fixed[i].width = max(len(fixed[i].title), 4)
			if k := fixed[i].kind; k == colOldest || k == colLast {
				fixed[i].width = max(len(fixed[i].title), 6)
			}
		}
	}
	used := func(cols []column) int {
		n := 2 // cursor marker
		for _, c := range cols {
			n += c.width + 1
		}
		return n
	}
	// Drop the least useful fixed columns until the customer fits.
	for _, drop := range []colKind{colDiscarded, colApproved, colLast, colPending} {
		if w-used(fixed) >= customerMin {
			break
		}
		fixed = remove(fixed, drop)
	}
	text := max(0, w-used(fixed))
	cust, agent, id := text, 0, 0
	if text >= agentMin {
		agent = min(24, max(14, text/3))
		cust = text - agent - 1
	}
	if cust >= idMin {
		id = min(36, cust-33)
		cust -= id + 1
	}
	cols := append(fixed, column{colCustomer, "CUSTOMER", cust, false})
	if agent > 0 {
		cols = append(cols, column{colAgent, "AGENT", agent, false})
	}
	if id > 0 {
		cols = append(cols, column{colID, "INTERACTION", id, false})
	}
	return layout{cols: cols}
}

func remove(cols []column, k colKind) []column {
	out := cols[:0:0]
	for _, c := range cols {
		if c.kind != k {
			out = append(out, c)
		}
	}
	return out
}

// header draws the column titles, aligned like the cells.
func (l layout) header(w int) string {
	var b strings.Builder
	b.WriteString("  ")
	for i, c := range l.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		if c.right {
			b.WriteString(right(c.title, c.width))
		} else {
			b.WriteString(pane.Fit(c.title, c.width))
		}
	}
	return pane.Fit(b.String(), w)
}
