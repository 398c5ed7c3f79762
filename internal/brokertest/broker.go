// Package brokertest runs a real mosquitto broker for tests: loopback ports
// picked free, a config the test writes, a plain MQTT listener and a
// WebSocket one (and both over TLS with Options.TLS), optionally a password
// file. Tests skip, naming the package
// to install, when mosquitto is absent.
package brokertest

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Options configure a Broker.
type Options struct {
	// Passwords, when not nil, turns anonymous access off and accepts only
	// these user names with these passwords.
	Passwords map[string]string
	// TLS adds a TLS MQTT listener and a TLS WebSocket one (SSLURL,
	// WSSURL), with a certificate from a test authority (ClientTLS).
	TLS bool
}

// Broker is a running mosquitto.
type Broker struct {
	t       testing.TB
	dir     string
	tcpPort int
	wsPort  int
	sslPort int // Options.TLS
	wssPort int // Options.TLS
	ca      *x509.Certificate
	opts    Options

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	log    *lockedBuffer
	// logs of earlier runs (before Restart)
	past strings.Builder
}

// Start runs mosquitto for the rest of the test; it is stopped in Cleanup.
func Start(t testing.TB, opts Options) *Broker {
	t.Helper()
	if _, err := exec.LookPath("mosquitto"); err != nil {
		t.Skip("mosquitto is not installed (Debian: apt-get install mosquitto mosquitto-clients); skipping the MQTT test")
	}
	b := &Broker{t: t, dir: t.TempDir(), tcpPort: freePort(t), wsPort: freePort(t), opts: opts}
	if opts.Passwords != nil {
		if _, err := exec.LookPath("mosquitto_passwd"); err != nil {
			t.Skip("mosquitto_passwd is not installed (Debian: apt-get install mosquitto); skipping the MQTT test")
		}
		b.writePasswords(opts.Passwords)
	}
	if opts.TLS {
		b.sslPort, b.wssPort = freePort(t), freePort(t)
		b.writeCerts()
	}
	b.writeConfig()
	b.start()
	t.Cleanup(b.Stop)
	return b
}

// WSURL is the WebSocket listener, ws://127.0.0.1:port/ws.
func (b *Broker) WSURL() string { return "ws://127.0.0.1:" + strconv.Itoa(b.wsPort) + "/ws" }

// TCPURL is the plain MQTT listener, tcp://127.0.0.1:port.
func (b *Broker) TCPURL() string { return "tcp://127.0.0.1:" + strconv.Itoa(b.tcpPort) }

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (b *Broker) writeConfig() {
	var c strings.Builder
	fmt.Fprintf(&c, "per_listener_settings false\npersistence false\nlog_dest stderr\nlog_type all\nconnection_messages true\n")
	if os.Geteuid() == 0 {
		c.WriteString("user root\n") // else it drops to a user who cannot read the test's files
	}
	if b.opts.Passwords != nil {
		fmt.Fprintf(&c, "allow_anonymous false\npassword_file %s\n", filepath.Join(b.dir, "passwd"))
	} else {
		c.WriteString("allow_anonymous true\n")
	}
	fmt.Fprintf(&c, "listener %d 127.0.0.1\nprotocol mqtt\n", b.tcpPort)
	fmt.Fprintf(&c, "listener %d 127.0.0.1\nprotocol websockets\n", b.wsPort)
	if b.opts.TLS {
		c.WriteString(b.tlsListeners())
	}
	if err := os.WriteFile(filepath.Join(b.dir, "mosquitto.conf"), []byte(c.String()), 0o600); err != nil {
		b.t.Fatal(err)
	}
}

func (b *Broker) writePasswords(pw map[string]string) {
	path := filepath.Join(b.dir, "passwd.new")
	_ = os.Remove(path)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		b.t.Fatal(err)
	}
	for user, pass := range pw {
		out, err := exec.Command("mosquitto_passwd", "-b", path, user, pass).CombinedOutput()
		if err != nil {
			b.t.Fatalf("mosquitto_passwd: %v: %s", err, out)
		}
	}
	if err := os.Rename(path, filepath.Join(b.dir, "passwd")); err != nil {
		b.t.Fatal(err)
	}
}

// SetPasswords replaces the accepted user names and passwords and makes the
// broker reload them (SIGHUP); it returns once the broker logged the reload.
// Connections already open stay open.
func (b *Broker) SetPasswords(pw map[string]string) {
	b.t.Helper()
	b.writePasswords(pw)
	b.mu.Lock()
	if b.cmd == nil {
		b.mu.Unlock()
		return
	}
	log := b.log
	before := strings.Count(log.String(), reloadLine)
	_ = b.cmd.Process.Signal(syscall.SIGHUP)
	b.mu.Unlock()
	// mosquitto reloads in its single event loop right after logging this,
	// so no CONNECT is checked against the old file afterwards.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(log.String(), reloadLine) == before {
		if time.Now().After(deadline) {
			b.t.Errorf("mosquitto did not reload its config within 10 s")
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const reloadLine = "Reloading config."

func (b *Broker) start() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	cmd := exec.Command("mosquitto", "-c", filepath.Join(b.dir, "mosquitto.conf"))
	b.log = &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = b.log, b.log
	if err := cmd.Start(); err != nil {
		b.t.Fatalf("mosquitto: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	b.cmd, b.exited = cmd, exited // Stop ends it even if it never listens
	deadline := time.Now().Add(15 * time.Second)
	for _, port := range []int{b.tcpPort, b.wsPort, b.sslPort, b.wssPort} {
		if port == 0 {
			continue // no TLS listeners
		}
		for {
			c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				b.cmd = nil
				b.t.Fatalf("mosquitto exited at start:\n%s", b.log.String())
			default:
			}
			if time.Now().After(deadline) {
				b.t.Fatalf("mosquitto did not listen on %d within 15s:\n%s", port, b.log.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// Stop ends the broker and waits for it. Stopping twice is fine.
func (b *Broker) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil {
		return
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.exited
	}
	b.past.WriteString(b.log.String())
	b.cmd = nil
}

// Restart stops the broker and starts it again on the same ports. Without
// persistence it forgets every session, as a broker that lost its state.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Stop()
	b.start()
}

// Resume starts a stopped broker again on the same ports (Stop, then
// Resume: an outage as long as the test wants).
func (b *Broker) Resume() {
	b.t.Helper()
	b.start()
}

// Log returns everything the broker logged, earlier runs included.
func (b *Broker) Log() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := ""
	if b.cmd != nil {
		cur = b.log.String()
	}
	return b.past.String() + cur
}

// lockedBuffer is a bytes.Buffer safe for the process's writes and the
// test's reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
