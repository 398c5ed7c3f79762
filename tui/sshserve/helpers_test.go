package sshserve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"image/color"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/termtest"
	"github.com/snapdash/snapdash/tui"
	gossh "golang.org/x/crypto/ssh"
)

// testKey is a client key pair with its authorized_keys comment.
type testKey struct {
	signer  gossh.Signer
	priv    ed25519.PrivateKey
	comment string
}

func newTestKey(t testing.TB, comment string) testKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{signer: s, priv: priv, comment: comment}
}

func (k testKey) fingerprint() string { return gossh.FingerprintSHA256(k.signer.PublicKey()) }

// authorizedLine is the key's authorized_keys line.
func (k testKey) authorizedLine() string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.signer.PublicKey()))) + " " + k.comment
}

// writeAuthorized writes an authorized_keys file and bumps its mtime so a
// rewrite within the same clock tick is still seen as a change.
func writeAuthorized(t testing.TB, path string, keys ...testKey) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# test keys\n\n")
	for _, k := range keys {
		b.WriteString(k.authorizedLine() + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	next := time.Now().Add(time.Duration(len(keys)+1) * time.Second)
	if !st.ModTime().Before(next) {
		next = st.ModTime().Add(time.Second)
	}
	if err := os.Chtimes(path, next, next); err != nil {
		t.Fatal(err)
	}
}

// logBuffer collects the server's log for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// testServer is a running server with its cancel and log.
type testServer struct {
	*Server
	cancel context.CancelFunc
	done   chan error
	log    *logBuffer
	dir    string
}

// startServer starts a server on loopback; opts' zero fields get test
// values (a temp authorized_keys holding keys, host key in a temp dir, the
// test model).
func startServer(t testing.TB, opts Options, keys ...testKey) *testServer {
	t.Helper()
	dir := t.TempDir()
	lb := &logBuffer{}
	if opts.AuthorizedKeys == "" {
		opts.AuthorizedKeys = filepath.Join(dir, "authorized_keys")
		writeAuthorized(t, opts.AuthorizedKeys, keys...)
	}
	if opts.HostKeyPath == "" {
		opts.HostKeyPath = filepath.Join(dir, "host", "ssh_host_ed25519")
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.NewSession == nil {
		opts.NewSession = func(SessionInfo) (tui.Options, error) { return tui.Options{API: nopAPI{}}, nil }
	}
	if opts.NewModel == nil {
		opts.NewModel = func(info SessionInfo, o tui.Options) (tea.Model, error) { return &testModel{info: info, opts: o}, nil }
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Server: srv, cancel: cancel, done: make(chan error, 1), log: lb, dir: dir}
	go func() { ts.done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		ts.stop(t)
		if t.Failed() {
			t.Logf("server log:\n%s", lb.String())
		}
	})
	return ts
}

// stop cancels Serve and waits for it (idempotent).
func (ts *testServer) stop(t testing.TB) error {
	t.Helper()
	ts.cancel()
	select {
	case err, ok := <-ts.done:
		if ok {
			close(ts.done)
		}
		return err
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	return nil
}

// nopAPI satisfies tui.API for sessions that never call it.
type nopAPI struct{ tui.API }

// testModel shows its state on one line; j counts, p panics in Update,
// P panics in a command, q quits.
type testModel struct {
	info SessionInfo
	opts tui.Options
	w, h int
	n    int
}

func (m *testModel) Init() tea.Cmd { return nil }

func (m *testModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyMsg:
		// Bubble Tea v1 delivers runes that arrive together as one KeyMsg.
		for _, r := range msg.Runes {
			switch r {
			case 'j':
				m.n++
			case 'p':
				panic("test panic in Update")
			case 'P':
				return m, tea.Batch(func() tea.Msg { panic("test panic in a command") })
			case 'q':
				return m, tea.Quit
			}
		}
	}
	return m, nil
}

func (m *testModel) View() string {
	return fmt.Sprintf("count=%d size=%dx%d role=%s ro=%v theme=%s dark=%v",
		m.n, m.w, m.h, m.info.Role, m.opts.ReadOnly, m.opts.Theme, m.info.DarkBackground)
}

// sshClient is one SSH session seen through the shared terminal harness.
type sshClient struct {
	*termtest.Term
	t      testing.TB
	conn   *gossh.Client
	sess   *gossh.Session
	stderr logBuffer
	waitc  chan error
}

// clientOpts configure dial.
type clientOpts struct {
	user      string
	w, h      int
	term      string
	env       map[string]string
	noPty     bool
	noReplies bool // the "terminal" never answers queries
	lightBg   bool
}

func dialSSH(t testing.TB, addr string, key testKey, user string) (*gossh.Client, error) {
	t.Helper()
	cfg := &gossh.ClientConfig{
		User:            user,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	}
	return gossh.Dial("tcp", addr, cfg)
}

// login connects as user with key, failing the test if the server refuses;
// the connection closes when the test ends.
func login(t testing.TB, addr string, key testKey, user string) *gossh.Client {
	t.Helper()
	conn, err := dialSSH(t, addr, key, user)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// dial connects, requests a pty (unless noPty) and starts the shell.
func dial(t testing.TB, addr string, key testKey, o clientOpts) *sshClient {
	t.Helper()
	if o.user == "" {
		o.user = "tester"
	}
	if o.w == 0 {
		o.w, o.h = 100, 30
	}
	if o.term == "" {
		o.term = "xterm-256color"
	}
	conn, err := dialSSH(t, addr, key, o.user)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	c := &sshClient{t: t, conn: conn, sess: sess, waitc: make(chan error, 1)}
	topts := termtest.Options{Width: o.w, Height: o.h, NoReplies: o.noReplies}
	if o.lightBg {
		topts.Background, topts.Foreground = rgb(0xff, 0xff, 0xff), rgb(0, 0, 0)
	}
	for k, v := range o.env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("setenv: %v", err)
		}
	}
	if !o.noPty {
		if err := sess.RequestPty(o.term, o.h, o.w, gossh.TerminalModes{}); err != nil {
			t.Fatalf("pty: %v", err)
		}
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sess.Stderr = &c.stderr
	if err := sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	c.Term = termtest.New(t, stdin, stdout, topts)
	go func() { c.waitc <- sess.Wait() }()
	t.Cleanup(func() {
		_ = sess.Close()
		_ = conn.Close()
		if t.Failed() {
			t.Logf("session stderr: %s", c.stderr.String())
		}
	})
	return c
}

// waitExit waits for the session to end and its output to be read to the
// end, and returns its exit status.
func (c *sshClient) waitExit() int {
	c.t.Helper()
	select {
	case err := <-c.waitc:
		c.WaitDone()
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		default:
			return -1
		}
	case <-time.After(termtest.DefaultTimeout):
		c.t.Fatalf("session did not end; screen:\n%s", c.Screen())
	}
	return -1
}

func rgb(r, g, b uint8) color.Color { return color.RGBA{R: r, G: g, B: b, A: 0xff} }

// output returns everything the session wrote to the terminal and stderr.
func (c *sshClient) output() string { return string(c.Output()) + c.stderr.String() }
