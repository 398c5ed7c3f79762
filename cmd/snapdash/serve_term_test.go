//go:build !windows

package main

import (
	"io"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestServeEndsWithinFiveSecondsOfSIGTERM: with a reviewer's session open
// and one whose client reads nothing, SIGTERM tells the sessions and ends
// serve within 5 s.
func TestServeEndsWithinFiveSecondsOfSIGTERM(t *testing.T) {
	t.Parallel()
	srv := startSim(t, true)
	r := startServe(t, agentEnv(srv), "tester@e2e", "", time.Minute)

	// A reviewer with the dashboard on screen.
	_, _, tm := r.shell(t)
	tm.WaitFor("Kenji Watanabe")

	// A client that never reads its channel.
	deaf, err := ssh.Dial("tcp", r.addr, r.conf)
	if err != nil {
		t.Fatal(err)
	}
	defer deaf.Close()
	ch, reqs, err := deaf.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	go ssh.DiscardRequests(reqs)
	pty := ssh.Marshal(struct {
		Term                  string
		Columns, Rows, PW, PH uint32
		Modes                 string
	}{"xterm-256color", 300, 100, 0, 0, ""})
	if ok, err := ch.SendRequest("pty-req", true, pty); !ok || err != nil {
		t.Fatalf("pty-req: %v %v", ok, err)
	}
	if ok, err := ch.SendRequest("shell", true, nil); !ok || err != nil {
		t.Fatalf("shell: %v %v", ok, err)
	}

	// ...and floods window changes, each a full redraw it never reads.
	flood := make(chan struct{})
	go func() {
		defer close(flood)
		for i := 0; i < 50000; i++ {
			size := ssh.Marshal(struct{ C, R, PW, PH uint32 }{uint32(200 + i%100), uint32(60 + i%40), 0, 0})
			if _, err := ch.SendRequest("window-change", false, size); err != nil {
				return
			}
		}
	}()
	time.Sleep(3 * time.Second)

	start := time.Now()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	tm.WaitFor("server shutting down")
	done := make(chan error, 1)
	go func() {
		_, _ = io.Copy(io.Discard, r.stdout)
		done <- r.cmd.Wait()
	}()
	select {
	case err := <-done:
		took := time.Since(start)
		t.Logf("serve ended %s after SIGTERM", took.Round(time.Millisecond))
		if took > 5*time.Second {
			t.Errorf("serve took %s to end after SIGTERM, want at most 5s", took)
		}
		if err != nil {
			t.Errorf("serve after SIGTERM: %v (stderr %s)", err, r.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve still running 30s after SIGTERM (stderr %s)", r.stderr.String())
	}
	_ = deaf.Close()
	<-flood
}
