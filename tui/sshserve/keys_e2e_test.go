package sshserve

import "testing"

// TestEscapeAndFirstKeyOverSSH: over a real SSH connection, keys written
// together (as a slow link or a paste buffer delivers them) mean what the
// terminal sent. ESC ESC y is Escape, Escape, y: the discard question is
// answered No by the first Escape and y copies the link; d x y the same
// (x says No and is not passed on); an ESC and its y split across two
// packets too. Nothing is discarded.
func TestEscapeAndFirstKeyOverSSH(t *testing.T) {
	p := newPlatform(t)
	alice := newTestKey(t, "alice@review-desk")
	ts := startServer(t, Options{NewSession: p.newSession, NewModel: realTUI}, alice)
	before := p.snapshots(t)

	c := dial(t, ts.Addr().String(), alice, clientOpts{w: 100, h: 30})
	c.WaitMatch(loadedRE)
	c.WaitFor("● uploaded")
	for _, writes := range [][]string{{"d\x1b\x1by"}, {"d\x1by"}, {"dxy"}, {"d\x1b", "\x1by"}} {
		c.Send("dn") // a status line to replace: "copied" must be new
		c.WaitFor("discard cancelled")
		for _, w := range writes {
			c.Send(w)
		}
		c.WaitFor("copied") // y reached the table, not the question
	}
	c.Send("a2")
	c.WaitFor("approve cancelled")
	for id, st := range p.snapshots(t) {
		if before[id] != st {
			t.Fatalf("%s went from %s to %s; screen:\n%s", id, before[id], st, c.Screen())
		}
	}
	if len(before) == 0 {
		t.Fatal("no snapshots to check")
	}
	c.Send("q")
	c.waitExit()
}
