package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// stepClock is a clock that moves step forward every time it is read.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// TestProgressBarLine: bytes, total, percentage, rate and time left.
func TestProgressBarLine(t *testing.T) {
	var out bytes.Buffer
	clock := &stepClock{t: time.Unix(0, 0), step: time.Second}
	b := &progressBar{w: &out, label: "upload", total: 4 << 20, now: clock.now}
	b.start = clock.now()
	b.update(1<<20, -1) // 1 s in: drawn
	b.update(2<<20, -1) // 2 s in: drawn
	b.done()
	got := out.String()
	for _, want := range []string{"\r\x1b[Kupload  [##########..........] 2.0 MiB / 4.0 MiB   50%  1.0 MiB/s  ETA 2s", "\r\x1b[K"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar %q lacks %q", got, want)
		}
	}
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("bar %q: the line is not cleared at the end", got)
	}

	// A transfer that ends within a moment draws nothing.
	out.Reset()
	clock.step = time.Millisecond
	quick := &progressBar{w: &out, label: "fetch", total: -1, now: clock.now}
	quick.start = clock.now()
	quick.update(100, 100)
	quick.done()
	if out.Len() != 0 {
		t.Errorf("quick transfer drew %q", out.String())
	}
}

// TestUploadProgressOnlyOnATerminal: the upload draws its bar on a stderr
// that is a terminal, nothing when stderr is piped.
func TestUploadProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, map[string]http.HandlerFunc{
		"GET /rtc-api/interactions/{id}": interactionRoute,
		"GET /rtc-api/snapshots":         jsonAnswer(`[{"id":"new-1","type":"other"}]`),
		"POST /rtc-api/snapshots/upload": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"snapshotId":"new-1"}`))
		},
		"GET /rtc-api/snapshots/{id}": jsonAnswer(`{"id":"new-1"}`),
	})
	pic := writeJPEG(t)
	vars := f.env()
	vars["HOME"] = t.TempDir()
	for _, tty := range []bool{true, false} {
		var stdout, stderr bytes.Buffer
		clock := &stepClock{t: time.Unix(0, 0), step: 300 * time.Millisecond}
		code := run(context.Background(), []string{"upload", pic, "--interaction", "in-1", "--target-user", "u", "--target-endpoint", "e", "--type", "other"}, &env{
			stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] },
			version: "test", stderrTTY: func() bool { return tty }, now: clock.now,
		})
		if code != 0 || stdout.String() != "new-1\n" {
			t.Fatalf("tty %t: exit %d, stdout %q, stderr %q", tty, code, stdout.String(), stderr.String())
		}
		drawn := strings.Contains(stderr.String(), "upload  [") && strings.Contains(stderr.String(), "/s")
		if drawn != tty || (!tty && stderr.Len() != 0) {
			t.Errorf("tty %t: stderr %q", tty, stderr.String())
		}
	}
}
