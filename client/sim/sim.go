// Package sim is an in-process simulator of the Auvious snapshot API
// (shared/spec/rtc-api-snapshots.txt) and of the platform endpoints around it
// (shared/spec/platform.md): OAuth2 client credentials, user endpoints,
// interactions, snapshots, HMAC-signed image URLs and the server-sent event
// stream. It serves demo data, simulated customer devices that answer
// snapshot and camera requests, optional persistence and injectable faults.
//
// It never imports bubbletea and never writes to stdout.
package sim

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/snapdash/snapdash/client"
)

// Fixed identities of the simulated organization. Tokens issued for a role
// carry the matching user id as `sub`.
const (
	// OrganizationID is the id of the single simulated organization.
	OrganizationID = "org-snapdash-demo"
	// AgentUserID is the user id of the demo agent.
	AgentUserID = "agent-ada.lovelace"
	// SupervisorUserID is the user id of the demo supervisor.
	SupervisorUserID = "supervisor-grace.hopper"
)

// Default values of Options fields left zero.
const (
	DefaultAcquireDelay      = 1500 * time.Millisecond
	DefaultTokenLifetime     = time.Hour
	DefaultPingInterval      = 15 * time.Second
	DefaultEventBuffer       = 10000
	DefaultMaxUploadBytes    = 32 << 20
	DefaultSignedURLLifetime = 15 * time.Minute
)

// Role is what a token may do: agents act, supervisors only read.
type Role string

// The roles the simulator knows.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
)

// authority returns the JWT authority string of r.
func (r Role) authority() string {
	if r == RoleSupervisor {
		return "ROLE_SUPERVISOR"
	}
	return "ROLE_AGENT"
}

// userID returns the fixed user id of r.
func (r Role) userID() string {
	if r == RoleSupervisor {
		return SupervisorUserID
	}
	return AgentUserID
}

// Credential is one OAuth2 client the token endpoint accepts.
type Credential struct {
	ClientID     string // OAuth2 client_id
	ClientSecret string // OAuth2 client_secret (a demo value, not a secret)
	Role         Role   // what the issued tokens may do
	UserID       string // the `sub` of the issued tokens
}

// Faults are failures injected at runtime (see SetFaults). They apply to the
// /rtc-api paths; the token endpoint only gets Latency.
type Faults struct {
	// Latency is added before every request is handled.
	Latency time.Duration
	// ErrorRate is the probability (0..1) of a 500 answer.
	ErrorRate float64
	// RateLimitRate is the probability (0..1) of a 429 with Retry-After: 1.
	RateLimitRate float64
	// RateLimitEvery, when positive, answers every Nth /rtc-api request
	// (the event stream's included) with a 429 and Retry-After: 1.
	RateLimitEvery int
	// DropStreamAfter closes each event stream after this many events (0 = never).
	DropStreamAfter int
	// TokenLifetime, when positive, overrides Options.TokenLifetime for
	// tokens issued from then on.
	TokenLifetime time.Duration
}

// Options configure a Server. The zero value is a usable empty server.
type Options struct {
	// Seed makes ids, pictures and fault draws deterministic.
	Seed int64
	// Now is the clock (default time.Now). Token expiry, signed URL expiry,
	// timestamps and demo times all use it.
	Now func() time.Time
	// DataDir, when set, persists state (state.json) and images (images/)
	// after every change and reloads them in New.
	DataDir string
	// Demo seeds demo interactions and snapshots in every state.
	Demo bool
	// Customers makes the demo customers' devices answer snapshot requests
	// (after AcquireDelay) and camera commands.
	Customers bool
	// AcquireDelay is how long a simulated device takes to answer (default 1.5s).
	AcquireDelay time.Duration
	// TokenLifetime is the lifetime of issued tokens (default 1h).
	TokenLifetime time.Duration
	// Faults are the initial injected faults.
	Faults Faults
	// PingInterval is the period of `: ping` comments on the stream (default 15s).
	PingInterval time.Duration
	// EventBuffer is how many events are kept for Last-Event-ID replay (default 10000).
	EventBuffer int
	// MaxUploadBytes caps an uploaded image (default 32 MiB); larger is a 413.
	MaxUploadBytes int64
	// SignedURLLifetime is how long a signed URL is valid (default 15m).
	SignedURLLifetime time.Duration
	// OpaqueTokens makes the token endpoint and IssueToken hand out opaque
	// bearer tokens (random strings, not JWTs) as a platform may: the user
	// id is then only in the token response's sub.
	OpaqueTokens bool
	// PictureWidth is the width of generated pictures (default 1280; the
	// height is 3/4 of it). Tests under -race may want 320.
	PictureWidth int
	// Logger receives debug logs (default: discarded).
	Logger *slog.Logger
	// MQTTBroker, when set (tcp://127.0.0.1:1883, or a ws:// URL), also
	// publishes every event to that broker as the platform does: QoS 1 on
	// user/{userId}/{userEndpointId} of each user endpoint it concerns.
	MQTTBroker string
}

// Server is a running simulator. All methods are safe for concurrent use.
type Server struct {
	opts      Options
	now       func() time.Time
	log       *slog.Logger
	jwtKey    []byte
	urlKey    []byte
	handler   http.Handler
	creds     []Credential
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup // stream handlers and device callbacks

	mu     sync.RWMutex
	st     *state
	pcg    *rand.PCG
	rng    *rand.Rand
	images map[string][]byte
	ring   ring
	notify chan struct{}
	closed bool
	timers map[*time.Timer]struct{}

	faultMu  sync.Mutex
	faults   Faults
	faultRng *rand.Rand
	apiCalls int64 // /rtc-api requests, for RateLimitEvery

	tokMu  sync.Mutex
	opaque map[string]claims // opaque token -> what it stands for

	picMu    sync.Mutex
	picCache map[string][]byte

	saveMu sync.Mutex

	srvMu   sync.Mutex
	httpSrv *http.Server
	ln      net.Listener

	mqtt *mqttPublisher // nil without Options.MQTTBroker
}

// New builds a server: it reloads DataDir when it holds a saved state, else
// seeds demo data when Demo is set.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AcquireDelay <= 0 {
		opts.AcquireDelay = DefaultAcquireDelay
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = DefaultTokenLifetime
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = DefaultPingInterval
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = DefaultEventBuffer
	}
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if opts.SignedURLLifetime <= 0 {
		opts.SignedURLLifetime = DefaultSignedURLLifetime
	}
	if opts.PictureWidth <= 0 {
		opts.PictureWidth = PictureWidth
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts:     opts,
		now:      opts.Now,
		log:      opts.Logger,
		jwtKey:   deriveKey(opts.Seed, "jwt"),
		urlKey:   deriveKey(opts.Seed, "signed-url"),
		done:     make(chan struct{}),
		images:   map[string][]byte{},
		ring:     newRing(opts.EventBuffer),
		notify:   make(chan struct{}),
		timers:   map[*time.Timer]struct{}{},
		faults:   opts.Faults,
		faultRng: rand.New(rand.NewPCG(uint64(opts.Seed), 0xfa017)),
		picCache: map[string][]byte{},
		opaque:   map[string]claims{},
		creds: []Credential{
			{ClientID: "snapdash-agent", ClientSecret: "demo-agent-secret", Role: RoleAgent, UserID: AgentUserID},
			{ClientID: "snapdash-supervisor", ClientSecret: "demo-supervisor-secret", Role: RoleSupervisor, UserID: SupervisorUserID},
		},
	}
	s.pcg = rand.NewPCG(uint64(opts.Seed), 0x5eed)
	s.rng = rand.New(s.pcg)
	s.st = newState()
	loaded, err := s.load()
	if err != nil {
		return nil, err
	}
	if !loaded && opts.Demo {
		s.mu.Lock()
		s.seedDemo()
		s.mu.Unlock()
		if err := s.save(); err != nil {
			return nil, err
		}
	}
	s.handler = s.routes()
	if opts.MQTTBroker != "" {
		if s.mqtt, err = newMQTTPublisher(opts.MQTTBroker, opts.EventBuffer, s.log); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// deriveKey makes a deterministic secret from the seed, so tokens and signed
// URLs stay valid across a restart with the same seed.
func deriveKey(seed int64, purpose string) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(seed))
	h := sha256.Sum256(append([]byte("snapdash-sim/"+purpose+"/"), b[:]...))
	return h[:]
}

// Handler returns the HTTP handler of the whole API, for use with httptest.
// Call Close before closing a test server that has open event streams.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in a goroutine.
func (s *Server) Start(addr string) error {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.httpSrv != nil {
		return errors.New("sim: already started")
	}
	select {
	case <-s.done:
		return errors.New("sim: closed")
	default:
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sim: listen: %w", err)
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.ln, s.httpSrv = ln, srv
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// URL returns the base URL (http://host:port) once Start succeeded, else "".
func (s *Server) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close ends event streams, stops simulated devices, stops the listener and
// saves the state. It waits for every goroutine the server started.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		for t := range s.timers {
			if t.Stop() {
				s.wg.Done()
			}
		}
		s.timers = map[*time.Timer]struct{}{}
		close(s.done)
		s.mu.Unlock()
		s.srvMu.Lock()
		if s.httpSrv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			if e := s.httpSrv.Shutdown(ctx); e != nil {
				_ = s.httpSrv.Close()
			}
			cancel()
		}
		s.srvMu.Unlock()
		s.wg.Wait()
		if s.mqtt != nil {
			s.mqtt.close()
		}
		err = s.save()
	})
	return err
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.faultMu.Lock()
	s.faults = f
	s.faultMu.Unlock()
}

// currentFaults returns a copy of the injected faults.
func (s *Server) currentFaults() Faults {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faults
}

// Credentials returns the demo OAuth2 clients: snapdash-agent /
// demo-agent-secret (agent) and snapdash-supervisor / demo-supervisor-secret
// (supervisor).
func (s *Server) Credentials() []Credential {
	return append([]Credential(nil), s.creds...)
}

// Snapshot returns a copy of one snapshot, pending requests included (their
// State is client.StateRequested).
func (s *Server) Snapshot(id string) (client.Snapshot, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.st.Snapshots[id]
	if !ok {
		return client.Snapshot{}, false
	}
	snap := rec.Snapshot
	if rec.Pending {
		snap.State = client.StateRequested
	}
	return snap, true
}

// Interactions returns every interaction, newest first.
func (s *Server) Interactions() []client.Interaction {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.sortedInteractions()
}

// Publish injects an event into the stream. Seq, ID and Timestamp are filled
// in when empty (Seq is always assigned by the server).
func (s *Server) Publish(ev client.Event) {
	s.mu.Lock()
	s.publishLocked(ev)
	s.mu.Unlock()
}
