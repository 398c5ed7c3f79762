//go:build !windows

package termtest

import (
	"errors"
	"os/exec"
	"testing"
	"time"
)

func TestStartPTY(t *testing.T) {
	cmd := Command(t, time.Minute, "/bin/sh", "-c", `stty -echo; printf 'size %s\n' "$(stty size)"; read line; printf 'got <%s>\n' "$line"; exit 3`)
	p := StartPTY(t, cmd, Options{Width: 50, Height: 7})
	p.WaitFor("size 7 50")
	p.Send("hi there\r")
	p.WaitFor("got <hi there>")
	var ee *exec.ExitError
	if err := p.Exit(); !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v", err)
	}
}

func TestProcResizeReachesTheProgram(t *testing.T) {
	cmd := Command(t, time.Minute, "/bin/sh", "-c", `stty -echo; echo ready; read line; stty size`)
	p := StartPTY(t, cmd, Options{Width: 50, Height: 7})
	p.WaitFor("ready")
	p.Resize(33, 9)
	p.Send("\r")
	p.WaitFor("9 33")
	if err := p.Exit(); err != nil {
		t.Fatal(err)
	}
}
