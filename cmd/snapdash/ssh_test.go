//go:build !windows

package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"testing"
	"time"

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
	r := startServe(t, agentEnv(srv), "tester@e2e", "  roles:\n    tester@e2e: supervisor\n", time.Minute)
	addr, conf := r.addr, r.conf
	sess, in, tm := r.shell(t)
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

	if err := r.stop(t); err != nil {
		t.Errorf("serve after SIGINT: %v (stderr %s)", err, r.stderr.String())
	}
}
