package journal

import (
	"context"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/insight"
)

// Fold reads the events of the filter's period into fold (in no
// particular order: a fold does not need one) and returns how
// many it read.
func (j *Journal) Fold(ctx context.Context, f Filter, fold *insight.Fold) (int, error) {
	n := 0
	err := j.events(ctx, f, false, func(ev client.Event) {
		n++
		fold.Event(ev)
	})
	return n, err
}
