package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/config"
)

// TestOpenTeamRefusesPasswordsInClear: a team password over plain tcp:// or
// ws:// to another machine, or in the URL, is refused, and the error does
// not show it.
func TestOpenTeamRefusesPasswordsInClear(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		url, pass, want string
	}{
		{"tcp://reviews.example.com:1883", "s3cret", "in clear"},
		{"ws://reviews.example.com/mqtt", "s3cret", "in clear"},
		{"tcp://ada:s3cret@reviews.example.com:1883", "", "not in the URL"},
		{"http://reviews.example.com", "", "unknown scheme"},
	} {
		cfg := &config.Config{Team: config.Team{Broker: tc.url, Password: config.Secret(tc.pass)}}
		hub, err := openTeam(cfg, client.Identity{}, log, false)
		if err == nil {
			hub.Close()
			t.Errorf("%s: accepted", tc.url)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: %v", tc.url, err)
		}
	}
	// No broker: a local dashboard works alone; serve shares in memory.
	if hub, err := openTeam(&config.Config{}, client.Identity{}, log, false); hub != nil || err != nil {
		t.Errorf("no broker, local: %v %v", hub, err)
	}
	hub, err := openTeam(&config.Config{}, client.Identity{}, log, true)
	if err != nil || hub == nil || !hub.Online() {
		t.Fatalf("no broker, serve: %v %v", hub, err)
	}
	hub.Close()
}
