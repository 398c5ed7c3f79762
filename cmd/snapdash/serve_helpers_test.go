//go:build !windows

package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/internal/termtest"
	"golang.org/x/crypto/ssh"
)

// serveRun is `snapdash serve` running on a free loopback port, with the
// SSH client configuration of the one key it lets in.
type serveRun struct {
	cmd    *exec.Cmd
	stdout io.Reader
	stderr *syncBuffer
	addr   string
	host   ssh.Signer
	conf   *ssh.ClientConfig
}

// startServe runs `snapdash serve` with env (server and credentials) and
// an authorized_keys of one fresh key, whose comment is keyComment;
// sshConfig is appended to the config file's ssh: section (roles).
func startServe(t *testing.T, env map[string]string, keyComment, sshConfig string, timeout time.Duration) *serveRun {
	t.Helper()
	dir := t.TempDir()
	user := newKey(t)
	authorized := filepath.Join(dir, "authorized_keys")
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(user.PublicKey()))) + " " + keyComment + "\n"
	if err := os.WriteFile(authorized, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	hostKey := filepath.Join(dir, "host_ed25519")
	env["SNAPDASH_CONFIG"] = writeConfig(t, "ssh:\n  authorized_keys: "+authorized+"\n  host_key: "+hostKey+"\n"+sshConfig, 0o600)
	c := newCLI(t, env)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	r := &serveRun{cmd: c.command(ctx, "serve", "--addr", "127.0.0.1:0"), stderr: &syncBuffer{}}
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.cmd.Process.Kill() })
	br := bufio.NewReader(stdout)
	r.stdout = br
	first, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("serve: %v (stderr %s)", err, r.stderr.String())
	}
	r.addr = strings.TrimSpace(first[strings.LastIndex(first, " ")+1:])
	hk, err := os.ReadFile(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	if r.host, err = ssh.ParsePrivateKey(hk); err != nil {
		t.Fatal(err)
	}
	r.conf = &ssh.ClientConfig{User: "reviewer", Auth: []ssh.AuthMethod{ssh.PublicKeys(user)},
		HostKeyCallback: ssh.FixedHostKey(r.host.PublicKey()), Timeout: 10 * time.Second}
	return r
}

// stop interrupts the server and waits for it, as a service manager would.
func (r *serveRun) stop(t *testing.T) error {
	t.Helper()
	if err := r.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, r.stdout)
	return r.cmd.Wait()
}

// shell logs in to r with its one key, asks for a 120x40 xterm-256color
// terminal and a shell, and returns the session, its stdin and the screen
// it draws; the connection closes when the test ends.
func (r *serveRun) shell(t *testing.T) (*ssh.Session, io.WriteCloser, *termtest.Term) {
	t.Helper()
	conn, err := ssh.Dial("tcp", r.addr, r.conf)
	if err != nil {
		t.Fatalf("dial %s: %v", r.addr, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	if err := sess.RequestPty("xterm-256color", 40, 120, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return sess, in, termtest.New(t, in, out, termtest.Options{Width: 120, Height: 40})
}
