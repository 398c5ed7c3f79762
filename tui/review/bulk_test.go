package review

import (
	"errors"
	"testing"
)

func TestBulkCountsEveryAnswerOnce(t *testing.T) {
	b := NewBulk(Approve)
	b.Sent("s1")
	b.Sent("s2")
	b.Refused()
	if b.Left() != 2 || b.Progress() != "approving 2 snapshots" {
		t.Fatalf("left %d, progress %q", b.Left(), b.Progress())
	}
	if b.Settle(Settled{Op: Op{Kind: Approve, SnapshotID: "s9"}}) {
		t.Fatal("an answer to an operation of no bulk review was counted")
	}
	if !b.Settle(Settled{Op: Op{Kind: Approve, SnapshotID: "s1"}}) {
		t.Fatal("s1's answer was not counted")
	}
	if b.Settle(Settled{Op: Op{Kind: Approve, SnapshotID: "s1"}}) {
		t.Fatal("s1's answer was counted twice")
	}
	if !b.Settle(Settled{Op: Op{Kind: Approve, SnapshotID: "s2"}, Err: errors.New("400")}) {
		t.Fatal("s2's refusal was not counted")
	}
	if text, failed := b.Totals(); b.Left() != 0 || !failed || text != "approved 1, refused 2 — see events" {
		t.Fatalf("totals %q %t, left %d", text, failed, b.Left())
	}
	ok := NewBulk(Discard)
	ok.Sent("s3")
	ok.Settle(Settled{Op: Op{Kind: Discard, SnapshotID: "s3"}})
	if text, failed := ok.Totals(); failed || text != "discarded 1" {
		t.Fatalf("totals %q %t", text, failed)
	}
	var none *Bulk
	if none.Settle(Settled{Op: Op{SnapshotID: "s1"}}) {
		t.Fatal("no bulk review counted an answer")
	}
}

func TestAskCountsWhatItWillDo(t *testing.T) {
	why := map[string]int{"already discarded": 2, "already approved": 1}
	skipped := SkippedText(why)
	if skipped != "1 is already approved, 2 are already discarded" {
		t.Fatalf("skipped %q", skipped)
	}
	q := Ask(Approve, 2, 5, skipped)
	if q.Name != "approve marked" || q.Title != "Approve 2 of 5 marked?" ||
		q.Text != "Approve 2 of 5 marked? (1 is already approved, 2 are already discarded)\nEach keeps its type." {
		t.Fatalf("%+v", q)
	}
	q = Ask(Discard, 1, 1, "")
	if q.Name != "discard marked" || q.Title != "Discard 1 marked snapshot?" ||
		q.Text != "Discard 1 marked snapshot?\nThe customer's pictures will be marked discarded." {
		t.Fatalf("%+v", q)
	}
	if q := Ask(Approve, 3, 3, ""); q.Title != "Approve 3 marked snapshots?" {
		t.Fatalf("%+v", q)
	}
	if s := NoneCan(Discard, 2, "2 are gone"); s != "none of the 2 marked can be discarded (2 are gone)" {
		t.Fatalf("%q", s)
	}
	for n, want := range map[int]string{0: "", 1: " · 1 skipped: someone else is reviewing it", 3: " · 3 skipped: others are reviewing them"} {
		if got := SkippedNote(n); got != want {
			t.Fatalf("SkippedNote(%d) = %q, want %q", n, got, want)
		}
	}
}
