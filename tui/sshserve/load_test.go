package sshserve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The load run is opt-in: SNAPDASH_LOAD=1 go test -run '^TestLoad$' ./tui/sshserve/
// (bench/ssh-load.sh). The server and the simulator run in this process;
// the SSH clients run in a child process (this test binary again), so the
// heap figures are the server side's only.
const (
	loadEnv       = "SNAPDASH_LOAD"
	loadChildEnv  = "SNAPDASH_LOAD_CHILD" // server address, set for the child
	loadKeyEnv    = "SNAPDASH_LOAD_KEY"   // the child's private key file
	loadResultTag = "LOADRESULT "
	loadMarker    = `Preview · ascii · \d+×\d+` // a regexp: the first picture is drawn
)

// loadResult is what the child measures.
type loadResult struct {
	Sessions      int       `json:"sessions"`
	FirstScreenMs []float64 `json:"first_screen_ms"` // dial to dashboard with its picture drawn
	KeyLatencyMs  []float64 `json:"key_latency_ms"`  // key sent to the first byte of the answer
	FirstBytes    []int     `json:"first_bytes"`     // first chunk after a move: the list redraw
	MoveBytes     []int     `json:"move_bytes"`      // all bytes until quiet, new preview included
	Errors        []string  `json:"errors"`
}

func loadInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestLoad(t *testing.T) {
	if os.Getenv(loadEnv) == "" || os.Getenv(loadChildEnv) != "" {
		t.Skip("set SNAPDASH_LOAD=1 (bench/ssh-load.sh) for the load run")
	}
	n := loadInt("SNAPDASH_LOAD_SESSIONS", 50)
	p := newPlatform(t)
	key := newTestKey(t, "load")
	// SNAPDASH_LOAD_MODEL=bare serves the one-line test model instead of
	// the dashboard: what the SSH layer itself costs per session.
	bare := os.Getenv("SNAPDASH_LOAD_MODEL") == "bare"
	api := &countingAPI{Client: p.api}
	shared := os.Getenv("SNAPDASH_LOAD_UPSTREAM") == "shared"
	opts := Options{NewSession: p.loadSessions(t, api, shared), NewModel: realTUI, MaxSessions: n + 8,
		// Every load client dials from 127.0.0.1 at once.
		MaxUnauthenticated: n + 8, MaxPerAddress: n + 8}
	marker, what := loadMarker, "real tui, an upstream per session"
	if shared {
		what = "real tui, one shared upstream"
	}
	if bare {
		opts.NewModel, marker, what = nil, `count=\d`, "bare test model"
	}
	ts := startServer(t, opts, key)
	// The simulator renders and caches pictures on first use: warm it with
	// one session so the figures are per session, not start-up.
	warm := dial(t, ts.Addr().String(), key, clientOpts{})
	warm.WaitMatch(marker)
	warm.Send("j")
	time.Sleep(300 * time.Millisecond)
	warm.Send("q")
	warm.waitExit()
	waitSessions(t, ts.Server, 0)

	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	block, err := gossh.MarshalPrivateKey(key.priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadClients$", "-test.v", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), loadChildEnv+"="+ts.Addr().String(), loadKeyEnv+"="+keyFile,
		"SNAPDASH_LOAD_SESSIONS="+strconv.Itoa(n), "SNAPDASH_LOAD_MARKER="+marker, "SNAPDASH_LOAD_BARE="+strconv.FormatBool(bare))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var childErr bytes.Buffer
	cmd.Stderr = &childErr

	before := heapInuse()
	requests0, started := api.n.Load(), time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var res loadResult
	var after uint64
	var childOut strings.Builder
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "READY":
			after = heapInuse()
			if prof := os.Getenv("SNAPDASH_LOAD_HEAPPROFILE"); prof != "" {
				if f, err := os.Create(prof); err == nil {
					_ = pprof.WriteHeapProfile(f)
					_ = f.Close()
				}
			}
			if got := ts.Sessions(); got != n {
				t.Errorf("%d sessions running, want %d", got, n)
			}
			_, _ = io.WriteString(stdin, "GO\n")
		case strings.HasPrefix(line, loadResultTag):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, loadResultTag)), &res); err != nil {
				t.Fatal(err)
			}
		default:
			childOut.WriteString(line + "\n")
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("load clients: %v\n%s%s", err, childOut.String(), childErr.String())
	}
	if res.Sessions != n || after == 0 {
		t.Fatalf("incomplete run (%d sessions):\n%s%s", res.Sessions, childOut.String(), childErr.String())
	}
	per := (float64(after) - float64(before)) / float64(n)
	requests, elapsed := api.n.Load()-requests0, time.Since(started)
	report := fmt.Sprintf(`ssh load (%s): %d concurrent sessions on loopback (server + model + sim in one process, clients in another), GOMAXPROCS=%d
  heap in use per session (HeapInuse delta / %d): %.0f KiB  (before %.1f MiB, with sessions %.1f MiB)
  first screen (dial, auth, probe, first picture drawn): p50 %.0f ms  p99 %.0f ms
  keystroke to first output byte (j/k, all sessions at once): p50 %.1f ms  p99 %.1f ms  (%d moves)
  bytes per cursor move: first chunk (list redraw) median %d B; until quiet (new preview drawn) median %d B, p99 %d B
  upstream requests to the platform: %d in %.0f s (%.0f per minute, %.1f per session)
  errors: %d %v`,
		what, n, runtime.GOMAXPROCS(0), n, per/1024, float64(before)/(1<<20), float64(after)/(1<<20),
		pct(res.FirstScreenMs, 50), pct(res.FirstScreenMs, 99),
		pct(res.KeyLatencyMs, 50), pct(res.KeyLatencyMs, 99), len(res.KeyLatencyMs),
		pctInt(res.FirstBytes, 50), pctInt(res.MoveBytes, 50), pctInt(res.MoveBytes, 99),
		requests, elapsed.Seconds(), float64(requests)/elapsed.Minutes(), float64(requests)/float64(n),
		len(res.Errors), firstN(res.Errors, 3))
	t.Log("\n" + report)
	if out := os.Getenv("SNAPDASH_LOAD_OUT"); out != "" {
		_ = os.WriteFile(out, []byte(report+"\n"), 0o644)
	}
	if len(res.Errors) > 0 {
		t.Errorf("%d session errors", len(res.Errors))
	}
}

// TestLoadClients is the child side of TestLoad.
func TestLoadClients(t *testing.T) {
	addr := os.Getenv(loadChildEnv)
	if addr == "" {
		t.Skip("run by TestLoad")
	}
	n := loadInt("SNAPDASH_LOAD_SESSIONS", 50)
	moves := loadInt("SNAPDASH_LOAD_MOVES", 20)
	marker := os.Getenv("SNAPDASH_LOAD_MARKER")
	if marker == "" {
		marker = loadMarker
	}
	markerRE := regexp.MustCompile(marker)
	pemBytes, err := os.ReadFile(os.Getenv(loadKeyEnv))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var res loadResult
	fail := func(err error) {
		mu.Lock()
		res.Errors = append(res.Errors, err.Error())
		mu.Unlock()
	}
	sessions := make([]*rawSession, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			s, err := dialRaw(addr, signer)
			if err != nil {
				fail(err)
				return
			}
			if !s.waitFor(func(b []byte) bool { return markerRE.Match(b) }, 60*time.Second) {
				fail(fmt.Errorf("session %d: dashboard never drawn", i))
				return
			}
			mu.Lock()
			res.FirstScreenMs = append(res.FirstScreenMs, ms(time.Since(start)))
			mu.Unlock()
			sessions[i] = s
		}()
	}
	wg.Wait()
	time.Sleep(time.Second) // let every session settle (pictures, stream)
	fmt.Println("READY")
	if line, _ := bufio.NewReader(os.Stdin).ReadString('\n'); strings.TrimSpace(line) != "GO" {
		t.Fatalf("parent said %q", line)
	}
	for _, s := range sessions {
		if s == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range moves {
				k := "j" // the bare model counts j presses
				if m%2 == 1 && os.Getenv("SNAPDASH_LOAD_BARE") != "true" {
					k = "k" // the dashboard has three rows: go down and up
				}
				lat, first, total, err := s.move(k)
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				res.KeyLatencyMs = append(res.KeyLatencyMs, ms(lat))
				res.FirstBytes = append(res.FirstBytes, first)
				res.MoveBytes = append(res.MoveBytes, total)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Sessions = 0
	for _, s := range sessions {
		if s != nil {
			res.Sessions++
			s.close()
		}
	}
	b, _ := json.Marshal(res)
	fmt.Println(loadResultTag + string(b))
}

// rawSession is a load client: no emulator, only a byte log, and answers to
// the server's terminal query so the probe ends at once as with a real
// terminal.
type rawSession struct {
	conn  *gossh.Client
	sess  *gossh.Session
	stdin io.WriteCloser

	mu      sync.Mutex
	cond    *sync.Cond
	out     []byte
	chunks  []int // sizes of the reads, in order
	eof     bool
	replied bool
}

func dialRaw(addr string, signer gossh.Signer) (*rawSession, error) {
	conn, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "load",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)}, HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	sess, err := conn.NewSession()
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	s := &rawSession{conn: conn, sess: sess}
	s.cond = sync.NewCond(&s.mu)
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		return nil, err
	}
	if s.stdin, err = sess.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	go s.read(stdout)
	return s, nil
}

func (s *rawSession) read(r io.Reader) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		s.mu.Lock()
		s.out = append(s.out, buf[:n]...)
		if n > 0 {
			s.chunks = append(s.chunks, n)
		}
		if !s.replied && bytes.Contains(s.out, []byte(queryDA1)) {
			s.replied = true
			_, _ = io.WriteString(s.stdin, "\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c")
		}
		if err != nil {
			s.eof = true
		}
		s.cond.Broadcast()
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// waitFor waits until ok(output) or the timeout.
func (s *rawSession) waitFor(ok func([]byte) bool, timeout time.Duration) bool {
	t := time.AfterFunc(timeout, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer t.Stop()
	deadline := time.Now().Add(timeout)
	s.mu.Lock()
	defer s.mu.Unlock()
	for !ok(s.out) {
		if s.eof || time.Now().After(deadline) {
			return false
		}
		s.cond.Wait()
	}
	return true
}

// move sends key and measures the time to the first answering byte, the
// size of that first chunk, and all bytes until 200ms of quiet.
func (s *rawSession) move(key string) (time.Duration, int, int, error) {
	s.mu.Lock()
	mark, chunkMark := len(s.out), len(s.chunks)
	s.mu.Unlock()
	start := time.Now()
	if _, err := io.WriteString(s.stdin, key); err != nil {
		return 0, 0, 0, err
	}
	if !s.waitFor(func(b []byte) bool { return len(b) > mark }, 10*time.Second) {
		return 0, 0, 0, fmt.Errorf("no answer to %q", key)
	}
	lat := time.Since(start)
	s.mu.Lock()
	first := s.chunks[chunkMark]
	s.mu.Unlock()
	last := -1
	for quiet := time.Now(); time.Since(quiet) < 200*time.Millisecond; {
		time.Sleep(20 * time.Millisecond)
		s.mu.Lock()
		if l := len(s.out); l != last {
			last, quiet = l, time.Now()
		}
		s.mu.Unlock()
	}
	return lat, first, last - mark, nil
}

func (s *rawSession) close() {
	_ = s.sess.Close()
	_ = s.conn.Close()
}

// heapInuse returns HeapInuse after two collections.
func heapInuse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func waitSessions(t testing.TB, s *Server, want int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for s.Sessions() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions, want %d", s.Sessions(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(math.Ceil(p/100*float64(len(s))))-1)]
}

func pctInt(v []int, p float64) int {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return int(pct(f, p))
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }
