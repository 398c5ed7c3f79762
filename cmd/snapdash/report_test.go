package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/journal"
)

// simClock is a settable clock shared by the simulator and the command.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// history is a scripted day on the simulator: pictures requested, arrived
// and reviewed at known times, camera commands answered yes and no, the
// journal recording the event stream until snapdash "stops" before the
// last approval.
type history struct {
	srv      *sim.Server
	clk      *simClock
	t0       time.Time
	state    string // XDG_STATE_HOME
	token    string
	interact string
}

func reportPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func scriptHistory(t *testing.T) *history {
	t.Helper()
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	clk := &simClock{t: t0.Add(-10 * 24 * time.Hour)} // demo data: long before
	srv, err := sim.New(sim.Options{Seed: 3, Demo: true, Now: clk.now, PictureWidth: 64})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	clk.set(t0)
	h := &history{srv: srv, clk: clk, t0: t0, state: t.TempDir(), token: srv.IssueToken(sim.RoleAgent, 100*24*time.Hour)}
	h.interact = srv.AddInteraction(client.Interaction{ID: "int-report", Type: "CALL",
		Data: json.RawMessage(`{"customerName":"Report Customer","agentUserId":"` + sim.AgentUserID + `"}`)})
	ctx := context.Background()
	c, err := client.New(client.Config{Server: srv.URL(), Token: h.token})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := c.OpenEndpoint(ctx, "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	dev := srv.Devices()[0]
	pic := reportPNG(t)
	at := func(d time.Duration) { clk.set(t0.Add(d)) }
	request := func(d time.Duration, typ string) string {
		at(d)
		res, err := c.Request(ctx, client.SnapshotRequestCommand{ApplicationID: "app", UserEndpointID: ep.ID(),
			TargetUserID: dev.UserID, TargetUserEndpointID: dev.UserEndpointID, InteractionID: h.interact, SnapshotType: typ})
		if err != nil {
			t.Fatal(err)
		}
		return res.SnapshotID
	}
	acquire := func(d time.Duration, id, typ string) {
		at(d)
		if err := c.Acquire(ctx, client.AcquireCommand{SnapshotID: id, UserEndpointID: dev.UserEndpointID, SnapshotType: typ},
			bytes.NewReader(pic)); err != nil {
			t.Fatal(err)
		}
	}
	approve := func(d time.Duration, id string) {
		at(d)
		if err := c.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: id, UserEndpointID: ep.ID()}); err != nil {
			t.Fatal(err)
		}
	}
	camera := func(d time.Duration, typ client.CameraRequestType, ok bool) {
		at(d)
		id, err := c.CameraRequest(ctx, client.CameraRequestCommand{UserEndpointID: ep.ID(), TargetUserID: dev.UserID,
			TargetUserEndpointID: dev.UserEndpointID, CameraRequestType: typ})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.CameraRequestRespond(ctx, client.CameraRequestRespondCommand{SnapshotCameraRequestID: id,
			UserEndpointID: dev.UserEndpointID, Succeeded: client.BoolPtr(ok), AdditionalInformation: "scripted"}); err != nil {
			t.Fatal(err)
		}
	}
	m := time.Minute
	s1 := request(0, "meter")
	s2 := request(0, "document")
	acquire(1*m, s1, "meter")
	acquire(2*m, s2, "document")
	approve(3*m, s1) // 2m to review
	s3 := request(5*m, "meter")
	acquire(6*m, s3, "meter")
	s4 := request(7*m, "meter")
	acquire(8*m, s4, "meter") // still awaiting
	request(9*m, "id-card")   // never arrives
	camera(10*m, client.CameraFlashOn, false)
	camera(11*m, client.CameraSwitch, true)
	at(12 * m)
	if err := c.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: s2, UserEndpointID: ep.ID()}); err != nil {
		t.Fatal(err) // 10m to review
	}

	// The journal records the stream's replay of all that, as a running
	// snapdash would have.
	j, err := journal.Open(journal.Path(filepath.Join(h.state, "snapdash")), journal.Options{Source: "events", Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	st := c.Stream(sctx, client.StreamOptions{UserEndpointID: ep.ID(), Replay: true})
	deadline := time.After(20 * time.Second)
	recorded := 0
	for recorded < 13 { // 5 requests, 4 acquisitions, 2 reviews, 2×2 camera events, minus the demo's
		select {
		case u := <-st.Updates():
			for _, ev := range u.Events {
				if !ev.Timestamp.Before(t0) {
					recorded++
				}
			}
			j.Record(u.Events)
		case <-deadline:
			t.Fatalf("stream: %d events of the script after 20s", recorded)
		}
	}
	cancel()
	st.Close()
	j.Flush()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// snapdash is not running: s3 is approved unseen.
	approve(30*m, s3)
	clk.set(t0.Add(time.Hour))
	return h
}

func (h *history) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	vars := map[string]string{"SNAPDASH_SERVER": h.srv.URL(), "SNAPDASH_TOKEN": h.token, "HOME": h.state,
		"XDG_STATE_HOME": h.state, "XDG_CONFIG_HOME": h.state, "NO_COLOR": "1"}
	code = run(context.Background(), append([]string{"report"}, args...), &env{
		stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }, now: h.clk.now})
	return out.String(), errb.String(), code
}

// TestReportNumbers checks every number of the report of the scripted
// history, from the journal and the server together.
func TestReportNumbers(t *testing.T) {
	h := scriptHistory(t)
	out, errs, code := h.run(t, "--since", "1h", "--json")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Journal, Server bool
		Total           reportGroupJSON
		Days, Agents    []reportGroupJSON
		Types           []reportGroupJSON
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !r.Journal || !r.Server {
		t.Errorf("sources: journal %t, server %t", r.Journal, r.Server)
	}
	day := h.t0.In(time.Local).Format(time.DateOnly)
	for _, c := range []struct {
		name   string
		groups []reportGroupJSON
		want   []map[string]any // the fields checked, by their JSON names
	}{
		// s1 (approved after 2m), s2 (discarded after 10m), s3 (approved
		// while snapdash was not running: time unknown), s4 (awaiting); s5
		// never arrived.
		{"total", []reportGroupJSON{r.Total}, []map[string]any{{"arrived": 4, "approved": 2, "discarded": 1, "awaiting": 1,
			"reviewTimesKnown": 2, "reviewTimesUnknown": 1, "reviewMedianSeconds": 120.0, "reviewP90Seconds": 600.0,
			"reviewMaxSeconds": 600.0, "cameraSent": 2, "cameraRefused": 1, "discardRate": "0.3333"}}},
		{"days", r.Days, []map[string]any{{"key": day, "arrived": 4, "cameraSent": 2}}},
		{"agents", r.Agents, []map[string]any{{"key": sim.AgentUserID, "arrived": 4, "cameraRefused": 1}}},
		{"types", r.Types, []map[string]any{
			{"key": "document", "arrived": 1, "discarded": 1, "discardRate": "1.0000", "reviewMedianSeconds": 600.0, "cameraSent": "absent"},
			{"key": "meter", "arrived": 3, "approved": 2, "awaiting": 1, "reviewTimesUnknown": 1, "reviewMedianSeconds": 120.0, "discardRate": "0.0000"},
		}},
	} {
		if len(c.groups) != len(c.want) {
			t.Errorf("%s: %d groups, want %d: %+v", c.name, len(c.groups), len(c.want), c.groups)
			continue
		}
		for i, want := range c.want {
			got := groupFields(c.groups[i])
			for field, w := range want {
				if got[field] != w {
					t.Errorf("%s[%d] %s = %v, want %v (%+v)", c.name, i, field, got[field], w, c.groups[i])
				}
			}
		}
	}

	for _, c := range []struct {
		name string
		args []string
		want []string // what the output contains
	}{
		{"csv", []string{"--csv"}, []string{"\ntotal,total,4,2,1,1,0.3333,120,600,600,1,2,1\n", "\ntype,meter,3,2,0,1,0.0000,120,120,120,1,,\n"}},
		{"text", nil, []string{"4 arrived · 2 approved · 1 discarded · 1 awaiting · discard rate 33.3% · review p50 2m0s p90 10m0s (1 unknown) · camera 2 sent, 1 refused"}},
		// Narrowed to the interaction: the same pictures.
		{"--interaction", []string{"--json", "--interaction", h.interact}, []string{`"arrived": 4`}},
		// The period before the script: nothing arrived.
		{"an empty period", []string{"--since", "3h", "--until", "1h", "--json"}, []string{`"arrived": 0`}},
	} {
		args := c.args
		if !slices.Contains(args, "--since") {
			args = append([]string{"--since", "1h"}, args...)
		}
		out, errs, code := h.run(t, args...)
		if code != 0 || errs != "" {
			t.Errorf("%s: exit %d: %s", c.name, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", c.name, w, out)
			}
		}
	}
}

// groupFields is a report group's fields by their JSON names, as
// comparable values: the discard rate to four places, a review time in
// seconds or "none", a camera count or "absent".
func groupFields(g reportGroupJSON) map[string]any {
	seconds := func(p *float64) any {
		if p == nil {
			return "none"
		}
		return *p
	}
	count := func(p *int) any {
		if p == nil {
			return "absent"
		}
		return *p
	}
	return map[string]any{
		"key": g.Key, "arrived": g.Arrived, "approved": g.Approved, "discarded": g.Discarded, "awaiting": g.Awaiting,
		"discardRate": fmt.Sprintf("%.4f", g.DiscardRate), "reviewTimesKnown": g.Reviewed, "reviewTimesUnknown": g.ReviewUnknown,
		"reviewMedianSeconds": seconds(g.MedianSeconds), "reviewP90Seconds": seconds(g.P90Seconds), "reviewMaxSeconds": seconds(g.MaxSeconds),
		"cameraSent": count(g.CameraSent), "cameraRefused": count(g.CameraRefused),
	}
}

// TestReportUnreadableJournal: a corrupt journal is said in one line and
// the server's listings still give every count (review times unknown).
func TestReportUnreadableJournal(t *testing.T) {
	h := scriptHistory(t)
	path := journal.Path(filepath.Join(h.state, "snapdash"))
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	if err := os.WriteFile(path, bytes.Repeat([]byte("garbage!"), 1024), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := h.run(t, "--since", "1h", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if ls := lines(errs); len(ls) != 1 || !strings.Contains(ls[0], "is corrupt") || !strings.Contains(ls[0], "using the server only") {
		t.Errorf("stderr %q", errs)
	}
	var r struct{ Total reportGroupJSON }
	json.Unmarshal([]byte(out), &r)
	if r.Total.Arrived != 4 || r.Total.Approved != 2 || r.Total.Discarded != 1 || r.Total.ReviewUnknown != 3 || r.Total.Reviewed != 0 {
		t.Errorf("server only: %+v", r.Total)
	}
}

// TestReportBadInput: one clear line and exit 2.
func TestReportBadInput(t *testing.T) {
	h := &history{state: t.TempDir(), clk: &simClock{t: time.Now()}}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--since", "yesterday"}, `--since: "yesterday" is neither a duration`},
		{[]string{"--since", "-3h"}, "a negative duration"},
		{[]string{"--since", "1h", "--until", "2h"}, "--until"},
		{[]string{"--json", "--csv"}, "choose one"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"report"}, c.args...), &env{stdout: &out, stderr: &errb,
			getenv: func(k string) string {
				if k == "XDG_STATE_HOME" || k == "HOME" {
					return h.state
				}
				return ""
			}})
		if code != 2 || len(lines(errb.String())) != 1 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errb.String())
		}
	}
}
