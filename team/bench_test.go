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
	const pictures = 20_000
	br := brokertest.Start(b, brokertest.Options{})
	for range b.N {
		type key struct {
			owner string
			sent  int64
		}
		type seen struct {
			max time.Duration
			n   int
		}
		var (
			tmu      sync.Mutex
			spread   = map[key]*seen{}
			holding  sync.Map // sid -> reviewer index: who holds it now
			approved sync.Map // sid -> true: the platform's state
			sent     atomic.Int64
			won      atomic.Int64
			lost     atomic.Int64
			stale    atomic.Int64
			doubles  atomic.Int64
		)
		trace := func(a Applied) {
			if a.Op != "claim" {
				return
			}
			tmu.Lock()
			k := key{a.Owner, a.Sent.UnixNano()}
			s := spread[k]
			if s == nil {
				s = &seen{}
				spread[k] = s
			}
			s.n++
			s.max = max(s.max, a.At.Sub(a.Sent))
			tmu.Unlock()
		}
		hubs := make([]*Hub, reviewers)
		rs := make([]*Reviewer, reviewers)
		for i := range hubs {
			hubs[i] = connect(b, br.TCPURL(), Options{Trace: trace})
			rs[i] = hubs[i].Join(fmt.Sprintf("r%d", i))
		}
		b.ResetTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for i, r := range rs {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(i), 1))
				next := 0 // the queue's head as this reviewer knows it
				if pause > 0 {
					time.Sleep(time.Duration(rng.Int64N(int64(pause)))) // not all at once
				}
				for sent.Load() < claims {
					if pause > 0 {
						time.Sleep(pause)
					}
					// n: one of the first free pictures.
					var sid string
					skip := rng.IntN(3)
					for j := next; j < pictures; j++ {
						id := fmt.Sprintf("p%05d", j)
						if _, ok := approved.Load(id); ok {
							if j == next {
								next++
							}
							continue
						}
						if _, ok := r.Holder(id); ok {
							continue
						}
						if skip == 0 {
							sid = id
							break
						}
						skip--
					}
					if sid == "" {
						return
					}
					if sent.Add(1) > claims {
						return
					}
					st, _ := r.Claim(sid)
					if st == Taken {
						lost.Add(1)
						continue
					}
					var outcome Kind
				wait:
					for {
						<-r.Signal()
						for _, e := range r.Events() {
							if e.SnapshotID == sid && (e.Kind == Won || e.Kind == Lost) {
								outcome = e.Kind
								break wait
							}
						}
					}
					if outcome == Lost {
						lost.Add(1)
						continue
					}
					won.Add(1)
					if other, dup := holding.LoadOrStore(sid, i); dup {
						doubles.Add(1)
						b.Errorf("%s held by r%d and r%d at once", sid, other, i)
					}
					if _, done := approved.Load(sid); done {
						stale.Add(1) // the server would refuse it: approved meanwhile
					} else {
						approved.Store(sid, true)
					}
					holding.Delete(sid)
					r.Release(sid)
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		var lat []time.Duration
		tmu.Lock()
		for _, s := range spread {
			if s.n == reviewers { // every hub, the claimant's too, applied it
				lat = append(lat, s.max)
			}
		}
		tmu.Unlock()
		slices.Sort(lat)
		settled := won.Load() + lost.Load()
		b.ReportMetric(float64(settled)/elapsed.Seconds(), "claims/s")
		if len(lat) > 0 {
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-seen-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-seen-ms")
		}
		b.ReportMetric(float64(doubles.Load()), "double-reviews")
		b.ReportMetric(float64(won.Load()), "won")
		b.ReportMetric(float64(lost.Load()), "lost")
		b.ReportMetric(float64(stale.Load()), "stale-wins")
		b.ReportMetric(float64(len(lat)), "timed-claims")
		for _, h := range hubs {
			h.Close()
		}
		b.StartTimer()
	}
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
