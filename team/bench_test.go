package team

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/snapdash/snapdash/internal/brokertest"
)

// BenchmarkTeam50Reviewers: 50 reviewers, each its own process's hub with
// its own connection, through one mosquitto on loopback, work one queue of
// pictures as `n` does (the first free ones, so they collide all the
// time) until 10,000 claims were sent. It reports claims settled per
// second, the time from a claim to every other reviewer having applied it
// (p50, p99), and the pictures two reviewers held at once (must be 0).
//
//	go test -run '^$' -bench Team50 -benchtime 1x ./team
func BenchmarkTeam50Reviewers(b *testing.B) { benchTeam(b, 50, 10_000, 0) }

// BenchmarkTeam50ReviewersPaced is the same team at a human pace, each
// reviewer pressing n every half second (100 claims/s in all, more than
// any real team): the time to be seen when the broker is not saturated.
func BenchmarkTeam50ReviewersPaced(b *testing.B) { benchTeam(b, 50, 2_000, 500*time.Millisecond) }

// BenchmarkTeam5ReviewersPaced is a small team at the same pace per
// reviewer, for comparison: what the broker's fan-out to 50 costs.
func BenchmarkTeam5ReviewersPaced(b *testing.B) { benchTeam(b, 5, 200, 500*time.Millisecond) }

func benchTeam(b *testing.B, reviewers int, claims int64, pause time.Duration) {
	br := brokertest.Start(b, brokertest.Options{})
	for range b.N {
		run := &teamRun{b: b, reviewers: reviewers, claims: claims, pause: pause, spread: map[claimKey]*claimSeen{}}
		hubs := make([]*Hub, reviewers)
		rs := make([]*Reviewer, reviewers)
		for i := range hubs {
			hubs[i] = connect(b, br.TCPURL(), Options{Trace: run.trace})
			rs[i] = hubs[i].Join(fmt.Sprintf("r%d", i))
		}
		b.ResetTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for i, r := range rs {
			wg.Go(func() { run.review(i, r) })
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		run.report(elapsed)
		for _, h := range hubs {
			h.Close()
		}
		b.StartTimer()
	}
}

// benchPictures is the length of benchTeam's queue.
const benchPictures = 20_000

// claimKey names one claim sent: its owner and its sending time.
type claimKey struct {
	owner string
	sent  int64
}

// claimSeen is how many hubs applied a claim, and the longest it took one.
type claimSeen struct {
	max time.Duration
	n   int
}

// teamRun is one run of benchTeam: the team's shared queue and what was
// measured.
type teamRun struct {
	b         *testing.B
	reviewers int
	claims    int64
	pause     time.Duration

	tmu      sync.Mutex
	spread   map[claimKey]*claimSeen
	holding  sync.Map // sid -> reviewer index: who holds it now
	approved sync.Map // sid -> true: the platform's state
	sent     atomic.Int64
	won      atomic.Int64
	lost     atomic.Int64
	stale    atomic.Int64
	doubles  atomic.Int64
}

// trace records, for every claim applied by a hub, how long after its
// sending it was applied.
func (t *teamRun) trace(a Applied) {
	if a.Op != "claim" {
		return
	}
	t.tmu.Lock()
	k := claimKey{a.Owner, a.Sent.UnixNano()}
	s := t.spread[k]
	if s == nil {
		s = &claimSeen{}
		t.spread[k] = s
	}
	s.n++
	s.max = max(s.max, a.At.Sub(a.Sent))
	t.tmu.Unlock()
}

// review is reviewer i's work: press n (at the run's pace) until the run's
// claims were all sent or the queue is empty; approve each picture won,
// counting one two reviewers held at once.
func (t *teamRun) review(i int, r *Reviewer) {
	rng := rand.New(rand.NewPCG(uint64(i), 1))
	next := 0 // the queue's head as this reviewer knows it
	if t.pause > 0 {
		time.Sleep(time.Duration(rng.Int64N(int64(t.pause)))) // not all at once
	}
	for t.sent.Load() < t.claims {
		if t.pause > 0 {
			time.Sleep(t.pause)
		}
		var sid string
		sid, next = t.pick(r, next, rng.IntN(3))
		if sid == "" {
			return
		}
		if t.sent.Add(1) > t.claims {
			return
		}
		if st, _ := r.Claim(sid); st == Taken || claimOutcome(r, sid) == Lost {
			t.lost.Add(1)
			continue
		}
		t.won.Add(1)
		if other, dup := t.holding.LoadOrStore(sid, i); dup {
			t.doubles.Add(1)
			t.b.Errorf("%s held by r%d and r%d at once", sid, other, i)
		}
		if _, done := t.approved.Load(sid); done {
			t.stale.Add(1) // the server would refuse it: approved meanwhile
		} else {
			t.approved.Store(sid, true)
		}
		t.holding.Delete(sid)
		r.Release(sid)
	}
}

// pick is n: one of the first free pictures from the queue's head next,
// skipping skip free ones. It returns "" when none is left, and the head
// moved past the pictures approved meanwhile.
func (t *teamRun) pick(r *Reviewer, next, skip int) (string, int) {
	for j := next; j < benchPictures; j++ {
		id := fmt.Sprintf("p%05d", j)
		if _, ok := t.approved.Load(id); ok {
			if j == next {
				next++
			}
			continue
		}
		if _, ok := r.Holder(id); ok {
			continue
		}
		if skip == 0 {
			return id, next
		}
		skip--
	}
	return "", next
}

// claimOutcome waits for the Won or Lost event of reviewer r's claim on sid.
func claimOutcome(r *Reviewer, sid string) Kind {
	for {
		<-r.Signal()
		for _, e := range r.Events() {
			if e.SnapshotID == sid && (e.Kind == Won || e.Kind == Lost) {
				return e.Kind
			}
		}
	}
}

// report reports the run's metrics: claims settled a second, the time for a
// claim to be applied by every hub (p50, p99, of the claims all applied),
// and the counts.
func (t *teamRun) report(elapsed time.Duration) {
	b := t.b
	var lat []time.Duration
	t.tmu.Lock()
	for _, s := range t.spread {
		if s.n == t.reviewers { // every hub, the claimant's too, applied it
			lat = append(lat, s.max)
		}
	}
	t.tmu.Unlock()
	slices.Sort(lat)
	settled := t.won.Load() + t.lost.Load()
	b.ReportMetric(float64(settled)/elapsed.Seconds(), "claims/s")
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-seen-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-seen-ms")
	}
	b.ReportMetric(float64(t.doubles.Load()), "double-reviews")
	b.ReportMetric(float64(t.won.Load()), "won")
	b.ReportMetric(float64(t.lost.Load()), "lost")
	b.ReportMetric(float64(t.stale.Load()), "stale-wins")
	b.ReportMetric(float64(len(lat)), "timed-claims")
}

// BenchmarkMQTTFanout50Paced is the peer to compare the paced team with:
// plain paho clients through the same mosquitto, no claims logic. 50
// clients each publish, every half second, three messages (as a claim, its
// hold and its release are three) to a topic all 50 subscribe to; it
// reports the time from the first one's publication to all 50 having
// received it. Run both in one go to compare on the same machine load:
//
//	go test -run '^$' -bench 'Paced' -benchtime 1x ./team
func BenchmarkMQTTFanout50Paced(b *testing.B) {
	const (
		clients = 50
		rounds  = 2_000
		pause   = 500 * time.Millisecond
	)
	br := brokertest.Start(b, brokertest.Options{})
	for range b.N {
		var (
			mu     sync.Mutex
			spread = map[int64]*struct {
				max time.Duration
				n   int
			}{}
		)
		cls := make([]mqtt.Client, clients)
		for i := range cls {
			o := mqtt.NewClientOptions().AddBroker(br.TCPURL()).SetClientID(fmt.Sprintf("fanout-%d", i)).
				SetProtocolVersion(4).SetCleanSession(true).SetOrderMatters(true)
			cl := mqtt.NewClient(o)
			if t := cl.Connect(); !t.WaitTimeout(20*time.Second) || t.Error() != nil {
				b.Fatalf("connect: %v", t.Error())
			}
			t := cl.Subscribe("fanout/#", 1, func(_ mqtt.Client, m mqtt.Message) {
				var sent int64
				if _, err := fmt.Sscan(string(m.Payload()), &sent); err != nil || sent == 0 {
					return
				}
				d := time.Since(time.Unix(0, sent))
				mu.Lock()
				s := spread[sent]
				if s == nil {
					s = &struct {
						max time.Duration
						n   int
					}{}
					spread[sent] = s
				}
				s.n++
				s.max = max(s.max, d)
				mu.Unlock()
			})
			if !t.WaitTimeout(20*time.Second) || t.Error() != nil {
				b.Fatalf("subscribe: %v", t.Error())
			}
			cls[i] = cl
		}
		b.ResetTimer()
		var sent atomic.Int64
		var wg sync.WaitGroup
		for i, cl := range cls {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(i), 2))
				time.Sleep(time.Duration(rng.Int64N(int64(pause))))
				for sent.Add(1) <= rounds {
					time.Sleep(pause)
					topic := fmt.Sprintf("fanout/p%05d", rng.IntN(20_000))
					cl.Publish(topic, 1, false, strconv.FormatInt(time.Now().UnixNano(), 10))
					cl.Publish(topic, 1, true, "0")
					cl.Publish(topic, 1, true, "0").WaitTimeout(10 * time.Second)
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		time.Sleep(time.Second) // the last deliveries: counted only when all 50 arrived
		var lat []time.Duration
		mu.Lock()
		for _, s := range spread {
			if s.n == clients {
				lat = append(lat, s.max)
			}
		}
		mu.Unlock()
		slices.Sort(lat)
		if len(lat) > 0 {
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-seen-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-seen-ms")
		}
		b.ReportMetric(float64(len(lat)), "timed-messages")
		for _, cl := range cls {
			cl.Disconnect(100)
		}
		b.StartTimer()
	}
}
