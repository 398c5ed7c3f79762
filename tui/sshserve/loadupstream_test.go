package sshserve

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/tui"
	"github.com/snapdash/snapdash/tui/upstream"
)

// countingAPI is the real client with the requests it makes to the
// platform counted, for the load run's upstream figure.
type countingAPI struct {
	*client.Client
	n atomic.Int64
}

func (a *countingAPI) ListInteractions(ctx context.Context, start, end time.Time) ([]client.Interaction, error) {
	a.n.Add(1)
	return a.Client.ListInteractions(ctx, start, end)
}

func (a *countingAPI) GetInteraction(ctx context.Context, id string) (client.Interaction, error) {
	a.n.Add(1)
	return a.Client.GetInteraction(ctx, id)
}

func (a *countingAPI) ListSnapshots(ctx context.Context, id string) ([]client.Snapshot, error) {
	a.n.Add(1)
	return a.Client.ListSnapshots(ctx, id)
}

func (a *countingAPI) GetSnapshot(ctx context.Context, id string) (client.Snapshot, error) {
	a.n.Add(1)
	return a.Client.GetSnapshot(ctx, id)
}

func (a *countingAPI) Download(ctx context.Context, id string) (client.Image, error) {
	a.n.Add(2) // the signed URL and the picture
	return a.Client.Download(ctx, id)
}

func (a *countingAPI) Stream(ctx context.Context, o client.StreamOptions) *client.Stream {
	a.n.Add(1)
	return a.Client.Stream(ctx, o)
}

// loadSessions returns the load run's NewSession: every session on its
// own upstream (as before `serve` shared one), or all on one Shared
// (SNAPDASH_LOAD_UPSTREAM=shared, as `serve` does).
func (p *platform) loadSessions(t testing.TB, api *countingAPI, shared bool) func(SessionInfo) (tui.Options, error) {
	var sh *upstream.Shared
	if shared {
		sh = upstream.New(api, upstream.Options{})
		t.Cleanup(sh.Close)
	}
	return func(info SessionInfo) (tui.Options, error) {
		o, err := p.newSession(info)
		o.API = api
		if sh != nil {
			o.API = sh
			o.Events = func(ctx context.Context, so client.StreamOptions) upstream.EventStream {
				return sh.Events(ctx, so.UserEndpointID)
			}
		}
		return o, err
	}
}
