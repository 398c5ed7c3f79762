package tui

import (
	"context"
	"errors"
	"github.com/snapdash/snapdash/bench/testpic"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/preview"
)

// TestPrefetchRepaintsInOneFrame: once the neighbours are prefetched,
// moving down shows the next picture in the very next View, taken from the
// cache inside Update; no command has to run (the PreviewMsg path is
// skipped).
func TestPrefetchRepaintsInOneFrame(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.options()
	sofia(t, f, &o)
	var mu sync.Mutex
	downloads := map[string]int{}
	o.API = stubAPI{API: f.api, download: func(ctx context.Context, id string) (client.Image, error) {
		mu.Lock()
		downloads[id]++
		mu.Unlock()
		return f.api.Download(ctx, id)
	}}
	d := newDriver(t, o, 120, 40)
	d.until("the first picture", d.settled)
	first, _ := d.m.selectedRow()
	s := d.m.snaps
	s.Move(1)
	next, ok := s.Selected()
	if !ok || next.Snapshot.ID == first.Snapshot.ID {
		t.Fatal("Sofía's interaction needs two snapshots")
	}
	nextKey := frameKeyOf(d.m, next.Snapshot.ID)
	d.until("the next picture prefetched", func() bool {
		return d.m.preview.Cached(nextKey) && d.m.preview.Jobs() == 0
	})

	_, cmd := d.m.Update(keyMsg("j")) // the command is deliberately never run
	_ = cmd
	fr, key, have := d.m.preview.Frame()
	if d.m.preview.Wanted() != nextKey || !have || d.m.preview.Loading() || key != nextKey {
		t.Fatalf("after j: want %q have %t loading %t frame %q", d.m.preview.Wanted(), have, d.m.preview.Loading(), key)
	}
	view := d.m.View()
	if strings.Contains(view, "loading picture") {
		t.Fatalf("next View still loading:\n%s", view)
	}
	for _, l := range fr.Lines {
		if strings.TrimSpace(l) != "" && !strings.Contains(view, l) {
			t.Fatalf("next View lacks the picture line %q:\n%s", l, view)
		}
	}
	if !strings.Contains(view, "Preview · ascii · ") || !strings.Contains(view, next.Snapshot.ID[:8]) {
		t.Fatalf("next View does not describe the next snapshot:\n%s", view)
	}
	mu.Lock()
	defer mu.Unlock()
	for id, n := range downloads {
		if n != 1 {
			t.Errorf("snapshot %s downloaded %d times, want once", id, n)
		}
	}
}

// TestPreviewCancelledWhenSelectionMovesOn: the job of a picture still
// downloading is cancelled (its context ends) when the selection moves
// away from it and its neighbours; moving one row keeps it as a prefetch.
func TestPreviewCancelledWhenSelectionMovesOn(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.options()
	sofia(t, f, &o)
	started := make(chan string, 16)
	var mu sync.Mutex
	ended := map[string]error{}
	o.API = stubAPI{API: f.api, download: func(ctx context.Context, id string) (client.Image, error) {
		started <- id
		<-ctx.Done() // a download that never finishes by itself
		mu.Lock()
		ended[id] = ctx.Err()
		mu.Unlock()
		return client.Image{}, ctx.Err()
	}}
	d := newDriver(t, o, 120, 40)
	d.until("the first job", func() bool { return d.m.preview.Jobs() == 1 })
	first := <-started
	d.key("j")
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	if err, done := ended[first]; done {
		t.Fatalf("moving one row cancelled the previous picture's job (%v); it is a neighbour", err)
	}
	mu.Unlock()
	d.key("G", "j") // two rows from the first: far
	d.until("the first job cancelled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return errors.Is(ended[first], context.Canceled)
	})
	if d.m.preview.Loads(first) {
		t.Fatalf("the job of %s is still registered", first)
	}
	if strings.Contains(d.m.View(), "context canceled") {
		t.Fatal("a cancelled job's error reached the screen")
	}
}

// TestPreviewErrorPanes: a corrupt picture and a 400-megapixel one,
// uploaded through the real client to the simulator, show why in the pane
// instead of a picture, without allocating the pixels.
func TestPreviewErrorPanes(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want []string
	}{
		{"corrupt", append([]byte("\x89PNG\r\n\x1a\n"), []byte(strings.Repeat("garbage!", 64))...),
			[]string{"✗ unsupported or corrupt picture"}},
		{"too-many-pixels", testpic.PNGHeader(20000, 20000),
			[]string{"✗ picture has too many pixels", "400.0 MP", "50.0 MP", "too big to preview"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			o := f.options()
			sofia(t, f, &o)
			id := f.upload(t, o.Interactions[0], c.data)
			d := newDriver(t, o, 120, 40)
			d.until("the picture's error", d.settled)
			if r, _ := d.m.selectedRow(); r.Snapshot.ID != id {
				t.Fatalf("selected %s, want the upload %s", r.Snapshot.ID, id)
			}
			view := d.m.View()
			for _, w := range c.want {
				if !strings.Contains(view, w) {
					t.Errorf("pane lacks %q:\n%s", w, view)
				}
			}
			if !preview.Permanent(d.m.preview.Err()) || d.m.preview.Failed(id) == nil {
				t.Fatalf("error %v not remembered as permanent", d.m.preview.Err())
			}
			// Moving away and back shows the error at once, with no
			// download.
			d.key("j")
			d.until("the next picture", d.settled)
			d.key("k")
			if d.m.preview.Err() == nil || d.m.preview.Loading() {
				t.Fatal("coming back did not show the remembered error at once")
			}
		})
	}
}

// TestPrefetchFailureNotRetriedEveryMessage: a neighbour whose download
// fails for a passing reason is tried once per selection, not on every
// message (spinner ticks would make that a busy loop).
func TestPrefetchFailureNotRetriedEveryMessage(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.options()
	sofia(t, f, &o)
	var mu sync.Mutex
	calls := map[string]int{}
	var first string
	o.API = stubAPI{API: f.api, download: func(ctx context.Context, id string) (client.Image, error) {
		mu.Lock()
		defer mu.Unlock()
		calls[id]++
		if first == "" {
			first = id
		}
		if id != first {
			return client.Image{}, errors.New("connection reset")
		}
		return f.api.Download(ctx, id)
	}}
	d := newDriver(t, o, 120, 40)
	d.until("the picture and the failed prefetch", d.settled)
	for range 50 {
		d.send(struct{}{})
	}
	d.until("quiet", func() bool { return d.m.preview.Jobs() == 0 })
	mu.Lock()
	defer mu.Unlock()
	for id, n := range calls {
		if n != 1 {
			t.Errorf("%s downloaded %d times, want once", id, n)
		}
	}
	if len(calls) != 2 {
		t.Errorf("downloads %v, want the picture and one neighbour", calls)
	}
}
