package journal

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/insight"
)

// BenchmarkReport100k reads 100,000 journal rows (25,000 pictures:
// requested, arrived, reviewed, plus camera commands) and builds the
// report: what `snapdash report` does before printing. The target is
// under a second per op.
func BenchmarkReport100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), FileName)
	j, err := Open(path, Options{Now: clock(t0)})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	const pics = 25000
	var evs []client.Event
	for i := range pics {
		id := strconv.Itoa(i)
		at := t0.Add(-time.Duration(i) * 3 * time.Second)
		iid := "i" + strconv.Itoa(i%400)
		agent := "agent-" + strconv.Itoa(i%12)
		typ := [...]string{"meter", "document", "id-card", "car"}[i%4]
		review := client.EventSnapshotApproved
		if i%5 == 0 {
			review = client.EventSnapshotDiscarded
		}
		evs = append(evs,
			client.Event{ID: "r" + id, Type: client.EventSnapshotRequested, InteractionID: iid, SnapshotID: id, UserID: agent, SnapshotType: typ, Timestamp: at},
			client.Event{ID: "a" + id, Type: client.EventSnapshotAcquired, InteractionID: iid, SnapshotID: id, SnapshotType: typ, Timestamp: at.Add(2 * time.Second)},
			client.Event{ID: "v" + id, Type: review, InteractionID: iid, SnapshotID: id, SnapshotType: typ, Timestamp: at.Add(time.Duration(i%600) * time.Second)},
			client.Event{ID: "c" + id, Type: client.EventSnapshotCameraRequested, InteractionID: iid, SnapshotCameraRequestID: "c" + id, UserID: agent, Timestamp: at},
		)
	}
	for i := 0; i < len(evs); i += 5000 {
		j.Record(evs[i:min(len(evs), i+5000)])
	}
	j.Flush()
	if n, _, err := j.Count(context.Background()); err != nil || n != 4*pics {
		b.Fatalf("%d rows, %v", n, err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		fold := insight.NewFold()
		n, err := j.Fold(ctx, Filter{From: t0.Add(-48 * time.Hour), To: t0.Add(time.Hour)}, fold)
		if err != nil || n != 4*pics {
			b.Fatalf("%d rows, %v", n, err)
		}
		r := insight.BuildReport(fold.Pictures(), fold.Cameras(), t0.Add(-48*time.Hour), t0.Add(time.Hour), time.UTC, nil)
		if r.Total.Arrived != pics || r.Total.CameraSent != pics {
			b.Fatalf("report %+v", r.Total)
		}
	}
}
