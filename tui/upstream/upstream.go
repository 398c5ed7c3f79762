// Package upstream is one upstream for many dashboards: `snapdash serve`
// gives every SSH session the same Shared, so 50 reviewers cost one event
// stream, one interactions listing (and its refresh) and one picture cache
// against the platform, not fifty. What is a session's own stays its own:
// each session's actions go out as they are asked for, one per key press,
// and each session's selection, filters, marks and role live in its own
// dashboard.
//
// Reads are shared: concurrent identical reads make one request
// (single flight), and an answer is reused for a short time (TTL); the
// events that change an interaction drop its cached listing at once.
// Events come from one stream, fanned out to every session, with the
// recent history replayed to a session that joins late.
//
// What a dashboard makes of its stream's updates, before its live room
// applies the events, is here too: Next merges a burst into one update,
// and Conn is the connection's state as the header shows it.
package upstream

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/snapdash/snapdash/client"
	"golang.org/x/sync/singleflight"
)

// API is what Shared reads and writes through; *client.Client satisfies
// it.
type API interface {
	ListInteractions(ctx context.Context, start, end time.Time) ([]client.Interaction, error)
	GetInteraction(ctx context.Context, id string) (client.Interaction, error)
	ListSnapshots(ctx context.Context, interactionID string) ([]client.Snapshot, error)
	GetSnapshot(ctx context.Context, id string) (client.Snapshot, error)
	Request(ctx context.Context, cmd client.SnapshotRequestCommand) (client.SnapshotRequestResult, error)
	Approve(ctx context.Context, cmd client.SnapshotApproveCommand) error
	Discard(ctx context.Context, cmd client.SnapshotDiscardCommand) error
	CameraRequest(ctx context.Context, cmd client.CameraRequestCommand) (string, error)
	Upload(ctx context.Context, cmd client.UploadCommand, image io.Reader) (client.SnapshotUploadResult, error)
	SignedURL(ctx context.Context, snapshotID string, internal bool) (client.SignedURL, error)
	Download(ctx context.Context, snapshotID string) (client.Image, error)
	Stream(ctx context.Context, opts client.StreamOptions) *client.Stream
}

// Options tune a Shared; zero values take the defaults.
type Options struct {
	// TTL is how long a read is reused (default 3 s).
	TTL time.Duration
	// PictureBytes bounds the shared cache of downloaded pictures
	// (default 128 MiB).
	PictureBytes int64
	// History is how many recent events a late session is replayed
	// (default 2000).
	History int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Shared is the upstream of every session of one server. Build it with
// New; it is safe for concurrent use.
type Shared struct {
	api  API
	opts Options
	ctx  context.Context
	stop context.CancelFunc

	flight singleflight.Group

	mu      sync.Mutex
	reads   map[string]cached // key -> a recent answer
	byInter map[string][]string
	pics    *pictureCache

	hub *hub
	// link ties events that name no interaction (the vendor's MQTT
	// events) to the interaction whose cached reads they invalidate.
	link *client.Linker

	// calls counts the reads that reached the API, for tests and the
	// load benchmark.
	calls map[string]int
	// keep is the oldest answer any read has accepted (TTL, or a
	// Background age); prunedAt is when reads last dropped older ones.
	keep     time.Duration
	prunedAt time.Time
	// changed holds, per interaction an event changed, a stamp of when
	// (the count of such events so far) and the time: a read that began
	// before it does not cache its answer, which may predate the event.
	changed map[string]change
	stamps  uint64
}

type change struct {
	stamp uint64
	at    time.Time
}

// readTimeout bounds one read of the platform.
const readTimeout = 60 * time.Second

// backgroundKey is the context key of Background's age.
type backgroundKey struct{}

// Background returns ctx for a background read: a shared answer up to age
// old, which no event has dropped since, is as good as a fresh one. The
// dashboards' listing sweeps (the first count, the stale interactions)
// read so: N sessions that list the same interactions within age cost the
// platform one listing, not N. A reviewer's own reads (the interaction
// they select, one an event named) keep the TTL. Outside serve (a
// *client.Client) it changes nothing.
func Background(ctx context.Context, age time.Duration) context.Context {
	return context.WithValue(ctx, backgroundKey{}, age)
}

type cached struct {
	at  time.Time
	val any
}

// New returns a Shared reading through api.
func New(api API, opts Options) *Shared {
	if opts.TTL <= 0 {
		opts.TTL = 3 * time.Second
	}
	if opts.PictureBytes <= 0 {
		opts.PictureBytes = 128 << 20
	}
	if opts.History <= 0 {
		opts.History = 2000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, stop := context.WithCancel(context.Background())
	s := &Shared{api: api, opts: opts, ctx: ctx, stop: stop, reads: map[string]cached{},
		byInter: map[string][]string{}, pics: newPictureCache(opts.PictureBytes), calls: map[string]int{}, changed: map[string]change{},
		link: client.NewOfflineLinker()}
	s.hub = newHub(s)
	return s
}

// Close ends the shared event stream; the sessions' streams end with it.
func (s *Shared) Close() { s.stop() }

// Calls returns how many reads of each kind reached the API.
func (s *Shared) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// read returns the answer of key: a recent one, or one fetched once for
// every caller asking at the same time. inter names the interaction the
// answer is about, so an event there drops it.
func read[T any](ctx context.Context, s *Shared, kind, key, inter string, fetch func(context.Context) (T, error)) (T, error) {
	full := kind + "|" + key
	ttl := s.opts.TTL
	if age, ok := ctx.Value(backgroundKey{}).(time.Duration); ok {
		ttl = max(ttl, age)
	}
	s.mu.Lock()
	s.keep = max(s.keep, ttl)
	if c, ok := s.reads[full]; ok && s.opts.Now().Sub(c.at) < ttl {
		s.mu.Unlock()
		return c.val.(T), nil
	}
	s.mu.Unlock()
	ch := s.flight.DoChan(full, func() (any, error) {
		s.mu.Lock()
		s.calls[kind]++
		began := s.changed[inter].stamp
		s.mu.Unlock()
		// Not the first caller's context: its session may end while the
		// others wait for the same answer.
		fctx, cancel := context.WithTimeout(s.ctx, readTimeout)
		defer cancel()
		v, err := fetch(fctx)
		if err == nil {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.prune()
			// (Stamps only grow; a change pruned is older than any read
			// still under way, so a missing one reads as 0 and passes.)
			if inter != "" && s.changed[inter].stamp > began {
				return v, nil // an event changed it meanwhile: for the callers waiting, not for later
			}
			_, had := s.reads[full]
			s.reads[full] = cached{at: s.opts.Now(), val: v}
			if inter != "" && !had { // (a key is listed while it is cached)
				s.byInter[inter] = append(s.byInter[inter], full)
			}
		}
		return v, err
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			var zero T
			return zero, r.Err
		}
		return r.Val.(T), nil
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// prune drops, at most once per keep, the answers no read would accept any
// more: without it a server that runs for months would keep every
// snapshot it was ever asked about. s.mu is held.
func (s *Shared) prune() {
	now := s.opts.Now()
	if now.Sub(s.prunedAt) < s.keep {
		return
	}
	s.prunedAt = now
	for k, c := range s.reads {
		if now.Sub(c.at) >= s.keep {
			delete(s.reads, k)
		}
	}
	// A read lasts at most readTimeout: a change older than that can no
	// longer be newer than a read's start.
	for id, c := range s.changed {
		if now.Sub(c.at) > readTimeout {
			delete(s.changed, id)
		}
	}
	for id, keys := range s.byInter {
		kept := keys[:0]
		for _, k := range keys {
			if _, ok := s.reads[k]; ok {
				kept = append(kept, k)
			}
		}
		if len(kept) == 0 {
			delete(s.byInter, id)
		} else {
			s.byInter[id] = kept
		}
	}
}

// forget drops what is cached about interaction id (an event changed it).
func (s *Shared) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.byInter[id] {
		delete(s.reads, k)
	}
	delete(s.byInter, id)
	// A read of it already under way began before the event: later
	// callers must not join it, nor may its answer be cached.
	s.stamps++
	s.changed[id] = change{stamp: s.stamps, at: s.opts.Now()}
	for _, kind := range []string{"snapshots", "interaction"} {
		s.flight.Forget(kind + "|" + id)
	}
}

// ListInteractions is the shared listing: sessions asking for the same
// window (to the minute) within the TTL share one request.
func (s *Shared) ListInteractions(ctx context.Context, start, end time.Time) ([]client.Interaction, error) {
	key := end.Sub(start).Round(time.Minute).String()
	return read(ctx, s, "interactions", key, "", func(c context.Context) ([]client.Interaction, error) {
		return s.api.ListInteractions(c, start, end)
	})
}

// GetInteraction is shared like ListInteractions.
func (s *Shared) GetInteraction(ctx context.Context, id string) (client.Interaction, error) {
	return read(ctx, s, "interaction", id, id, func(c context.Context) (client.Interaction, error) {
		return s.api.GetInteraction(c, id)
	})
}

// ListSnapshots is shared; an event about the interaction drops it.
func (s *Shared) ListSnapshots(ctx context.Context, interactionID string) ([]client.Snapshot, error) {
	return read(ctx, s, "snapshots", interactionID, interactionID, func(c context.Context) ([]client.Snapshot, error) {
		list, err := s.api.ListSnapshots(c, interactionID)
		s.link.LearnSnapshots(list...)
		return list, err
	})
}

// GetSnapshot is shared for the TTL, so a picture announced by an event
// is fetched once for every session.
func (s *Shared) GetSnapshot(ctx context.Context, id string) (client.Snapshot, error) {
	return read(ctx, s, "snapshot", id, "", func(c context.Context) (client.Snapshot, error) {
		sn, err := s.api.GetSnapshot(c, id)
		if err == nil {
			s.link.LearnSnapshots(sn)
		}
		return sn, err
	})
}

// Download is shared through a bounded cache of pictures: a picture
// several reviewers look at is downloaded once.
func (s *Shared) Download(ctx context.Context, id string) (client.Image, error) {
	if img, ok := s.pics.get(id); ok {
		return img, nil
	}
	img, err := read(ctx, s, "download", id, "", func(c context.Context) (client.Image, error) {
		return s.api.Download(c, id)
	})
	if err == nil {
		s.pics.put(id, img)
		s.mu.Lock()
		delete(s.reads, "download|"+id) // the picture cache holds it, bounded
		s.mu.Unlock()
	}
	return img, err
}

// The actions are each session's own: they go out as asked.

// Request asks a customer's device for a picture.
func (s *Shared) Request(ctx context.Context, cmd client.SnapshotRequestCommand) (client.SnapshotRequestResult, error) {
	return s.api.Request(ctx, cmd)
}

// Approve approves a snapshot.
func (s *Shared) Approve(ctx context.Context, cmd client.SnapshotApproveCommand) error {
	return s.api.Approve(ctx, cmd)
}

// Discard discards a snapshot.
func (s *Shared) Discard(ctx context.Context, cmd client.SnapshotDiscardCommand) error {
	return s.api.Discard(ctx, cmd)
}

// CameraRequest sends a camera command.
func (s *Shared) CameraRequest(ctx context.Context, cmd client.CameraRequestCommand) (string, error) {
	return s.api.CameraRequest(ctx, cmd)
}

// Upload uploads a picture.
func (s *Shared) Upload(ctx context.Context, cmd client.UploadCommand, image io.Reader) (client.SnapshotUploadResult, error) {
	return s.api.Upload(ctx, cmd, image)
}

// SignedURL asks for a signed URL of a picture (each time: it expires).
func (s *Shared) SignedURL(ctx context.Context, snapshotID string, internal bool) (client.SignedURL, error) {
	return s.api.SignedURL(ctx, snapshotID, internal)
}

// Stream opens an event stream of its own, as the API does; sessions use
// Events instead, which shares one.
func (s *Shared) Stream(ctx context.Context, opts client.StreamOptions) *client.Stream {
	return s.api.Stream(ctx, opts)
}
