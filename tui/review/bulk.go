package review

import (
	"sort"
	"strconv"
	"strings"
)

// A bulk review counts what it will do: the question names how many of
// the marked snapshots can still be reviewed and why the others cannot
// ("Approve 3 of 4 marked? (1 is already approved)"); each snapshot is
// its own operation; when the last answer is in, one line gives the
// totals ("approved 3, refused 1 — see events").

// Bulk is a bulk review waiting for its answers.
type Bulk struct {
	Kind Kind
	// Done and Failed count the operations the server accepted, and those
	// it refused or that could not be sent.
	Done, Failed int
	left         map[string]bool
}

// NewBulk starts counting a bulk review of kind k.
func NewBulk(k Kind) *Bulk { return &Bulk{Kind: k, left: map[string]bool{}} }

// Sent counts an operation on snapshot id as sent: its answer is awaited.
func (b *Bulk) Sent(id string) { b.left[id] = true }

// Refused counts an operation that could not be sent.
func (b *Bulk) Refused() { b.Failed++ }

// Left is how many answers are awaited.
func (b *Bulk) Left() int { return len(b.left) }

// Settle counts s when it answers one of b's operations, and reports
// whether it did.
func (b *Bulk) Settle(s Settled) bool {
	if b == nil || !b.left[s.Op.SnapshotID] {
		return false
	}
	delete(b.left, s.Op.SnapshotID)
	if s.Err != nil {
		b.Failed++
	} else {
		b.Done++
	}
	return true
}

// Progress is the status line while answers are awaited ("approving 3
// snapshots").
func (b *Bulk) Progress() string {
	return b.Kind.Progressive() + " " + strconv.Itoa(len(b.left)) + " snapshots"
}

// Totals is the status line once every answer is in ("approved 3", or
// "approved 3, refused 1 — see events"); failed says whether any was
// refused.
func (b *Bulk) Totals() (text string, failed bool) {
	text = b.Kind.Verb() + " " + strconv.Itoa(b.Done)
	if b.Failed > 0 {
		return text + ", refused " + strconv.Itoa(b.Failed) + " — see events", true
	}
	return text, false
}

// Question is what a bulk review asks before sending anything.
type Question struct {
	// Name is the dialog's ("approve marked"), Title its title and Text
	// the question.
	Name, Title, Text string
}

// Ask words the question before reviewing n of the marked snapshots;
// skipped says why the others are left out ("" when none is, see
// SkippedText).
func Ask(k Kind, n, marked int, skipped string) Question {
	verb := "Approve"
	if k == Discard {
		verb = "Discard"
	}
	what := strconv.Itoa(n) + " marked snapshots"
	if n == 1 {
		what = "1 marked snapshot"
	}
	if n < marked {
		what = strconv.Itoa(n) + " of " + strconv.Itoa(marked) + " marked"
	}
	q := verb + " " + what + "?"
	if skipped != "" {
		q += " (" + skipped + ")"
	}
	if k == Discard {
		q += "\nThe customer's pictures will be marked discarded."
	} else {
		q += "\nEach keeps its type."
	}
	return Question{Name: k.String() + " marked", Title: verb + " " + what + "?", Text: q}
}

// NoneCan is the status line when none of the marked snapshots can be
// reviewed: "none of the 2 marked can be approved (2 are already
// discarded)".
func NoneCan(k Kind, marked int, skipped string) string {
	return "none of the " + strconv.Itoa(marked) + " marked can be " + k.Verb() + " (" + skipped + ")"
}

// SkippedText says why marked snapshots are left out, given how many are
// left out for each reason: "1 is already approved, 2 are already
// discarded".
func SkippedText(why map[string]int) string {
	reasons := make([]string, 0, len(why))
	for w := range why {
		reasons = append(reasons, w)
	}
	sort.Strings(reasons)
	parts := make([]string, 0, len(reasons))
	for _, w := range reasons {
		n := why[w]
		verb := " are "
		if n == 1 {
			verb = " is "
		}
		parts = append(parts, strconv.Itoa(n)+verb+w)
	}
	return strings.Join(parts, ", ")
}

// SkippedNote says how many pictures a bulk mark or review left to the
// other reviewers of a team ("" for none).
func SkippedNote(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " · 1 skipped: someone else is reviewing it"
	}
	return " · " + strconv.Itoa(n) + " skipped: others are reviewing them"
}
