package sshserve

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/snapdash/snapdash/internal/sanitize"
	gossh "golang.org/x/crypto/ssh"
)

// The roles a key can have. A supervisor watches: the dashboard is read-only.
const (
	// RoleReviewer may approve, discard, request snapshots and send camera commands.
	RoleReviewer = "reviewer"
	// RoleSupervisor sees everything a reviewer sees but cannot act.
	RoleSupervisor = "supervisor"
)

// validRole reports whether r names a role.
func validRole(r string) bool { return r == RoleReviewer || r == RoleSupervisor }

// identity is who an authorized key belongs to.
type identity struct {
	Fingerprint string
	Comment     string
	Role        string
}

// authEntry is one usable line of the authorized_keys file.
type authEntry struct {
	key     gossh.PublicKey
	comment string
}

// keyStore holds the authorized keys, re-reading the file whenever its
// modification time or size changes, so an operator can add or revoke a key
// without restarting the server. A file that cannot be read or parsed keeps
// the last good set when there is one; at start it is an error.
type keyStore struct {
	path        string
	roles       map[string]string
	defaultRole string
	log         *slog.Logger

	mu      sync.Mutex
	mtime   time.Time
	size    int64
	entries map[string]authEntry // by SHA256 fingerprint
}

// newKeyStore reads path once and fails when it is missing or holds no key.
func newKeyStore(path string, roles map[string]string, defaultRole string, log *slog.Logger) (*keyStore, error) {
	ks := &keyStore{path: path, roles: roles, defaultRole: defaultRole, log: log}
	if err := ks.reload(); err != nil {
		return nil, err
	}
	if len(ks.entries) == 0 {
		return nil, fmt.Errorf("authorized keys %s: no usable key", path)
	}
	return ks, nil
}

// refresh re-reads the file when it changed since the last read.
func (ks *keyStore) refresh() {
	st, err := os.Stat(ks.path)
	if err != nil {
		ks.log.Warn("authorized keys unreadable; keeping the last good set", "path", ks.path, "err", err)
		return
	}
	ks.mu.Lock()
	same := st.ModTime().Equal(ks.mtime) && st.Size() == ks.size
	ks.mu.Unlock()
	if same {
		return
	}
	if err := ks.reload(); err != nil {
		ks.log.Warn("authorized keys unreadable; keeping the last good set", "path", ks.path, "err", err)
	}
}

// reload parses the file and swaps the set in.
func (ks *keyStore) reload() error {
	f, err := os.Open(ks.path)
	if err != nil {
		return fmt.Errorf("authorized keys: %w", err)
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("authorized keys: %w", err)
	}
	entries, bad := parseAuthorizedKeys(f)
	for _, line := range bad {
		ks.log.Warn("authorized keys: skipping a line that is not a public key", "path", ks.path, "line", line)
	}
	ks.mu.Lock()
	ks.entries, ks.mtime, ks.size = entries, st.ModTime(), st.Size()
	ks.mu.Unlock()
	ks.log.Info("authorized keys loaded", "path", ks.path, "keys", len(entries))
	return nil
}

// parseAuthorizedKeys reads OpenSSH authorized_keys lines. Options that
// restrict something this server does offer (from=, command=, no-pty,
// expiry-time=, ...) are not implemented: a key carrying one is skipped,
// since silently ignoring a restriction would grant more than the file says.
// Certificates are skipped too. It returns the entries and the numbers of the
// lines it skipped.
func parseAuthorizedKeys(f *os.File) (map[string]authEntry, []int) {
	entries := map[string]authEntry{}
	var bad []int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil || !allHarmless(options) {
			bad = append(bad, n)
			continue
		}
		if _, isCert := key.(*gossh.Certificate); isCert {
			bad = append(bad, n)
			continue
		}
		entries[gossh.FingerprintSHA256(key)] = authEntry{key: key, comment: sanitize.Line(strings.TrimSpace(comment))}
	}
	return entries, bad
}

// lookup returns the identity of key when it is authorized now.
func (ks *keyStore) lookup(key gossh.PublicKey) (identity, bool) {
	if key == nil {
		return identity{}, false
	}
	ks.refresh()
	fp := gossh.FingerprintSHA256(key)
	ks.mu.Lock()
	e, ok := ks.entries[fp]
	ks.mu.Unlock()
	if !ok || !bytes.Equal(e.key.Marshal(), key.Marshal()) {
		return identity{}, false
	}
	return identity{Fingerprint: fp, Comment: e.comment, Role: ks.roleOf(fp, e.comment)}, true
}

// roleOf applies the configured roles: the fingerprint wins over the comment.
func (ks *keyStore) roleOf(fp, comment string) string {
	if r, ok := ks.roles[fp]; ok {
		return r
	}
	if comment != "" {
		if r, ok := ks.roles[comment]; ok {
			return r
		}
	}
	return ks.defaultRole
}

// allHarmless reports whether every option forbids only what this server
// never offers (forwarding, X11, rc files), so honouring it is free.
func allHarmless(options []string) bool {
	for _, o := range options {
		switch strings.ToLower(o) {
		case "no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc":
		default:
			return false
		}
	}
	return true
}
