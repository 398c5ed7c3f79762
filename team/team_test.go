package team

import (
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestMemoryClaimOnceAndRelease(t *testing.T) {
	h := NewMemory(Options{})
	defer h.Close()
	ada, bob := h.Join("ada"), h.Join("bob")
	if st, _ := ada.Claim("s1"); st != Held {
		t.Fatalf("ada's claim: %v, want Held", st)
	}
	if st, who := bob.Claim("s1"); st != Taken || who != "ada" {
		t.Fatalf("bob's claim: %v %q, want Taken by ada", st, who)
	}
	if who, ok := bob.Holder("s1"); !ok || who != "ada" {
		t.Fatalf("bob sees holder %q %v, want ada", who, ok)
	}
	if _, ok := ada.Holder("s1"); ok {
		t.Fatal("ada's own claim is shown to her as someone else's")
	}
	evs := bob.Events()
	if len(evs) != 1 || evs[0].Kind != Changed || evs[0].SnapshotID != "s1" || evs[0].Holder != "ada" {
		t.Fatalf("bob's events: %+v, want one Changed s1 by ada", evs)
	}
	ada.Release("s1")
	if _, ok := bob.Holder("s1"); ok {
		t.Fatal("released claim still shown")
	}
	if st, _ := bob.Claim("s1"); st != Held {
		t.Fatalf("bob's claim after the release: %v, want Held", st)
	}
	// Leaving releases.
	bob.Leave()
	if st, _ := ada.Claim("s1"); st != Held {
		t.Fatalf("ada's claim after bob left: %v, want Held", st)
	}
}

func TestMemoryExpiredClaimIsTakenOver(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	h := NewMemory(Options{Lease: time.Minute, Margin: 5 * time.Second, Now: clk.Now})
	defer h.Close()
	ada, bob := h.Join("ada"), h.Join("bob")
	ada.Claim("s1")
	clk.Add(time.Minute) // within lease + margin
	if st, _ := bob.Claim("s1"); st != Taken {
		t.Fatalf("claim within the margin: %v, want Taken", st)
	}
	clk.Add(6 * time.Second) // past lease + margin, never renewed
	if _, ok := bob.Holder("s1"); ok {
		t.Fatal("an expired claim is still shown")
	}
	if st, _ := bob.Claim("s1"); st != Held {
		t.Fatalf("claim over an expired one: %v, want Held", st)
	}
	var lost *Event
	for _, e := range ada.Events() {
		if e.Kind == Lost {
			lost = &e
		}
	}
	if lost == nil || lost.SnapshotID != "s1" || lost.Holder != "bob" {
		t.Fatalf("ada was not told bob took s1 over: %+v", lost)
	}
	if ada.Holds("s1") {
		t.Fatal("ada still thinks she holds s1")
	}
}

func TestMemoryConcurrentClaimsOneWinner(t *testing.T) {
	h := NewMemory(Options{})
	defer h.Close()
	const n = 20
	rs := make([]*Reviewer, n)
	for i := range rs {
		rs[i] = h.Join("r")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	held := 0
	for _, r := range rs {
		wg.Go(func() {
			if st, _ := r.Claim("s1"); st == Held {
				mu.Lock()
				held++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if held != 1 {
		t.Fatalf("%d reviewers hold s1, want 1", held)
	}
}

func TestTopicLevelRoundTrip(t *testing.T) {
	for _, s := range []string{"abc", "a/b", "+#", "50%", "x\x00y", "ünï", ""} {
		l := topicLevel(s)
		for _, c := range l {
			if c == '/' || c == '+' || c == '#' || c == 0 {
				t.Fatalf("topicLevel(%q) = %q has %q", s, l, c)
			}
		}
		back, ok := unTopicLevel(l)
		if !ok || back != s {
			t.Fatalf("round trip of %q: %q %v", s, back, ok)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"tcp://h:1883", "ssl://h:8883", "ws://h/mqtt", "wss://h/mqtt"} {
		if err := CheckURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "h:1883", "http://h", "tcp://ada:s3cret@h:1883"} {
		err := CheckURL(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if contains(err.Error(), "s3cret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
