package journal

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

func ev(id, typ, interaction, snap string, at time.Time) client.Event {
	return client.Event{ID: id, Type: typ, InteractionID: interaction, SnapshotID: snap, Timestamp: at}
}

func open(t *testing.T, path string, o Options) *Journal {
	t.Helper()
	if o.Now == nil {
		o.Now = clock(t0)
	}
	j, err := Open(path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func events(t *testing.T, j *Journal, f Filter) []client.Event {
	t.Helper()
	var out []client.Event
	if err := j.Events(context.Background(), f, func(e client.Event) { out = append(out, e) }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRoundTrip keeps every field of an event and of an action, keeps a
// replayed event once, and makes the file private.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", FileName)
	j := open(t, path, Options{Source: "dashboard"})
	in := client.Event{ID: "e1", Type: client.EventSnapshotCameraRequestProcessed, Seq: 7, InteractionID: "i1",
		SnapshotID: "s1", SnapshotType: "meter", UserID: "u", TargetUserID: "cust", SnapshotCameraRequestID: "c1",
		CameraRequestType: client.CameraFlashOn, Succeeded: client.BoolPtr(false), AdditionalInformation: "no flash",
		Timestamp: t0.Add(-time.Minute)}
	j.Record([]client.Event{in, in})
	j.Record([]client.Event{in}) // a replay
	j.Act(Action{Kind: ActApprove, Interaction: "i1", Snapshot: "s1", Detail: "meter", User: "u", Err: "400 state"})
	j.Flush()
	got := events(t, j, Filter{From: t0.Add(-time.Hour)})
	if len(got) != 1 {
		t.Fatalf("%d events, want 1 (kept once)", len(got))
	}
	checkFields(t, "event", eventFields(got[0]), eventFields(in))
	acts, err := j.Actions(context.Background(), Filter{From: t0.Add(-time.Hour)})
	if err != nil || len(acts) != 1 {
		t.Fatalf("actions %v, %v", acts, err)
	}
	checkFields(t, "action", actionFields(acts[0]), actionFields(Action{Kind: ActApprove, Source: "dashboard",
		Interaction: "i1", Snapshot: "s1", Detail: "meter", User: "u", Err: "400 state", At: t0}))
	if runtime.GOOS != "windows" {
		info, err := os.Stat(path)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("journal mode %v, %v; want 0600", info.Mode().Perm(), err)
		}
	}
	var mode string
	if err := j.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, %v", mode, err)
	}
}

// field is one field of a record, by name, as a comparable value.
type field struct {
	name  string
	value any
}

// eventFields are the fields of an event the journal keeps (its ID is the
// key it is kept once by, and Raw is not kept).
func eventFields(e client.Event) []field {
	var succeeded any = "unset"
	if e.Succeeded != nil {
		succeeded = *e.Succeeded
	}
	return []field{
		{"Type", e.Type}, {"Seq", e.Seq}, {"InteractionID", e.InteractionID}, {"SnapshotID", e.SnapshotID},
		{"SnapshotType", e.SnapshotType}, {"UserID", e.UserID}, {"TargetUserID", e.TargetUserID},
		{"SnapshotCameraRequestID", e.SnapshotCameraRequestID}, {"CameraRequestType", e.CameraRequestType},
		{"Succeeded", succeeded}, {"AdditionalInformation", e.AdditionalInformation},
		{"Timestamp", e.Timestamp.UnixNano()},
	}
}

// actionFields are the fields of an action.
func actionFields(a Action) []field {
	return []field{
		{"Kind", a.Kind}, {"Source", a.Source}, {"Interaction", a.Interaction}, {"Snapshot", a.Snapshot},
		{"Detail", a.Detail}, {"User", a.User}, {"Err", a.Err}, {"At", a.At.UnixNano()},
	}
}

// checkFields reports every field of a record that came back unlike the
// one written.
func checkFields(t *testing.T, what string, got, want []field) {
	t.Helper()
	for i, w := range want {
		if g := got[i]; g.value != w.value {
			t.Errorf("%s %s came back as %v, want %v", what, w.name, g.value, w.value)
		}
	}
}

// TestFilter reads a period and some interactions.
func TestFilter(t *testing.T) {
	j := open(t, filepath.Join(t.TempDir(), FileName), Options{})
	j.Record([]client.Event{
		ev("a", client.EventSnapshotAcquired, "i1", "s1", t0.Add(-3*time.Hour)),
		ev("b", client.EventSnapshotAcquired, "i2", "s2", t0.Add(-2*time.Hour)),
		ev("c", client.EventSnapshotAcquired, "i1", "s3", t0.Add(-time.Hour)),
		ev("d", client.EventSnapshotCameraRequested, "", "", t0.Add(-90*time.Minute)),
	})
	j.Flush()
	got := events(t, j, Filter{From: t0.Add(-150 * time.Minute), To: t0.Add(-time.Hour)})
	if len(got) != 2 || got[0].SnapshotID != "s2" || got[1].Type != client.EventSnapshotCameraRequested {
		t.Errorf("period: %+v", got)
	}
	got = events(t, j, Filter{From: t0.Add(-24 * time.Hour), Interactions: []string{"i1"}})
	if len(got) != 3 || got[0].SnapshotID != "s1" || got[2].SnapshotID != "s3" {
		t.Errorf("interaction i1 (and the camera event naming none): %+v", got)
	}
}

// TestRetention deletes rows older than the retention on open and keeps
// the rest.
func TestRetention(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	j := open(t, path, Options{})
	j.Record([]client.Event{
		ev("old", client.EventSnapshotAcquired, "i", "s1", t0.Add(-100*24*time.Hour)),
		ev("edge", client.EventSnapshotAcquired, "i", "s2", t0.Add(-89*24*time.Hour)),
		ev("new", client.EventSnapshotAcquired, "i", "s3", t0.Add(-time.Hour)),
	})
	j.Act(Action{Kind: ActDiscard, At: t0.Add(-95 * 24 * time.Hour)})
	j.Act(Action{Kind: ActDiscard, At: t0.Add(-time.Hour)})
	j.Flush()
	j.Close()

	// Reopened 90 days later by default rules: "old" and the old action go.
	j = open(t, path, Options{})
	n, a, err := j.Count(context.Background())
	if err != nil || n != 2 || a != 1 {
		t.Fatalf("after reopening: %d events, %d actions, %v; want 2, 1", n, a, err)
	}
	j.Close()
	// A shorter retention, a week later.
	j = open(t, path, Options{Retention: 30 * 24 * time.Hour, Now: clock(t0.Add(7 * 24 * time.Hour))})
	got := events(t, j, Filter{})
	if len(got) != 1 || got[0].SnapshotID != "s3" {
		t.Errorf("after a 30-day retention: %+v", got)
	}
	// A long-running writer prunes hourly.
	j.Close()
	now := atomic.Pointer[time.Time]{}
	start := t0
	now.Store(&start)
	j = open(t, path, Options{Retention: 24 * time.Hour, Now: func() time.Time { return *now.Load() }})
	later := t0.Add(26 * time.Hour) // s3 (t0-1h) is now 27 hours old
	now.Store(&later)
	j.Record([]client.Event{ev("x", client.EventSnapshotAcquired, "i", "s4", later)})
	j.Flush()
	got = events(t, j, Filter{})
	if len(got) != 1 || got[0].SnapshotID != "s4" {
		t.Errorf("after an hourly prune with a one-day retention: %+v", got)
	}
}

// TestMigrationFromVersion1 opens a journal written with the first schema
// (events only, no source, no actions) and finds its rows kept, the new
// columns filled and actions recordable.
func TestMigrationFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(context.Background(), db, 1); err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO events (key, at, type, interaction, snapshot) VALUES ('id:v1', ?, ?, 'i', 's')`,
		t0.Add(-time.Hour).UnixMilli(), client.EventSnapshotAcquired)
	if err != nil {
		t.Fatal(err)
	}
	var cols int
	db.QueryRow(`SELECT count(*) FROM pragma_table_info('events')`).Scan(&cols)
	db.Close()
	if cols != 13 {
		t.Fatalf("version 1 has %d columns, want 13", cols)
	}

	j := open(t, path, Options{Source: "watch"})
	var v int
	if err := j.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != SchemaVersion || SchemaVersion < 2 {
		t.Fatalf("user_version %d (%v), want %d", v, err, SchemaVersion)
	}
	var seen int64
	if err := j.db.QueryRow(`SELECT seen FROM events WHERE key = 'id:v1'`).Scan(&seen); err != nil || seen != t0.Add(-time.Hour).UnixMilli() {
		t.Errorf("the old row's seen = %d, %v", seen, err)
	}
	j.Act(Action{Kind: ActRequest, Interaction: "i"})
	j.Record([]client.Event{ev("v2", client.EventSnapshotApproved, "i", "s", t0)})
	j.Flush()
	if j.Err() != nil {
		t.Fatal(j.Err())
	}
	got := events(t, j, Filter{From: t0.Add(-2 * time.Hour), To: t0.Add(time.Second)})
	if len(got) != 2 || got[0].Type != client.EventSnapshotAcquired || got[1].Type != client.EventSnapshotApproved {
		t.Errorf("events after migrating: %+v", got)
	}
}

// TestNewerSchema refuses a journal written by a newer snapdash, saying so.
func TestNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	j := open(t, path, Options{})
	if _, err := j.db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	j.Close()
	_, err := Open(path, Options{Now: clock(t0)})
	if err == nil || !strings.Contains(err.Error(), "schema version 99 is newer") || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v", err)
	}
}

// TestCorrupt: a file that is not a database is refused at open in one
// line naming it; a journal corrupted while open turns itself off, says
// so once and never blocks the caller.
func TestCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte(strings.Repeat("this is not sqlite\n", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, Options{Now: clock(t0)})
	if err == nil || !strings.Contains(err.Error(), "is corrupt") || !strings.Contains(err.Error(), path) ||
		strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}

	// A real journal whose pages are overwritten while it is closed: the
	// damage is found at open or at the first write; either way it is said
	// once, in words, and the caller is never blocked.
	path2 := filepath.Join(dir, "j2.db")
	j := open(t, path2, Options{})
	var evs []client.Event
	for i := range 2000 {
		evs = append(evs, ev("e"+strconv.Itoa(i), client.EventSnapshotAcquired, "i", "s"+strconv.Itoa(i), t0))
	}
	j.Record(evs)
	j.Flush()
	j.Close()
	f, err := os.OpenFile(path2, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 4096/4))
	for off := int64(4096); off < 40*4096; off += 4096 {
		f.WriteAt(junk, off)
	}
	f.Close()
	var calls atomic.Int32
	var said atomic.Value
	j, err = Open(path2, Options{Now: clock(t0), OnError: func(err error) { calls.Add(1); said.Store(err.Error()) }})
	if err != nil {
		if !strings.Contains(err.Error(), "is corrupt") {
			t.Fatalf("open: %v", err)
		}
		return
	}
	defer j.Close()
	for i := range 50 {
		j.Record([]client.Event{ev(fmt.Sprintf("late%d", i), client.EventSnapshotAcquired, "i", "x"+strconv.Itoa(i), t0)})
		j.Flush()
		if j.Err() != nil {
			break
		}
	}
	if j.Err() == nil {
		t.Fatal("the journal went on writing into a corrupt file")
	}
	j.Record(evs) // turned off: returns at once, writes nothing
	j.Flush()
	if calls.Load() != 1 || !strings.Contains(said.Load().(string), "corrupt") {
		t.Errorf("OnError called %d times, last %v", calls.Load(), said.Load())
	}
}

// holdWriteLock holds the journal at path's write lock from another
// connection, as another process would, until release is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	other.SetMaxOpenConns(1)
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO actions (at, source, kind) VALUES (0, 'other', 'x')`); err != nil {
		t.Fatal(err)
	}
	return func() { tx.Rollback() }
}

// TestLocked: a journal another process holds locked past the busy timeout
// turns itself off with a "locked" message instead of waiting forever.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	j := open(t, path, Options{BusyTimeout: 100 * time.Millisecond})
	release := holdWriteLock(t, path)
	j.Record([]client.Event{ev("a", client.EventSnapshotAcquired, "i", "s", t0)})
	j.Flush()
	release()
	if err := j.Err(); err == nil || !strings.Contains(err.Error(), "locked by another program") {
		t.Errorf("Err = %v", err)
	}
}

// TestDropWhenBehind: while another process holds the write lock, the
// writer falls behind; batches past the queue are dropped and counted, the
// caller is never blocked, OnDrop is called once, and the journal goes on
// once the lock is gone.
func TestDropWhenBehind(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	var drops atomic.Int32
	j := open(t, path, Options{BusyTimeout: time.Minute, OnDrop: func() { drops.Add(1) }})
	release := holdWriteLock(t, path)
	// The writer takes at most 512 batches before it waits on the lock, so
	// the queue plus 1,000 more must overflow it.
	n := queueSize + 1000
	for i := range n {
		j.Act(Action{Kind: ActApprove, Snapshot: strconv.Itoa(i)})
	}
	if drops.Load() != 1 || j.Dropped() == 0 {
		t.Fatalf("OnDrop called %d times, %d dropped", drops.Load(), j.Dropped())
	}
	dropped := j.Dropped()
	release()
	j.Flush()
	if err := j.Err(); err != nil {
		t.Fatal(err)
	}
	acts, err := j.Actions(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(acts))+dropped != int64(n) || drops.Load() != 1 {
		t.Errorf("%d kept + %d dropped != %d; OnDrop called %d times", len(acts), dropped, n, drops.Load())
	}
}

// TestOpenLocked: a journal locked by another process at open is said
// in one line (the caller goes on without it).
func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE; CREATE TABLE x(y)`); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{Now: clock(t0), BusyTimeout: 100 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "locked by another program") {
		t.Errorf("err = %v", err)
	}
	conn.ExecContext(ctx, `ROLLBACK`)
}

// helperEnv makes the test binary a journal writer (TestMain).
const helperEnv = "SNAPDASH_JOURNAL_HELPER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(helperEnv); spec != "" {
		os.Exit(writer(spec))
	}
	os.Exit(m.Run())
}

// writer is one process of TestTwoProcesses: it records its own events and
// actions, one batch at a time so the two interleave, and events both
// processes see.
func writer(spec string) int {
	parts := strings.Split(spec, ",")
	path, name := parts[0], parts[1]
	n, _ := strconv.Atoi(parts[2])
	var failed atomic.Value
	j, err := Open(path, Options{Source: name, OnError: func(err error) { failed.Store(err) }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := range n {
		j.Record([]client.Event{
			ev(name+strconv.Itoa(i), client.EventSnapshotAcquired, "i-"+name, "s"+strconv.Itoa(i), t0),
			ev("shared"+strconv.Itoa(i), client.EventSnapshotApproved, "shared", "x"+strconv.Itoa(i), t0),
		})
		j.Act(Action{Kind: ActApprove, Interaction: "i-" + name, Snapshot: strconv.Itoa(i)})
		j.Flush() // a transaction per batch: the processes take turns
	}
	if err := j.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := failed.Load(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestTwoProcesses runs two real processes writing one journal at once
// (this test binary, re-executed) while this one reads it: every row of
// each is there, the events both saw are kept once, and nobody failed.
func TestTwoProcesses(t *testing.T) {
	const n = 300
	path := filepath.Join(t.TempDir(), FileName)
	reader := open(t, path, Options{})
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for _, name := range []string{"dashboard", "serve"} {
		c := exec.Command(os.Args[0], "-test.run=^$")
		c.Env = append(os.Environ(), helperEnv+"="+path+","+name+","+strconv.Itoa(n))
		out := &strings.Builder{}
		c.Stdout, c.Stderr = out, out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
		outs = append(outs, out)
	}
	// Read while they write: a reader never blocks a writer in WAL mode.
	reads := 0
	for reads < 3 {
		if _, _, err := reader.Count(context.Background()); err != nil {
			t.Fatalf("read while writing: %v", err)
		}
		reads++
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("writer %d: %v: %s", i, err, outs[i].String())
		}
	}
	ctx := context.Background()
	evs, acts, err := reader.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if evs != 3*n || acts != 2*n {
		t.Errorf("%d events and %d actions, want %d and %d", evs, acts, 3*n, 2*n)
	}
	all, err := reader.Actions(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, a := range all {
		by[a.Source]++
	}
	if by["dashboard"] != n || by["serve"] != n {
		t.Errorf("actions by source %v", by)
	}
}
