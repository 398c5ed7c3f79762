package sshserve

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/tui"
	gossh "golang.org/x/crypto/ssh"
)

// chattyModel redraws its whole screen every few milliseconds, so a client
// that reads nothing closes its channel window within a second or two.
type chattyModel struct {
	w, h, n int
}

type chatTick struct{}

func chatEvery() tea.Cmd {
	return tea.Tick(5*time.Millisecond, func(time.Time) tea.Msg { return chatTick{} })
}

func (m *chattyModel) Init() tea.Cmd { return chatEvery() }

func (m *chattyModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case chatTick:
		m.n++
		return m, chatEvery()
	}
	return m, nil
}

func (m *chattyModel) View() string {
	line := strings.Repeat(fmt.Sprint(m.n%10), max(m.w, 1))
	return strings.TrimSuffix(strings.Repeat(line+"\n", max(m.h, 1)), "\n")
}

// chattyFor gives users whose name starts with "dead" the chatty model and
// everyone else the test model.
func chattyFor(info SessionInfo, o tui.Options) (tea.Model, error) {
	if strings.HasPrefix(info.User, "dead") {
		return &chattyModel{}, nil
	}
	return &testModel{info: info, opts: o}, nil
}

// ptyPayload is the body of a pty-req for a w×h terminal.
func ptyPayload(w, h int) []byte {
	return gossh.Marshal(struct {
		Term                  string
		Columns, Rows, PW, PH uint32
		Modes                 string
	}{"xterm-256color", uint32(w), uint32(h), 0, 0, ""})
}

// openRawShell logs in as user, opens a bare session channel (one nothing
// reads unless the caller does) and asks for a large terminal and a shell.
func openRawShell(t *testing.T, addr string, key testKey, user string) (*gossh.Client, gossh.Channel) {
	t.Helper()
	conn := login(t, addr, key, user)
	ch, reqs, err := conn.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	go gossh.DiscardRequests(reqs)
	if ok, err := ch.SendRequest("pty-req", true, ptyPayload(400, 120)); !ok || err != nil {
		t.Fatalf("pty-req: %v %v", ok, err)
	}
	if ok, err := ch.SendRequest("shell", true, nil); !ok || err != nil {
		t.Fatalf("shell: %v %v", ok, err)
	}
	return conn, ch
}

// openDeaf logs in, asks for a large terminal and a shell, and never reads
// what the server sends.
func openDeaf(t *testing.T, addr string, key testKey) *gossh.Client {
	t.Helper()
	conn, _ := openRawShell(t, addr, key, "dead-deaf")
	return conn
}

// openFlood logs in with a shell and sends window changes as fast as the
// connection takes them until the connection is closed.
func openFlood(t *testing.T, addr string, key testKey, wg *sync.WaitGroup) *gossh.Client {
	t.Helper()
	conn := login(t, addr, key, "dead-flood")
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 50, 200, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	sess.Stdout, sess.Stderr = io.Discard, io.Discard
	// An open stdin: a client that closes its input ends its session.
	if _, err := sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if sess.WindowChange(40+i%20, 100+i%100) != nil {
				return
			}
		}
	}()
	return conn
}

// waitSessionsWithin waits until s runs want sessions, for at most d.
func waitSessionsWithin(t *testing.T, s *Server, want int, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for s.Sessions() != want {
		if time.Since(start) > d {
			t.Fatalf("%d sessions after %s, want %d", s.Sessions(), d, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// TestDeadSessionsGiveTheirSlotsBack: sessions whose client stopped reading
// or floods window changes end (killed or not) within the idle timeout plus
// 10 s, and their slots take a reviewer again.
func TestDeadSessionsGiveTheirSlotsBack(t *testing.T) {
	alice := newTestKey(t, "alice")
	const idle = 3 * time.Second
	ts := startServer(t, Options{MaxSessions: 4, IdleTimeout: idle, NewModel: chattyFor,
		KeepaliveInterval: time.Hour}, alice)
	addr := ts.Addr().String()
	var floods sync.WaitGroup
	defer floods.Wait()

	deafKilled := openDeaf(t, addr, alice)
	deafAlive := openDeaf(t, addr, alice)
	floodKilled := openFlood(t, addr, alice, &floods)
	floodAlive := openFlood(t, addr, alice, &floods)
	defer deafAlive.Close()
	defer floodAlive.Close()
	waitSessionsWithin(t, ts.Server, 4, 20*time.Second)

	// Let the deaf ones fill their windows and the floods run, then kill two.
	time.Sleep(500 * time.Millisecond)
	_ = deafKilled.Close()
	_ = floodKilled.Close()
	took := waitSessionsWithin(t, ts.Server, 0, idle+10*time.Second)
	t.Logf("all four sessions ended %s after two of the clients were killed (idle timeout %s)", took.Round(time.Millisecond), idle)

	c := dial(t, addr, alice, clientOpts{})
	c.WaitFor("count=0")
	c.Send("j")
	c.WaitFor("count=1")
	log := ts.log.String()
	if !strings.Contains(log, "window-change requests flood") {
		t.Error("the log does not tell the window-change flood")
	}
	ends := 0
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, `msg="session end"`) && strings.Contains(line, "user=dead") {
			ends++
			if !strings.Contains(line, "reason=") {
				t.Errorf("a session end without its reason: %s", line)
			}
		}
	}
	if ends != 4 {
		t.Errorf("%d session ends logged, want 4", ends)
	}
}

// TestResizeFloodKeepsTheSessionResponsive: a client flooding window
// changes still has its keys answered, and the last size wins.
func TestResizeFloodKeepsTheSessionResponsive(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{}, alice)
	c := dial(t, ts.Addr().String(), alice, clientOpts{w: 100, h: 30})
	c.WaitFor("size=100x30")
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20000; i++ {
			select {
			case <-done:
				return
			default:
			}
			if c.sess.WindowChange(20+i%10, 50+i%10) != nil {
				return
			}
		}
	}()
	c.Send("j")
	c.WaitFor("count=1")
	close(done)
	wg.Wait()
	if err := c.sess.WindowChange(33, 111); err != nil {
		t.Fatal(err)
	}
	c.WaitFor("size=111x33")
}

// freezeProxy relays TCP between a client and addr until frozen; frozen,
// it keeps both sockets open and moves no byte, like a client whose network
// is gone.
type freezeProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	frozen bool
	conns  []net.Conn
	wg     sync.WaitGroup
}

func newFreezeProxy(t *testing.T, addr string) *freezeProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezeProxy{ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", addr)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			p.wg.Add(2)
			go p.relay(up, c)
			go p.relay(c, up)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			_ = c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *freezeProxy) relay(dst, src net.Conn) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		frozen := p.frozen
		p.mu.Unlock()
		if frozen {
			return // leaves both sockets open: nothing more moves
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			_ = dst.Close()
			return
		}
	}
}

func (p *freezeProxy) freeze() {
	p.mu.Lock()
	p.frozen = true
	p.mu.Unlock()
}

// TestSilentClientEndsByKeepalive: a client that stops answering (its
// network is gone, its socket still open) is found by the server's
// keepalives and its session ends long before the idle timeout.
func TestSilentClientEndsByKeepalive(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{MaxSessions: 1, IdleTimeout: time.Hour,
		KeepaliveInterval: 200 * time.Millisecond, KeepaliveCountMax: 5}, alice)
	px := newFreezeProxy(t, ts.Addr().String())
	c := dial(t, px.ln.Addr().String(), alice, clientOpts{})
	c.WaitFor("count=0")
	// A live client answers the keepalives: it stays.
	for start := time.Now(); ts.keepalivesAnswered.Load() < 5; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			t.Fatal("no keepalive answered in 30s")
		}
	}
	if ts.Sessions() != 1 {
		t.Fatalf("a client answering keepalives lost its session:\n%s", ts.log.String())
	}
	px.freeze()
	waitSessionsWithin(t, ts.Server, 0, 10*time.Second)
	if !strings.Contains(ts.log.String(), "keepalive") {
		t.Error("the log does not say the client stopped answering keepalives")
	}
	d := dial(t, ts.Addr().String(), alice, clientOpts{})
	d.WaitFor("count=0")
}

// TestWriteDeadlineEndsATypingClientThatReadsNothing: a client that keeps
// sending keys (so it is never idle) but reads nothing loses its session
// when a write has been stuck for WriteTimeout.
func TestWriteDeadlineEndsATypingClientThatReadsNothing(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{MaxSessions: 1, IdleTimeout: time.Hour, WriteTimeout: time.Second,
		KeepaliveInterval: time.Hour, NewModel: chattyFor}, alice)
	_, ch := openRawShell(t, ts.Addr().String(), alice, "dead-typing")
	stop := make(chan struct{})
	typed := make(chan struct{})
	go func() {
		defer close(typed)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := ch.Write([]byte("j")); err != nil {
				return
			}
		}
	}()
	defer func() { close(stop); <-typed }()
	waitSessionsWithin(t, ts.Server, 1, 20*time.Second)
	took := waitSessionsWithin(t, ts.Server, 0, 30*time.Second)
	t.Logf("the session ended %s after it started", took.Round(time.Millisecond))
	if !strings.Contains(ts.log.String(), "client stopped reading") {
		t.Errorf("the log does not say the client stopped reading")
	}
}

// TestChannelsPerConnectionCapped: one connection holds at most
// maxChannelsPerConn session channels; closing one makes room.
func TestChannelsPerConnectionCapped(t *testing.T) {
	alice := newTestKey(t, "alice")
	ts := startServer(t, Options{}, alice)
	conn := login(t, ts.Addr().String(), alice, "tester")
	var open []gossh.Channel
	for i := range maxChannelsPerConn {
		ch, reqs, err := conn.OpenChannel("session", nil)
		if err != nil {
			t.Fatalf("channel %d: %v", i, err)
		}
		go gossh.DiscardRequests(reqs)
		open = append(open, ch)
	}
	if _, _, err := conn.OpenChannel("session", nil); err == nil {
		t.Fatal("a channel beyond the cap was accepted")
	}
	if !strings.Contains(ts.log.String(), "too many open on one connection") {
		t.Error("the refusal is not logged")
	}
	_ = open[0].Close()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		ch, reqs, err := conn.OpenChannel("session", nil)
		if err == nil {
			go gossh.DiscardRequests(reqs)
			_ = ch.Close()
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("still refused after a channel closed: %v", err)
		}
	}
	for _, ch := range open[1:] {
		_ = ch.Close()
	}
}
