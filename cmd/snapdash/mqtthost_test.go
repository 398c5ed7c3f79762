package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogNamesTheHostThatGetsTheToken: the log says once which host the
// MQTT transport would give the access token to, the API server's unless
// an MQTT URL was given, and never the token itself.
func TestLogNamesTheHostThatGetsTheToken(t *testing.T) {
	t.Parallel()
	srv := startSim(t, true)
	env := agentEnv(srv)
	server, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, host, origin string
		args               []string
	}{
		{"default", server.Host, "default", nil},
		{"given", "127.0.0.9:9001", "given", []string{"--mqtt-url", "ws://127.0.0.9:9001/ws"}},
	} {
		logFile := filepath.Join(t.TempDir(), "snapdash.log")
		c := newCLI(t, map[string]string{"SNAPDASH_SERVER": env["SNAPDASH_SERVER"], "SNAPDASH_TOKEN": env["SNAPDASH_TOKEN"], "SNAPDASH_LOG_FILE": logFile})
		c.ok(append([]string{"interactions"}, tc.args...)...)
		b, err := os.ReadFile(logFile)
		if err != nil {
			t.Fatal(err)
		}
		log := string(b)
		if n := strings.Count(log, "MQTT broker gets the access token"); n != 1 {
			t.Errorf("%s: the broker's host is logged %d times, want once:\n%s", tc.name, n, log)
		}
		if !strings.Contains(log, "broker_host="+tc.host) || !strings.Contains(log, tc.origin) {
			t.Errorf("%s: the log does not name %s (%s):\n%s", tc.name, tc.host, tc.origin, log)
		}
		if strings.Contains(log, env["SNAPDASH_TOKEN"]) {
			t.Errorf("%s: the log holds the token", tc.name)
		}
	}
}
