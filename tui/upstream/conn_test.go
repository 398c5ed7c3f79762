package upstream

import (
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/header"
)

func TestConnSaysStateAndCountdown(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var c Conn
	if prev := c.Set(client.StreamUpdate{State: client.StateLive, Transport: client.TransportMQTT}); prev != header.Connecting {
		t.Fatalf("prev %v", prev)
	}
	if c.State != header.Live || c.Via != "mqtt" || c.Waiting() || c.Detail(now, time.UTC) != "" {
		t.Fatalf("live: %+v %q", c, c.Detail(now, time.UTC))
	}
	c.Set(client.StreamUpdate{State: client.StateReconnecting, Transport: client.TransportSSE, RetryAt: now.Add(4200 * time.Millisecond)})
	if c.State != header.Reconnecting || c.Via != "" || !c.Waiting() {
		t.Fatalf("reconnecting: %+v", c)
	}
	if d := c.Detail(now, time.UTC); d != "next try in 5s" {
		t.Fatalf("countdown %q", d)
	}
	if d := c.Detail(now.Add(time.Minute), time.UTC); d != "trying now" {
		t.Fatalf("due %q", d)
	}
	c.Set(client.StreamUpdate{State: client.StateOffline, Since: now.Add(-time.Hour), RetryAt: now.Add(65 * time.Second)})
	if d := c.Detail(now, time.UTC); d != "since 11:00:00 · next try in 1m05s" {
		t.Fatalf("offline %q", d)
	}
	c.Set(client.StreamUpdate{State: client.StateOffline})
	if d := c.Detail(now, time.UTC); d != "" {
		t.Fatalf("offline, nothing known: %q", d)
	}
	c.Set(client.StreamUpdate{State: client.StatePolling})
	if d := c.Detail(now, time.UTC); d != "no event stream; re-listing every 5s" || c.Waiting() {
		t.Fatalf("polling %q", d)
	}
	c.Note = "stream closed"
	if d := c.Detail(now, time.UTC); d != "stream closed" {
		t.Fatalf("note %q", d)
	}
}

func TestCountdownAndEvery(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Millisecond: "1s", 59 * time.Second: "59s", 60 * time.Second: "1m00s", 601*time.Second + 1: "10m02s",
	} {
		if got := Countdown(d); got != want {
			t.Errorf("Countdown(%v) = %q, want %q", d, got, want)
		}
	}
}
