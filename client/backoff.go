package client

import (
	"math/rand/v2"
	"time"
)

// jitteredBackoff is the delay after doublings doublings of base, capped at
// limit, drawn uniformly from [d/2, d] so that clients refused together do
// not come back together. Retries and stream reconnects share it.
func jitteredBackoff(base, limit time.Duration, doublings int) time.Duration {
	d := base
	for i := 0; i < doublings && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}
