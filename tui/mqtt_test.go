package tui

import (
	"slices"
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
	api := &recordAPI{}
	m := unitModel(t, Options{API: api})
	m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Transport: client.TransportMQTT}})
	_, cmd := m.Update(StreamUpdateMsg{Update: client.StreamUpdate{State: client.StateLive, Transport: client.TransportMQTT, Relist: true}})
	runCmd(cmd)
	if !slices.Contains(api.calls, "snapshots int-1") {
		t.Fatalf("a relist did not re-list the selected interaction: %q", api.calls)
	}
	if v := strings.Join(m.events.Lines(), "\n"); strings.Contains(v, "resync") {
		t.Fatalf("a timed relist logged a resync:\n%s", v)
	}
}
