package tui

import (
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client"
)

func TestHeaderNamesMQTTWhenLiveOverIt(t *testing.T) {
	m := unitModel(t, Options{})
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Transport: client.TransportMQTT}})
	if h := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(h, "● live · mqtt") {
		t.Fatalf("header: %s", h)
	}
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Transport: client.TransportSSE}})
	if h := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(h, "● live") || strings.Contains(h, "·") {
		t.Fatalf("header over SSE: %s", h)
	}
}

func TestRelistReListsWithoutAResyncLine(t *testing.T) {
	m := unitModel(t, Options{})
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Transport: client.TransportMQTT}})
	e := m.store.byID["int-1"]
	if e == nil {
		t.Fatal("no interaction")
	}
	m.selected = "" // so that the re-list marks it for listing again
	e.listed = true
	_, cmd := m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Transport: client.TransportMQTT, Relist: true}})
	if cmd == nil || e.listed {
		t.Fatal("a relist did not re-list")
	}
	if v := strings.Join(m.events.View(), "\n"); strings.Contains(v, "resync") {
		t.Fatalf("a timed relist logged a resync:\n%s", v)
	}
}
