package journal

import (
	"context"
	"database/sql"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/insight"
)

// Fold reads the events of the filter's period into fold and returns how
// many it read. It reads only the columns a fold uses, in no particular
// order (a fold needs none), as one range of the time-ordered table: the
// report's hundred thousand rows cost one scan.
func (j *Journal) Fold(ctx context.Context, f Filter, fold *insight.Fold) (int, error) {
	where, args := f.where()
	keep := map[string]bool{}
	for _, id := range f.Interactions {
		keep[id] = true
	}
	rows, err := j.db.QueryContext(ctx, `SELECT at, type, interaction, snapshot, snapshot_type, user_id,
		camera_request, camera_type, succeeded FROM events`+where, args...)
	if err != nil {
		return 0, j.describe(err)
	}
	defer rows.Close()
	var (
		n   int
		at  int64
		ok  sql.NullBool
		cam string
		ev  client.Event
	)
	for rows.Next() {
		ev = client.Event{}
		if err := rows.Scan(&at, &ev.Type, &ev.InteractionID, &ev.SnapshotID, &ev.SnapshotType, &ev.UserID,
			&ev.SnapshotCameraRequestID, &cam, &ok); err != nil {
			return n, j.describe(err)
		}
		if len(keep) > 0 && ev.InteractionID != "" && !keep[ev.InteractionID] {
			continue
		}
		n++
		ev.Timestamp = time.UnixMilli(at).UTC()
		ev.CameraRequestType = client.CameraRequestType(cam)
		if ok.Valid {
			ev.Succeeded = client.BoolPtr(ok.Bool)
		}
		fold.Event(ev)
	}
	if err := rows.Err(); err != nil {
		return n, j.describe(err)
	}
	return n, nil
}
