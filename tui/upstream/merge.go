package upstream

import "github.com/snapdash/snapdash/client"

// Next waits for the stream's next update and merges every update already
// waiting behind it (Merge), so that a burst becomes one update: a
// dashboard redraws once for it. ok is false when the stream is closed
// and nothing was waiting.
func Next(ch <-chan client.StreamUpdate) (u client.StreamUpdate, ok bool) {
	u, ok = <-ch
	if !ok {
		return u, false
	}
	for {
		select {
		case n, open := <-ch:
			if !open {
				return u, true
			}
			u = Merge(u, n)
		default:
			return u, true
		}
	}
}

// Merge is a then b as one update: the events of both in order, a resync
// or re-list if either asks, and b's state (the newer), with a's error
// when b has none.
func Merge(a, b client.StreamUpdate) client.StreamUpdate {
	b.Events = append(a.Events, b.Events...)
	b.Resync = a.Resync || b.Resync
	b.Relist = a.Relist || b.Relist
	if b.Err == nil {
		b.Err = a.Err
	}
	return b
}
