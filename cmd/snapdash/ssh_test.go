//go:build !windows

package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/internal/termtest"
	"golang.org/x/crypto/ssh"
)

// newKey returns a fresh ed25519 signer.
func newKey(t *testing.T) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestServeOverSSH(t *testing.T) {
	t.Parallel()
	srv := startSim(t, true)
	dir := t.TempDir()
	user := newKey(t)
	authorized := filepath.Join(dir, "authorized_keys")
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(user.PublicKey()))) + " tester@e2e\n"
	if err := os.WriteFile(authorized, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	hostKey := filepath.Join(dir, "host_ed25519")
	cfg := writeConfig(t, "ssh:\n  authorized_keys: "+authorized+"\n  host_key: "+hostKey+"\n  roles:\n    tester@e2e: supervisor\n", 0o600)
	env := agentEnv(srv)
	env["SNAPDASH_CONFIG"] = cfg
	c := newCLI(t, env)

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := c.command(ctx, "serve", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("serve: %v (stderr %s)", err, stderr.String())
	}
	addr := strings.TrimSpace(first[strings.LastIndex(first, " ")+1:])

	hk, err := os.ReadFile(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	hostSigner, err := ssh.ParsePrivateKey(hk)
	if err != nil {
		t.Fatal(err)
	}
	conf := &ssh.ClientConfig{
		User: "reviewer", Auth: []ssh.AuthMethod{ssh.PublicKeys(user)},
		HostKeyCallback: ssh.FixedHostKey(hostSigner.PublicKey()), Timeout: 10 * time.Second,
	}
	conn, err := ssh.Dial("tcp", addr, conf)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer conn.Close()
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
	tm := termtest.New(t, in, out, termtest.Options{Width: 120, Height: 40})
	tm.WaitFor("Kenji Watanabe")
	io.WriteString(in, "q")
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the SSH session did not end after q")
	}

	// A key that is not in authorized_keys is refused.
	conf.Auth = []ssh.AuthMethod{ssh.PublicKeys(newKey(t))}
	if conn, err := ssh.Dial("tcp", addr, conf); err == nil {
		conn.Close()
		t.Error("an unknown key was let in")
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGINT: %v (stderr %s)", err, stderr.String())
	}
}
