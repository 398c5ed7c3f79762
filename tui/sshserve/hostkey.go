package sshserve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// DefaultHostKeyPath returns where the server keeps its host key when
// Options.HostKeyPath is empty: $XDG_DATA_HOME/snapdash/ssh_host_ed25519, or
// ~/.local/share/snapdash/ssh_host_ed25519 when XDG_DATA_HOME is unset.
func DefaultHostKeyPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("host key path: no XDG_DATA_HOME and no home directory: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "snapdash", "ssh_host_ed25519"), nil
}

// loadOrCreateHostKey reads the OpenSSH private key at path, or generates an
// ed25519 key there (mode 0600, parent directory 0700) when the file does not
// exist. It reports whether the key was created. A key file readable by group
// or others is refused, as sshd does, because anyone who can read it can
// impersonate the server.
func loadOrCreateHostKey(path string) (gossh.Signer, bool, error) {
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		st, err := os.Stat(path)
		if err != nil {
			return nil, false, fmt.Errorf("host key %s: %w", path, err)
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			return nil, false, fmt.Errorf("host key %s has mode %04o: it must not be readable by others (chmod 600 %s)", path, perm, path)
		}
		signer, err := gossh.ParsePrivateKey(data)
		if err != nil {
			return nil, false, fmt.Errorf("host key %s: %w", path, err)
		}
		return signer, false, nil
	case errors.Is(err, fs.ErrNotExist):
		signer, err := createHostKey(path)
		return signer, err == nil, err
	default:
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
}

// createHostKey writes a fresh ed25519 key to path. O_EXCL makes two servers
// started at once agree on one key instead of overwriting each other's.
func createHostKey(path string) (gossh.Signer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("host key directory: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "snapdash host key")
	if err != nil {
		return nil, fmt.Errorf("encode host key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		signer, _, err := loadOrCreateHostKey(path)
		return signer, err
	}
	if err != nil {
		return nil, fmt.Errorf("create host key: %w", err)
	}
	if _, err := f.Write(pem.EncodeToMemory(block)); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("write host key: %w", err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("write host key: %w", err)
	}
	return gossh.NewSignerFromKey(priv)
}
