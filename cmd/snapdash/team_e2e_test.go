//go:build !windows

package main

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/brokertest"
	"github.com/snapdash/snapdash/internal/termtest"
	"github.com/snapdash/snapdash/team"
	"golang.org/x/crypto/ssh"
)

// teamScreen is one reviewer's terminal: a local dashboard or an SSH
// session.
type teamScreen interface {
	Send(string)
	WaitFor(...string) string
	WaitGone(string) string
	Screen() string
}

// TestTeamReviewAcrossProcesses: two local dashboards and one `snapdash
// serve` with two SSH sessions share one queue through a real mosquitto.
// The holder of a claim is shown to the others; four reviewers pressing n
// at once get four different pictures; killing a dashboard releases its
// claim through its last will; after a broker restart the header says
// team: offline, then the claims are announced again.
func TestTeamReviewAcrossProcesses(t *testing.T) {
	t.Parallel()
	b := brokertest.Start(t, brokertest.Options{})
	srv := startSim(t, false)
	env := func(name string) map[string]string {
		e := agentEnv(srv)
		e["SNAPDASH_TEAM_BROKER"] = b.TCPURL()
		e["SNAPDASH_IMAGE_MODE"] = "none"
		if name != "" {
			e["SNAPDASH_TEAM_NAME"] = name
		}
		return e
	}

	// The pictures awaiting review, and the interaction with the most.
	api, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	id, err := api.Identity(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var waiting []string
	inter := map[string]string{} // snapshot -> interaction
	best, most := "", 0
	for _, in := range srv.Interactions() {
		list, err := api.ListSnapshots(t.Context(), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range list {
			if s.State == client.StateUploaded {
				waiting = append(waiting, s.ID)
				inter[s.ID] = in.ID
				n++
			}
		}
		if n > most {
			best, most = in.ID, n
		}
	}
	if len(waiting) < 5 || most < 2 {
		t.Fatalf("the demo has %d pictures awaiting review, at most %d in one interaction; the test needs 5 and 2", len(waiting), most)
	}

	// An observer on the broker, as a fifth process would see the team.
	obs, err := team.Connect(team.BrokerOptions{URL: b.TCPURL(), Organization: id.Organization})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(obs.Close)
	watcher := obs.Join("observer")
	holders := func() map[string]string { // snapshot -> holder
		out := map[string]string{}
		for _, sid := range waiting {
			if who, ok := watcher.Holder(sid); ok {
				out[sid] = who
			}
		}
		return out
	}
	waitHolders := func(what string, ok func(map[string]string) bool) map[string]string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			h := holders()
			if ok(h) {
				return h
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; the broker's claims: %v", what, h)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// Two local dashboards on the interaction with the most pictures.
	ada := startPTY(t, newCLI(t, env("ada")), "--interaction", best)
	bob := startPTY(t, newCLI(t, env("bob")), "--interaction", best)
	// One serve, two SSH sessions of the key "carol@e2e".
	r := startServe(t, env(""), "carol@e2e", "", 3*time.Minute)
	var carols []teamScreen
	for i := range 2 {
		conn, err := ssh.Dial("tcp", r.addr, r.conf)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		t.Cleanup(func() { conn.Close() })
		sess, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.RequestPty("xterm-256color", 40, 120, ssh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		in, _ := sess.StdinPipe()
		out, _ := sess.StdoutPipe()
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		carols = append(carols, termtest.New(t, in, out, termtest.Options{Width: 120, Height: 40}))
	}
	all := []teamScreen{ada, bob, carols[0], carols[1]}
	for _, s := range all {
		s.WaitFor("to review", "live") // listed, and the stream is up
	}
	if h := holders(); len(h) != 0 {
		t.Fatalf("idle dashboards claimed pictures: %v", h)
	}

	// ada opens a picture with n: bob, on the same interaction, sees hers.
	ada.Send("n")
	h := waitHolders("ada's claim", func(h map[string]string) bool { return len(h) == 1 })
	var adas string
	for sid, who := range h {
		if who != "ada" {
			t.Fatalf("the claim is %q's, want ada's", who)
		}
		adas = sid
	}
	if inter[adas] != best {
		t.Fatalf("ada's n went to %s in another interaction than the pinned one", adas)
	}
	bob.WaitFor("◎ ada")

	// The three others press n at the same moment: four different pictures.
	var wg sync.WaitGroup
	for _, s := range all[1:] {
		wg.Go(func() { s.Send("n") })
	}
	wg.Wait()
	h = waitHolders("four reviewers on four pictures", func(h map[string]string) bool { return len(h) == 4 })
	var names []string
	for _, who := range h {
		names = append(names, who)
	}
	sort.Strings(names)
	if want := []string{"ada", "bob", "carol@e2e", "carol@e2e"}; !slices.Equal(names, want) {
		t.Fatalf("holders %v, want %v", names, want)
	}
	if h[adas] != "ada" {
		t.Fatalf("ada lost her picture: %v", h)
	}
	var bobs string
	for sid, who := range h {
		if who == "bob" {
			bobs = sid
		}
	}
	if inter[bobs] == best {
		ada.WaitFor("◎ bob")
	}
	t.Logf("claims: %v (ada's interaction %s)", h, best)

	// ada's dashboard is killed: no goodbye, the broker's last will.
	if err := ada.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitHolders("ada's claim to be released", func(h map[string]string) bool {
		_, still := h[adas]
		return !still && len(h) == 3
	})
	bob.WaitGone("◎ ada")

	// The broker restarts without persistence: offline, then every claim
	// announced again.
	b.Stop()
	for _, s := range all[1:] {
		s.WaitFor("team: offline")
	}
	b.Resume()
	for _, s := range all[1:] {
		s.WaitGone("team: offline")
	}
	after := waitHolders("the claims announced again", func(h map[string]string) bool { return len(h) == 3 })
	for sid, who := range after {
		if h[sid] != who {
			t.Fatalf("after the restart %s is %q's, before it was %q's", sid, who, h[sid])
		}
	}
	// Quitting releases.
	bob.Send("q")
	waitHolders("bob's release on quitting", func(h map[string]string) bool { _, still := h[bobs]; return !still })
	if err := bob.Exit(); err != nil {
		t.Fatalf("bob's dashboard exited with %v", err)
	}
	_ = r.stop(t)
}

// TestServeSessionsShareClaimsWithoutBroker: without a team broker, the
// SSH sessions of one serve share their claims in memory: a picture one
// opens shows as hers in the other's table, and the other's n skips it.
func TestServeSessionsShareClaimsWithoutBroker(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	e := agentEnv(srv)
	e["SNAPDASH_IMAGE_MODE"] = "none"
	r := startServe(t, e, "dana@e2e", "", 2*time.Minute)
	var screens []*termtest.Term
	for i := range 2 {
		conn, err := ssh.Dial("tcp", r.addr, r.conf)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		t.Cleanup(func() { conn.Close() })
		sess, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.RequestPty("xterm-256color", 40, 120, ssh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		in, _ := sess.StdinPipe()
		out, _ := sess.StdoutPipe()
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		screens = append(screens, termtest.New(t, in, out, termtest.Options{Width: 120, Height: 40}))
	}
	one, two := screens[0], screens[1]
	one.WaitFor("to review", "live")
	two.WaitFor("to review", "live")
	if strings.Contains(two.Screen(), "◎") {
		t.Fatalf("a claim before anyone opened a picture:\n%s", two.Screen())
	}
	// Both start on the same interaction, on its newest row, a picture
	// awaiting review (the demo opens on one). The first session opens it
	// (down and back up: its own row from then on); the second, still on
	// it, sees it claimed, and its n goes past it.
	one.Send("j")
	one.Send("k")
	two.WaitFor("◎ dana@e2e")
	two.Send("n")
	// The second session went past the claimed picture: its table no
	// longer shows the first's claim, and the first's shows none of its.
	two.WaitGone("◎ dana@e2e")
	if strings.Contains(one.Screen(), "◎") {
		t.Fatalf("the first session sees a claim on its own interaction:\n%s", one.Screen())
	}
	_ = r.stop(t)
}
