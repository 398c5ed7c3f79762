//go:build !windows

package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// blackhole listens on loopback and accepts connections without ever
// answering, as a hung server or a misrouted proxy does.
func blackhole(t *testing.T) string {
	url, _ := blackholeAccepting(t)
	return url
}

// blackholeAccepting is blackhole that also says when it accepted a
// connection.
func blackholeAccepting(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	accepted := make(chan struct{}, 1)
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), accepted
}

// TestInterruptSignalExits130: Ctrl-C (SIGINT) while a command waits for
// the server ends it with one line and exit status 130.
func TestInterruptSignalExits130(t *testing.T) {
	t.Parallel()
	server, accepted := blackholeAccepting(t)
	c := newCLI(t, map[string]string{"SNAPDASH_SERVER": server, "SNAPDASH_TOKEN": "t"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := c.command(ctx, "interactions")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-accepted: // the request is waiting for its answer
	case <-ctx.Done():
		t.Fatal("snapdash never connected")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupt || stderr.String() != "snapdash: interrupted\n" {
		t.Errorf("want exit 130 and one line, got %v %q", err, stderr.String())
	}
}

// TestConnectingScreenInPTY: against a server that never answers, the
// dashboard draws its connecting screen at once (server, what it waits
// for, countdown), q leaves with 0, ctrl+c with 130, and --timeout ends
// the wait with one line naming the server and exit 1.
func TestConnectingScreenInPTY(t *testing.T) {
	t.Parallel()
	server := blackhole(t)
	vars := map[string]string{"SNAPDASH_SERVER": server, "SNAPDASH_CLIENT_ID": "id", "SNAPDASH_CLIENT_SECRET": "secret"}
	exitCode := func(err error) int {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}

	p := startPTY(t, newCLI(t, vars))
	p.WaitFor("Connecting to "+server, "waiting for the token endpoint to sign you in", "(--timeout 30s)", "q or ctrl+c to leave")
	p.WaitMatch(`giving up in 2[0-9]s`) // the countdown runs
	p.Send("q")
	if code := exitCode(p.Exit()); code != 0 {
		t.Errorf("q: exit %d\n%s", code, p.Screen())
	}

	p = startPTY(t, newCLI(t, vars), "watch")
	p.WaitFor("Connecting to " + server)
	p.Send("\x03")
	if code := exitCode(p.Exit()); code != exitInterrupt {
		t.Errorf("ctrl+c: exit %d\n%s", code, p.Screen())
	}

	env := map[string]string{"SNAPDASH_TIMEOUT": "1h"}
	for k, v := range vars {
		env[k] = v
	}
	p = startPTY(t, newCLI(t, env))
	p.WaitFor("(SNAPDASH_TIMEOUT 1h0m0s)") // the screen says where the wait was set
	p.Send("q")
	if code := exitCode(p.Exit()); code != 0 {
		t.Errorf("q: exit %d", code)
	}
	p = startPTY(t, newCLI(t, env), "--timeout", "2s") // the flag wins
	p.WaitFor("(--timeout 2s)")
	p.WaitFor("snapdash: dashboard: no answer from " + server + " within 2s (--timeout)")
	if code := exitCode(p.Exit()); code != 1 {
		t.Errorf("timeout: exit %d", code)
	}
}

// TestDemoOpensOnAPicture: the demo's first screen selects and previews a
// picture awaiting review, not a request still waiting for its picture.
func TestDemoOpensOnAPicture(t *testing.T) {
	t.Parallel()
	p := startPTY(t, newCLI(t, map[string]string{"SNAPDASH_IMAGE_MODE": "ascii"}), "demo")
	s := p.WaitMatch(`Preview · ascii · \d+×\d+`)
	if !strings.Contains(s, "Snapshots · Kenji Watanabe 1/") || !regexpMatch(`›[^\n]*● uploaded`, s) ||
		strings.Contains(s, "waiting for the customer's picture") {
		t.Errorf("the demo's first screen:\n%s", s)
	}
	p.Send("q")
	if err := p.Exit(); err != nil {
		t.Fatal(err)
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }
