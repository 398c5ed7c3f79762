package client

import (
	"testing"
	"time"
)

func TestJitteredBackoffDoublesCapsAndJitters(t *testing.T) {
	for _, tc := range []struct {
		base, limit time.Duration
		doublings   int
		want        time.Duration // the full delay d; results are in [d/2, d]
	}{
		{100 * time.Millisecond, time.Second, 0, 100 * time.Millisecond},
		{100 * time.Millisecond, time.Second, 3, 800 * time.Millisecond},
		{100 * time.Millisecond, time.Second, 4, time.Second},
		{100 * time.Millisecond, time.Second, 1000, time.Second}, // no overflow
		{0, time.Second, 5, 0},
	} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := jitteredBackoff(tc.base, tc.limit, tc.doublings)
			if d < tc.want/2 || d > tc.want {
				t.Fatalf("jitteredBackoff(%s, %s, %d) = %s, want in [%s, %s]", tc.base, tc.limit, tc.doublings, d, tc.want/2, tc.want)
			}
			seen[d] = true
		}
		if tc.want > 0 && len(seen) < 10 {
			t.Errorf("jitteredBackoff(%s, %s, %d): only %d distinct delays in 200: no jitter", tc.base, tc.limit, tc.doublings, len(seen))
		}
	}
}
