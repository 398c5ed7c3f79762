package tui

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/journal"
	camcorr "github.com/snapdash/snapdash/tui/camera"
	"github.com/snapdash/snapdash/tui/review"
)

func openJournal(t *testing.T) *journal.Journal {
	t.Helper()
	j, err := journal.Open(filepath.Join(t.TempDir(), journal.FileName), journal.Options{Source: "dashboard", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// TestJournalRecordsStream: the real dashboard on the real simulator's
// event stream records every replayed event in the journal.
func TestJournalRecordsStream(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	j := openJournal(t)
	opts := f.options()
	opts.NoStream, opts.Journal = false, NewJournal(j)
	st := f.api.Stream(context.Background(), client.StreamOptions{UserEndpointID: f.ep, Replay: true})
	var want int
	for want == 0 {
		select {
		case u := <-st.Updates():
			want += len(u.Events)
		case <-time.After(10 * time.Second):
			t.Fatal("the simulator replayed nothing")
		}
	}
	st.Close()
	start(t, opts, 120, 40)
	deadline := time.Now().Add(20 * time.Second)
	for {
		j.Flush()
		n, _, err := j.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n >= int64(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("journal holds %d events after 20s, want %d", n, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestJournalRecordsActions: every action's result, accepted or refused,
// is recorded with who acted.
func TestJournalRecordsActions(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true})
	j := openJournal(t)
	opts := f.options()
	opts.Journal = NewJournal(j)
	m := New(opts)
	defer m.Close()
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Approve, SnapshotID: "s1", Type: "meter"}})
	m.Update(review.DoneMsg{Op: review.Op{Kind: review.Discard, SnapshotID: "s2"}, Err: errors.New("400 state: snapshot is APPROVED")})
	m.Update(RequestDoneMsg{InteractionID: "i1", Result: client.SnapshotRequestResult{SnapshotID: "s3"}})
	m.Update(camcorr.SentMsg{Type: client.CameraFlashOn, RequestID: "c1"})
	m.Update(UploadDoneMsg{InteractionID: "i1", Err: errors.New("413 too large")})
	j.Flush()
	acts, err := j.Actions(context.Background(), journal.Filter{})
	if err != nil || len(acts) != 5 {
		t.Fatalf("%d actions, %v", len(acts), err)
	}
	want := []struct{ kind, snap, err string }{
		{journal.ActApprove, "s1", ""}, {journal.ActDiscard, "s2", "400 state: snapshot is APPROVED"},
		{journal.ActRequest, "s3", ""}, {journal.ActCamera, "c1", ""}, {journal.ActUpload, "", "413 too large"},
	}
	for i, w := range want {
		a := acts[i]
		if a.Kind != w.kind || a.Snapshot != w.snap || a.Err != w.err || a.User != f.id.UserID || a.Source != "dashboard" {
			t.Errorf("action %d: %+v, want %+v", i, a, w)
		}
	}
}

// TestJournalBehindIsSaidOnce: a real journal that dropped batches while
// another process held its lock is said once in the events pane, and the
// dashboard goes on.
func TestJournalBehindIsSaidOnce(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true})
	path := filepath.Join(t.TempDir(), journal.FileName)
	j, err := journal.Open(path, journal.Options{Source: "dashboard", Now: fixedNow, BusyTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO actions (at, source, kind) VALUES (0, 'other', 'x')`); err != nil {
		t.Fatal(err)
	}
	for i := 0; j.Dropped() == 0; i++ {
		if i > 100_000 {
			t.Fatal("the journal never dropped a batch behind a held lock")
		}
		j.Act(journal.Action{Kind: journal.ActApprove, Snapshot: "s"})
	}
	opts := f.options()
	opts.Journal = NewJournal(j)
	m := New(opts)
	defer m.Close()
	said := func() int {
		n := 0
		for i := 0; i < m.events.Len(); i++ {
			if strings.Contains(m.events.At(i).Text, "journal cannot keep up") {
				n++
			}
		}
		return n
	}
	m.Update(camcorr.SentMsg{Type: client.CameraFlashOn, RequestID: "c1"})
	m.Update(camcorr.SentMsg{Type: client.CameraFlashOn, RequestID: "c2"})
	if n := said(); n != 1 {
		t.Errorf("said %d times, want once", n)
	}
	tx.Rollback()
	j.Close()
}

// TestWatchChartsFromJournal: the watch screen charts what the journal
// kept from before this run.
func TestWatchChartsFromJournal(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true})
	j := openJournal(t)
	var evs []client.Event
	for i, id := range []string{"p1", "p2", "p3", "p4", "p5"} {
		at := fixedNow().Add(-2*time.Hour + time.Duration(i)*time.Minute)
		evs = append(evs, client.Event{ID: "a" + id, Type: client.EventSnapshotAcquired, InteractionID: "int-x", SnapshotID: id, Timestamp: at})
		if i < 3 {
			evs = append(evs, client.Event{ID: "v" + id, Type: client.EventSnapshotApproved, InteractionID: "int-x", SnapshotID: id,
				Timestamp: at.Add(time.Duration(i+1) * time.Minute)})
		}
	}
	j.Record(evs)
	j.Flush()
	opts := f.options()
	opts.Journal, opts.Watch = NewJournal(j), true
	tm, _ := start(t, opts, 200, 50)
	waitFor(t, tm, `arrived: 5 \(peak`)
	waitFor(t, tm, `awaiting review: 2 now`)
	waitFor(t, tm, `review p50 2m00s · p90 3m00s · max 3m00s \(3\)`)
}
