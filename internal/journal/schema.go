package journal

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/snapdash/snapdash/client"
)

// migrations bring the schema from version i to i+1 (PRAGMA user_version
// is the number applied). Append only: a released migration never changes.
var migrations = []string{
	// 1: the events snapdash saw, one row per event, kept once by key
	// (which holds the event's id, or what it is about and its time), and
	// stored in time order, so a period is read as one sequential range.
	`CREATE TABLE events (
		key            TEXT NOT NULL,
		at             INTEGER NOT NULL, -- the event's time, unix ms
		type           TEXT NOT NULL,
		seq            INTEGER NOT NULL DEFAULT 0,
		interaction    TEXT NOT NULL DEFAULT '',
		snapshot       TEXT NOT NULL DEFAULT '',
		snapshot_type  TEXT NOT NULL DEFAULT '',
		user_id        TEXT NOT NULL DEFAULT '',
		target_user    TEXT NOT NULL DEFAULT '',
		camera_request TEXT NOT NULL DEFAULT '',
		camera_type    TEXT NOT NULL DEFAULT '',
		succeeded      INTEGER,          -- NULL: not said
		info           TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (at, key)
	) WITHOUT ROWID;`,
	// 2: who saw an event first and when, and the actions snapdash took.
	`ALTER TABLE events ADD COLUMN seen INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT '';
	UPDATE events SET seen = at;
	CREATE INDEX events_interaction ON events(interaction, at);
	CREATE TABLE actions (
		id          INTEGER PRIMARY KEY,
		at          INTEGER NOT NULL,
		source      TEXT NOT NULL,
		kind        TEXT NOT NULL,
		interaction TEXT NOT NULL DEFAULT '',
		snapshot    TEXT NOT NULL DEFAULT '',
		detail      TEXT NOT NULL DEFAULT '',
		user_id     TEXT NOT NULL DEFAULT '',
		error       TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX actions_at ON actions(at);`,
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// versionError is a journal written by a newer snapdash.
type versionError struct{ have, want int }

func (e *versionError) Error() string {
	return fmt.Sprintf("schema version %d is newer than this snapdash knows (%d); upgrade snapdash or move the journal aside", e.have, e.want)
}

// migrate applies the missing migrations, each in its own transaction (the
// immediate lock keeps two processes from migrating at once; the second
// finds the work done).
func migrate(ctx context.Context, db *sql.DB) error {
	return migrateTo(ctx, db, len(migrations))
}

func migrateTo(ctx context.Context, db *sql.DB, target int) error {
	for {
		done, err := migrateOne(ctx, db, target)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next migration below target; done when none is
// left.
func migrateOne(ctx context.Context, db *sql.DB, target int) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return false, err
	}
	if v > len(migrations) {
		return false, &versionError{have: v, want: len(migrations)}
	}
	if v >= target {
		return true, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return false, fmt.Errorf("migration to schema %d: %w", v+1, err)
	}
	// PRAGMA takes no parameters; v+1 is our own integer.
	if _, err := tx.ExecContext(ctx, `PRAGMA user_version = `+strconv.Itoa(v+1)); err != nil {
		return false, err
	}
	return false, tx.Commit()
}

const insertEvent = `INSERT OR IGNORE INTO events
	(key, at, type, seq, interaction, snapshot, snapshot_type, user_id, target_user,
	 camera_request, camera_type, succeeded, info, seen, source)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const insertAction = `INSERT INTO actions
	(at, source, kind, interaction, snapshot, detail, user_id, error)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// eventKey identifies an event across processes and replays: the server's
// event id, else what the event is about and when.
func eventKey(ev client.Event) string {
	if ev.ID != "" {
		return "id:" + ev.ID
	}
	return "ev:" + ev.Type + "|" + ev.InteractionID + "|" + ev.SnapshotID + "|" + ev.SnapshotCameraRequestID +
		"|" + strconv.FormatInt(ev.Timestamp.UnixNano(), 10)
}

func eventArgs(ev client.Event, seen time.Time, source string) []any {
	at := ev.Timestamp
	if at.IsZero() {
		at = seen
	}
	var ok any
	if ev.Succeeded != nil {
		ok = *ev.Succeeded
	}
	return []any{eventKey(ev), at.UnixMilli(), ev.Type, int64(ev.Seq), ev.InteractionID, ev.SnapshotID, ev.SnapshotType,
		ev.UserID, ev.TargetUserID, ev.SnapshotCameraRequestID, string(ev.CameraRequestType), ok,
		ev.AdditionalInformation, seen.UnixMilli(), source}
}

func actionArgs(a Action) []any {
	return []any{a.At.UnixMilli(), a.Source, a.Kind, a.Interaction, a.Snapshot, a.Detail, a.User, a.Err}
}

// Filter narrows a read to a period and, optionally, some interactions.
type Filter struct {
	// From and To bound the rows' times: From <= at < To; a zero To is
	// no upper bound.
	From, To time.Time
	// Interactions, when not empty, keeps only these interactions' events
	// (and the camera events, which may name none).
	Interactions []string
}

func (f Filter) where() (string, []any) {
	q := ` WHERE at >= ?`
	args := []any{f.From.UnixMilli()}
	if !f.To.IsZero() {
		q += ` AND at < ?`
		args = append(args, f.To.UnixMilli())
	}
	return q, args
}

// Events returns the events in the filter's period, oldest first, calling
// fn for each (no slice of a hundred thousand rows is built unless fn
// does).
func (j *Journal) Events(ctx context.Context, f Filter, fn func(client.Event)) error {
	where, args := f.where()
	order := ` ORDER BY at, key`
	keep := map[string]bool{}
	for _, id := range f.Interactions {
		keep[id] = true
	}
	rows, err := j.db.QueryContext(ctx, `SELECT at, type, seq, interaction, snapshot, snapshot_type, user_id,
		target_user, camera_request, camera_type, succeeded, info FROM events`+where+order, args...)
	if err != nil {
		return j.describe(err)
	}
	defer rows.Close()
	var (
		at  int64
		seq int64
		ok  sql.NullBool
		cam string
	)
	for rows.Next() {
		var ev client.Event
		if err := rows.Scan(&at, &ev.Type, &seq, &ev.InteractionID, &ev.SnapshotID, &ev.SnapshotType, &ev.UserID,
			&ev.TargetUserID, &ev.SnapshotCameraRequestID, &cam, &ok, &ev.AdditionalInformation); err != nil {
			return j.describe(err)
		}
		if len(keep) > 0 && ev.InteractionID != "" && !keep[ev.InteractionID] {
			continue
		}
		ev.Timestamp = time.UnixMilli(at).UTC()
		ev.Seq = uint64(seq)
		ev.CameraRequestType = client.CameraRequestType(cam)
		if ok.Valid {
			ev.Succeeded = client.BoolPtr(ok.Bool)
		}
		fn(ev)
	}
	if err := rows.Err(); err != nil {
		return j.describe(err)
	}
	return nil
}

// Actions returns the actions in the filter's period, oldest first.
func (j *Journal) Actions(ctx context.Context, f Filter) ([]Action, error) {
	where, args := f.where()
	rows, err := j.db.QueryContext(ctx, `SELECT at, source, kind, interaction, snapshot, detail, user_id, error
		FROM actions`+where+` ORDER BY at, id`, args...)
	if err != nil {
		return nil, j.describe(err)
	}
	defer rows.Close()
	var out []Action
	keep := map[string]bool{}
	for _, id := range f.Interactions {
		keep[id] = true
	}
	for rows.Next() {
		var a Action
		var at int64
		if err := rows.Scan(&at, &a.Source, &a.Kind, &a.Interaction, &a.Snapshot, &a.Detail, &a.User, &a.Err); err != nil {
			return nil, j.describe(err)
		}
		if len(keep) > 0 && a.Interaction != "" && !keep[a.Interaction] {
			continue
		}
		a.At = time.UnixMilli(at).UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, j.describe(err)
	}
	return out, nil
}

// Count returns how many events and actions the journal holds.
func (j *Journal) Count(ctx context.Context) (events, actions int64, err error) {
	if err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&events); err != nil {
		return 0, 0, j.describe(err)
	}
	if err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM actions`).Scan(&actions); err != nil {
		return 0, 0, j.describe(err)
	}
	return events, actions, nil
}

// Sources counts the events by the process that recorded them first.
func (j *Journal) Sources(ctx context.Context) (map[string]int, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT source, count(*) FROM events GROUP BY source`)
	if err != nil {
		return nil, j.describe(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, j.describe(err)
		}
		out[s] = n
	}
	return out, rows.Err()
}
