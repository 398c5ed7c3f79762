package upstream

import (
	"errors"
	"testing"

	"github.com/snapdash/snapdash/client"
)

func TestNextMergesWhatIsWaiting(t *testing.T) {
	ch := make(chan client.StreamUpdate, 4)
	lost := errors.New("lost")
	ch <- client.StreamUpdate{Events: []client.Event{{Seq: 1}}, State: client.StateReconnecting, Err: lost}
	ch <- client.StreamUpdate{Events: []client.Event{{Seq: 2}}, State: client.StateLive, Resync: true}
	ch <- client.StreamUpdate{Events: []client.Event{{Seq: 3}}, State: client.StateLive, Relist: true}
	u, ok := Next(ch)
	if !ok || len(u.Events) != 3 || u.Events[0].Seq != 1 || u.Events[2].Seq != 3 {
		t.Fatalf("ok %v events %+v", ok, u.Events)
	}
	if u.State != client.StateLive || !u.Resync || !u.Relist || !errors.Is(u.Err, lost) {
		t.Fatalf("merged %+v", u)
	}

	// What is waiting when the stream closes is still delivered, then
	// the close.
	ch <- client.StreamUpdate{Events: []client.Event{{Seq: 4}}}
	ch <- client.StreamUpdate{Events: []client.Event{{Seq: 5}}, Err: errors.New("newer")}
	close(ch)
	u, ok = Next(ch)
	if !ok || len(u.Events) != 2 || u.Err == nil || u.Err.Error() != "newer" {
		t.Fatalf("before the close: ok %v %+v", ok, u)
	}
	if _, ok := Next(ch); ok {
		t.Fatal("a closed stream gave an update")
	}
}
