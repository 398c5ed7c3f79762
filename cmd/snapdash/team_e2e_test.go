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
	demo := surveyDemo(t, srv)
	obs := observeTeam(t, b.TCPURL(), demo)

	// Two local dashboards on the interaction with the most pictures.
	ada := startPTY(t, newCLI(t, env("ada")), "--interaction", demo.best)
	bob := startPTY(t, newCLI(t, env("bob")), "--interaction", demo.best)
	// One serve, two SSH sessions of the key "carol@e2e".
	r := startServe(t, env(""), "carol@e2e", "", 3*time.Minute)
	all := []teamScreen{ada, bob, sshSession(t, r), sshSession(t, r)}
	for _, s := range all {
		s.WaitFor("to review", "live") // listed, and the stream is up
	}
	if h := obs.holders(); len(h) != 0 {
		t.Fatalf("idle dashboards claimed pictures: %v", h)
	}

	// ada opens a picture with n: bob, on the same interaction, sees hers.
	ada.Send("n")
	h := obs.wait("ada's claim", func(h map[string]string) bool { return len(h) == 1 })
	adas := heldBy(h, "ada")
	if adas == "" {
		t.Fatalf("the claim is not ada's: %v", h)
	}
	if demo.inter[adas] != demo.best {
		t.Fatalf("ada's n went to %s in another interaction than the pinned one", adas)
	}
	bob.WaitFor("◎ ada")

	// The three others press n at the same moment: four different pictures.
	var wg sync.WaitGroup
	for _, s := range all[1:] {
		wg.Go(func() { s.Send("n") })
	}
	wg.Wait()
	h = obs.wait("four reviewers on four pictures", func(h map[string]string) bool { return len(h) == 4 })
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
	bobs := heldBy(h, "bob")
	if demo.inter[bobs] == demo.best {
		ada.WaitFor("◎ bob")
	}
	t.Logf("claims: %v (ada's interaction %s)", h, demo.best)

	// ada's dashboard is killed: no goodbye, the broker's last will.
	if err := ada.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	obs.wait("ada's claim to be released", func(h map[string]string) bool {
		_, still := h[adas]
		return !still && len(h) == 3
	})
	bob.WaitGone("◎ ada")

	restartBroker(t, b, all[1:], obs, h)
	// Quitting releases.
	bob.Send("q")
	obs.wait("bob's release on quitting", func(h map[string]string) bool { _, still := h[bobs]; return !still })
	if err := bob.Exit(); err != nil {
		t.Fatalf("bob's dashboard exited with %v", err)
	}
	_ = r.stop(t)
}

// teamDemo is what the simulator's demo has awaiting review.
type teamDemo struct {
	org     string            // the agent's organization
	waiting []string          // the pictures awaiting review
	inter   map[string]string // snapshot -> its interaction
	best    string            // the interaction with the most waiting
}

// surveyDemo lists, as the agent, the pictures of srv's demo awaiting
// review; the test needs 5 of them, 2 in one interaction.
func surveyDemo(t *testing.T, srv *sim.Server) teamDemo {
	t.Helper()
	api, err := client.New(client.Config{Server: srv.URL(), Token: srv.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	id, err := api.Identity(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	d := teamDemo{org: id.Organization, inter: map[string]string{}}
	most := 0
	for _, in := range srv.Interactions() {
		list, err := api.ListSnapshots(t.Context(), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range list {
			if s.State == client.StateUploaded {
				d.waiting = append(d.waiting, s.ID)
				d.inter[s.ID] = in.ID
				n++
			}
		}
		if n > most {
			d.best, most = in.ID, n
		}
	}
	if len(d.waiting) < 5 || most < 2 {
		t.Fatalf("the demo has %d pictures awaiting review, at most %d in one interaction; the test needs 5 and 2", len(d.waiting), most)
	}
	return d
}

// teamObserver is a reviewer on the broker who claims nothing, as a fifth
// process would see the team.
type teamObserver struct {
	t       *testing.T
	watcher *team.Reviewer
	waiting []string
}

func observeTeam(t *testing.T, url string, demo teamDemo) *teamObserver {
	t.Helper()
	obs, err := team.Connect(team.BrokerOptions{URL: url, Organization: demo.org})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(obs.Close)
	return &teamObserver{t: t, watcher: obs.Join("observer"), waiting: demo.waiting}
}

// holders are the claims on the demo's waiting pictures: snapshot -> holder.
func (o *teamObserver) holders() map[string]string {
	out := map[string]string{}
	for _, sid := range o.waiting {
		if who, ok := o.watcher.Holder(sid); ok {
			out[sid] = who
		}
	}
	return out
}

// wait waits for the claims to be what ok says, and returns them.
func (o *teamObserver) wait(what string, ok func(map[string]string) bool) map[string]string {
	o.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h := o.holders()
		if ok(h) {
			return h
		}
		if time.Now().After(deadline) {
			o.t.Fatalf("timed out waiting for %s; the broker's claims: %v", what, h)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// heldBy is the picture who holds in the claims h ("" when none).
func heldBy(h map[string]string, who string) string {
	for sid, holder := range h {
		if holder == who {
			return sid
		}
	}
	return ""
}

// sshSession opens a 120x40 terminal session on serve r.
func sshSession(t *testing.T, r *serveRun) *termtest.Term {
	t.Helper()
	conn, err := ssh.Dial("tcp", r.addr, r.conf)
	if err != nil {
		t.Fatalf("dial: %v", err)
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
	return termtest.New(t, in, out, termtest.Options{Width: 120, Height: 40})
}

// restartBroker restarts the broker without persistence: every screen says
// team: offline, then online again, and every claim of before is
// announced again by its holder.
func restartBroker(t *testing.T, b *brokertest.Broker, screens []teamScreen, obs *teamObserver, before map[string]string) {
	t.Helper()
	b.Stop()
	for _, s := range screens {
		s.WaitFor("team: offline")
	}
	b.Resume()
	for _, s := range screens {
		s.WaitGone("team: offline")
	}
	after := obs.wait("the claims announced again", func(h map[string]string) bool { return len(h) == 3 })
	for sid, who := range after {
		if before[sid] != who {
			t.Fatalf("after the restart %s is %q's, before it was %q's", sid, who, before[sid])
		}
	}
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
	one, two := sshSession(t, r), sshSession(t, r)
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
