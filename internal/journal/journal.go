// Package journal keeps every event snapdash sees and every action it takes
// in an embedded SQLite database ($XDG_STATE_HOME/snapdash/journal.db, mode
// 0600), so the supervisor's charts and `snapdash report` outlive the
// process and the server's replay window.
//
// The database is modernc.org/sqlite (pure Go: release builds stay
// CGO-free), in WAL mode with a busy timeout, so several snapdash processes
// of one user (a dashboard, `snapdash serve`, `snapdash events`) write the
// same journal at once; an event two of them saw is kept once. The schema
// carries a version (PRAGMA user_version) and is migrated forward on open;
// rows older than the retention (default 90 days) are deleted on open and
// hourly.
//
// Writes never block the caller: Record and Act queue, one goroutine per
// Journal writes in batches. A journal that fails (corrupt, locked past the
// busy timeout, disk full) reports the failure once (Options.OnError, Err)
// and turns itself off: the program goes on without it.
package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"modernc.org/sqlite"

	"github.com/snapdash/snapdash/client"
)

// FileName is the journal's file name in the state directory.
const FileName = "journal.db"

// DefaultRetention is how long rows are kept when Options.Retention is 0.
const DefaultRetention = 90 * 24 * time.Hour

// DefaultBusyTimeout is how long a write waits for another process holding
// the journal before it gives up.
const DefaultBusyTimeout = 5 * time.Second

// queueSize bounds the batches waiting to be written; beyond it new ones are
// dropped (and counted) rather than stall the dashboard.
const queueSize = 4096

// pruneEvery is how often a long-running process deletes expired rows.
const pruneEvery = time.Hour

// Path returns the journal's path in stateDir.
func Path(stateDir string) string { return filepath.Join(stateDir, FileName) }

// Options configure a Journal.
type Options struct {
	// Source names the writer in every row: "dashboard", "watch", "serve",
	// "events", or a headless command's name.
	Source string
	// Retention is how long rows are kept (default 90 days).
	Retention time.Duration
	// BusyTimeout is how long a write waits for another process (default
	// 5s).
	BusyTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OnError is called once, from the writer's goroutine, with the error
	// that turned the journal off.
	OnError func(error)
	// OnDrop is called once, the first time a batch is dropped because the
	// writer fell behind (a disk slower than the events), from the goroutine
	// that called Record or Act: it must not block. Dropped counts them all.
	OnDrop func()
}

// Action is one thing snapdash did on the server: a request, an approval,
// a discard, a camera command, an upload.
type Action struct {
	// At is when the server answered.
	At time.Time
	// Source is the process that acted (filled from Options.Source when
	// empty on Act).
	Source string
	// Kind is "request", "approve", "discard", "camera" or "upload".
	Kind string
	// Interaction and Snapshot name what it acted on ("" when not known);
	// Detail is the snapshot type or the camera command.
	Interaction, Snapshot, Detail string
	// User is who acted (the token's user id).
	User string
	// Err is the server's refusal, "" when it succeeded.
	Err string
}

// Action kinds.
const (
	ActRequest = "request"
	ActApprove = "approve"
	ActDiscard = "discard"
	ActCamera  = "camera"
	ActUpload  = "upload"
	// ActAcquire is a picture sent as the customer's device (`snapdash acquire`).
	ActAcquire = "acquire"
)

// Journal is an open journal. Its methods are safe for concurrent use.
type Journal struct {
	db   *sql.DB
	path string
	opts Options

	queue   chan batch
	done    chan struct{}
	closeMu sync.Mutex
	closed  bool

	mu        sync.Mutex
	err       error // what turned it off
	dropped   int64 // batches dropped on a full queue
	pending   int   // batches queued and not yet written
	idle      *sync.Cond
	lastPrune time.Time
}

// batch is one Record or Act call.
type batch struct {
	events []client.Event
	action *Action
	seen   time.Time
}

// Open opens (creating, mode 0600) and migrates the journal at path, and
// deletes the rows past retention. Its error says in one line what is wrong
// (corrupt, locked, not writable) and names the file.
func Open(path string, o Options) (*Journal, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = DefaultBusyTimeout
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, unwrapPath(err))
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	dsn := "file:" + path + fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_txlock=immediate",
		o.BusyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	// One connection: one writer per process, and the pragmas of the DSN
	// hold for every statement.
	db.SetMaxOpenConns(1)
	j := &Journal{db: db, path: path, opts: o, queue: make(chan batch, queueSize), done: make(chan struct{})}
	j.idle = sync.NewCond(&j.mu)
	ctx := context.Background()
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, j.describe(err)
	}
	if _, err := j.Prune(ctx); err != nil {
		db.Close()
		return nil, j.describe(err)
	}
	j.lastPrune = o.Now()
	go j.writer()
	return j, nil
}

// createPrivate creates path with mode 0600 when it does not exist, and
// makes an existing regular file others may read private.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return unwrapPath(err)
	}
	defer f.Close()
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return unwrapPath(err)
	}
	if !info.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if info.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("readable by others and cannot be made private: %w", unwrapPath(err))
		}
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// describe turns a database error into one line naming the file and what
// is wrong in words a user acts on.
func (j *Journal) describe(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
			return fmt.Errorf("journal %s is corrupt (%v); move it aside to start a new one", j.path, err)
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return fmt.Errorf("journal %s is locked by another program for more than %s", j.path, j.opts.BusyTimeout)
		case 8, 14: // SQLITE_READONLY, SQLITE_CANTOPEN
			return fmt.Errorf("journal %s cannot be written (%v)", j.path, err)
		case 13: // SQLITE_FULL
			return fmt.Errorf("journal %s: the disk is full", j.path)
		}
	}
	return fmt.Errorf("journal %s: %w", j.path, err)
}

// Path returns the journal's file.
func (j *Journal) Path() string { return j.path }

// Err returns the failure that turned the journal off, or nil.
func (j *Journal) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

// Dropped returns how many Record or Act calls were dropped because the
// writer fell behind.
func (j *Journal) Dropped() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.dropped
}

// Record queues events to be kept. Events already in the journal (seen by
// this or another process, or replayed) are kept once. It never blocks.
func (j *Journal) Record(evs []client.Event) {
	if len(evs) == 0 {
		return
	}
	j.enqueue(batch{events: append([]client.Event(nil), evs...), seen: j.opts.Now()})
}

// Act queues an action to be kept. It never blocks.
func (j *Journal) Act(a Action) {
	if a.Source == "" {
		a.Source = j.opts.Source
	}
	if a.At.IsZero() {
		a.At = j.opts.Now()
	}
	j.enqueue(batch{action: &a})
}

func (j *Journal) enqueue(b batch) {
	j.closeMu.Lock()
	defer j.closeMu.Unlock()
	if j.closed || j.Err() != nil {
		return
	}
	j.mu.Lock()
	j.pending++
	j.mu.Unlock()
	select {
	case j.queue <- b:
	default:
		j.mu.Lock()
		j.pending--
		j.dropped++
		first := j.dropped == 1
		j.mu.Unlock()
		if first && j.opts.OnDrop != nil {
			j.opts.OnDrop()
		}
	}
}

// Flush waits until everything queued before it is written (or dropped by a
// failure).
func (j *Journal) Flush() {
	j.mu.Lock()
	for j.pending > 0 {
		j.idle.Wait()
	}
	j.mu.Unlock()
}

// Close writes what is queued and closes the database.
func (j *Journal) Close() error {
	j.closeMu.Lock()
	if j.closed {
		j.closeMu.Unlock()
		return nil
	}
	j.closed = true
	close(j.queue)
	j.closeMu.Unlock()
	<-j.done
	return j.db.Close()
}

// writer writes queued batches, as many as are waiting in one transaction.
func (j *Journal) writer() {
	defer close(j.done)
	for b := range j.queue {
		bs := []batch{b}
	more:
		for len(bs) < 512 {
			select {
			case nb, ok := <-j.queue:
				if !ok {
					break more
				}
				bs = append(bs, nb)
			default:
				break more
			}
		}
		if j.Err() == nil {
			if err := j.write(bs); err != nil {
				j.fail(err)
			}
		}
		j.mu.Lock()
		j.pending -= len(bs)
		j.idle.Broadcast()
		j.mu.Unlock()
	}
}

// fail turns the journal off and says so once.
func (j *Journal) fail(err error) {
	err = j.describe(err)
	j.mu.Lock()
	first := j.err == nil
	if first {
		j.err = err
	}
	j.mu.Unlock()
	if first && j.opts.OnError != nil {
		j.opts.OnError(err)
	}
}

func (j *Journal) write(bs []batch) error {
	ctx := context.Background()
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	evStmt, err := tx.PrepareContext(ctx, insertEvent)
	if err != nil {
		return err
	}
	defer evStmt.Close()
	for _, b := range bs {
		for _, ev := range b.events {
			if _, err := evStmt.ExecContext(ctx, eventArgs(ev, b.seen, j.opts.Source)...); err != nil {
				return err
			}
		}
		if a := b.action; a != nil {
			if _, err := tx.ExecContext(ctx, insertAction, actionArgs(*a)...); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if now := j.opts.Now(); now.Sub(j.lastPrune) >= pruneEvery {
		j.lastPrune = now
		if _, err := j.Prune(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Prune deletes the rows older than the retention and returns how many.
func (j *Journal) Prune(ctx context.Context) (int64, error) {
	cut := j.opts.Now().Add(-j.opts.Retention).UnixMilli()
	var n int64
	for _, q := range []string{`DELETE FROM events WHERE at < ?`, `DELETE FROM actions WHERE at < ?`} {
		res, err := j.db.ExecContext(ctx, q, cut)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}
