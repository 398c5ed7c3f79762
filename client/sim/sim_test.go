package sim

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
)

func TestPictures(t *testing.T) {
	width := 320 // full-size pictures take a second each under -race
	if dumpDir != "" {
		width = PictureWidth
	}
	for _, kind := range []string{KindMeter, KindDocument, KindCar, KindAny} {
		for seed := int64(1); seed <= 2; seed++ {
			b, err := PictureScaled(kind, seed, width)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := PictureScaled(kind, seed, width)
			if !bytes.Equal(b, again) {
				t.Fatalf("%s/%d not deterministic", kind, seed)
			}
			if http.DetectContentType(b) != "image/jpeg" {
				t.Fatalf("%s: not a JPEG", kind)
			}
			img, err := jpeg.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, width, width*3/4) {
				t.Fatalf("%s: bounds %v", kind, img.Bounds())
			}
			if dumpDir != "" {
				f, _ := os.Create(filepath.Join(dumpDir, kind+"-"+itoa(seed)+".png"))
				_ = png.Encode(f, img)
				_ = f.Close()
			}
		}
	}
	full, err := Picture(KindDocument, 1)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(full)); err != nil || cfg.Width != PictureWidth || cfg.Height != PictureHeight {
		t.Fatalf("full size: %+v %v", cfg, err)
	}
	a, _ := PictureScaled(KindCar, 1, 320)
	b, _ := PictureScaled(KindCar, 2, 320)
	if bytes.Equal(a, b) {
		t.Error("different seeds gave the same car")
	}
	if _, err := Picture("unicorn", 1); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := PictureScaled(KindCar, 1, 8); err == nil {
		t.Error("tiny width accepted")
	}
	if m, _ := PictureFor("meter", 3); !bytes.Equal(m, must(Picture(KindMeter, 3))) {
		t.Error("PictureFor(meter) is not a meter")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestDemoData(t *testing.T) {
	clk := newClock()
	s, err := New(Options{Demo: true, Now: clk.Now, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ins := s.Interactions()
	if len(ins) < 4 || len(ins) > 5 {
		t.Fatalf("%d interactions", len(ins))
	}
	states := map[client.SnapshotState]int{}
	types := map[string]bool{}
	hostile := false
	for _, in := range ins {
		if age := clk.Now().Sub(*in.CreatedAt); age < 0 || age > 24*time.Hour {
			t.Errorf("interaction %s is %v old", in.ID, age)
		}
		d := demoData(t, in)
		if d.CustomerName == "" || d.CustomerUserID == "" || d.CustomerUserEndpointID == "" || d.AgentUserID != AgentUserID ||
			d.SessionType == "" || d.SessionID == "" {
			t.Errorf("data %+v", d)
		}
		hostile = hostile || strings.Contains(d.CustomerName, "\x1b]0;")
	}
	s.mu.RLock()
	for _, rec := range s.st.Snapshots {
		snap, _ := s.Snapshot(rec.Snapshot.ID)
		states[snap.State]++
		types[snap.Type] = true
	}
	s.mu.RUnlock()
	for _, st := range []client.SnapshotState{client.StateUploaded, client.StateApproved, client.StateDiscarded, client.StateRequested} {
		if states[st] == 0 {
			t.Errorf("no %s snapshot in demo (%v)", st, states)
		}
	}
	for _, typ := range []string{"car-damage", "meter", "id-document", "other"} {
		if !types[typ] {
			t.Errorf("no %s snapshot in demo", typ)
		}
	}
	if !hostile {
		t.Error("no hostile customer name")
	}
	flashless := 0
	for _, d := range s.Devices() {
		if !d.HasFlash {
			flashless++
		}
	}
	if len(s.Devices()) != len(ins) || flashless != 1 {
		t.Errorf("devices %+v", s.Devices())
	}
}

func TestDeterminism(t *testing.T) {
	clk := newClock()
	snapshotJSON := func(seed int64) (string, []byte) {
		s, err := New(Options{Demo: true, Now: clk.Now, Seed: seed, PictureWidth: 320})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ins := s.Interactions()
		s.mu.RLock()
		js, _ := json.Marshal(s.st.Snapshots)
		s.mu.RUnlock()
		all, _ := json.Marshal(ins)
		var first string
		for id, rec := range s.st.Snapshots {
			if !rec.Pending && (first == "" || id < first) {
				first = id
			}
		}
		img, _, ok := s.ImageBytes(first)
		if !ok {
			t.Fatal("no demo image")
		}
		return string(all) + string(js), img
	}
	a, imgA := snapshotJSON(42)
	b, imgB := snapshotJSON(42)
	c, _ := snapshotJSON(43)
	if a != b || !bytes.Equal(imgA, imgB) {
		t.Error("same seed, different demo")
	}
	if a == c {
		t.Error("different seeds, same demo")
	}
}

func TestSimulatedCustomers(t *testing.T) {
	f := newFixture(t, Options{Customers: true, AcquireDelay: 30 * time.Millisecond})
	c := f.stream(f.agent, "", "")
	id := f.request()
	ev := c.waitEvent(t, client.EventSnapshotAcquired)
	if ev.SnapshotID != id || ev.UserID != f.d.CustomerUserID || ev.UserEndpointID != f.d.CustomerUserEndpointID || ev.InteractionID != f.in.ID {
		t.Fatalf("acquired event %+v", ev)
	}
	snap, _ := f.s.Snapshot(id)
	img, mt, ok := f.s.ImageBytes(id)
	if snap.State != client.StateUploaded || !ok || mt != "image/jpeg" || !bytes.Equal(img, must(PictureScaled(KindCar, pictureSeed(0, id), 320))) {
		t.Fatalf("device picture: %+v", snap)
	}
	// Camera commands: the flashless device refuses FLASH_ON, others obey.
	for _, d := range f.s.Devices() {
		cmd := client.CameraRequestCommand{UserEndpointID: f.agentEP, TargetUserID: d.UserID,
			TargetUserEndpointID: d.UserEndpointID, CameraRequestType: client.CameraFlashOn}
		r := f.do("POST", "/rtc-api/snapshots/cameraRequest", f.agent, cmd)
		var reqID string
		_ = json.Unmarshal(r.body, &reqID)
		ev := c.waitEvent(t, client.EventSnapshotCameraRequestProcessed)
		if ev.SnapshotCameraRequestID != reqID || ev.Succeeded == nil || *ev.Succeeded != d.HasFlash || ev.UserID != d.UserID {
			t.Fatalf("device %+v answered %+v", d, ev)
		}
		if !d.HasFlash && ev.AdditionalInformation != "device has no flash" {
			t.Errorf("no-flash reason %q", ev.AdditionalInformation)
		}
	}
	// A request answered by a device while the server closes must not leak.
	f.request()
}

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	opts := Options{Demo: true, DataDir: dir, Now: clk.Now, Seed: 5}
	f := newFixture(t, opts)
	id := f.request()
	f.acquire(id)
	if r := f.do("POST", "/rtc-api/snapshots/approve", f.agent, client.SnapshotApproveCommand{SnapshotID: id, UserEndpointID: f.agentEP}); r.status != 204 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	f.s.mu.RLock()
	seq := f.s.st.Seq
	f.s.mu.RUnlock()
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "images", id+".jpeg")); err != nil {
		t.Fatal(err)
	}

	e := start(t, opts)
	snap, ok := e.s.Snapshot(id)
	if !ok || snap.State != client.StateApproved {
		t.Fatalf("after restart: %+v", snap)
	}
	if len(e.s.Interactions()) != len(demoPlan) {
		t.Fatal("demo seeded twice")
	}
	e.s.mu.Lock()
	delete(e.s.images, id) // force the read from disk
	e.s.mu.Unlock()
	if img, _, ok := e.s.ImageBytes(id); !ok || !bytes.Equal(img, f.jpeg) {
		t.Fatal("image lost across restart")
	}
	// The agent's token and endpoint survive too; sequence numbers continue.
	c := e.stream(f.agent, "", "")
	d := f.d
	r := e.do("POST", "/rtc-api/snapshots/request", f.agent, client.SnapshotRequestCommand{ApplicationID: "a", UserEndpointID: f.agentEP,
		TargetUserID: d.CustomerUserID, TargetUserEndpointID: d.CustomerUserEndpointID, InteractionID: f.in.ID})
	if r.status != 200 {
		t.Fatalf("request after restart: %d %s", r.status, r.body)
	}
	var res client.SnapshotRequestResult
	_ = json.Unmarshal(r.body, &res)
	if _, dup := f.s.Snapshot(res.SnapshotID); dup {
		t.Fatal("id reused after restart")
	}
	if ev := c.waitEvent(t, client.EventSnapshotRequested); ev.Seq != seq+1 {
		t.Fatalf("seq after restart %d, want %d", ev.Seq, seq+1)
	}
	// A client that saw events before the restart must resync.
	c2 := e.stream(f.agent, "", itoa(int64(seq-1)))
	if m, _ := c2.next(t, false); m.event != client.EventResyncRequired {
		t.Fatalf("want resync after restart, got %+v", m)
	}
}

func TestFaults(t *testing.T) {
	e := start(t, Options{Demo: true, Seed: 3})
	path := "/rtc-api/interactions/" + e.s.Interactions()[0].ID
	e.s.SetFaults(Faults{ErrorRate: 1})
	wantFields(t, e.do("GET", path, e.agent, nil), 500, map[string]string{"error": "injected"})
	e.s.SetFaults(Faults{RateLimitRate: 1})
	r := e.do("GET", path, e.agent, nil)
	if r.status != 429 || r.header.Get("Retry-After") != "1" {
		t.Fatalf("rate limit: %d %v", r.status, r.header)
	}
	// The token endpoint is not failed, only delayed.
	e.s.SetFaults(Faults{ErrorRate: 1, Latency: 60 * time.Millisecond})
	t0 := time.Now()
	r = tokenForm(e, map[string][]string{"grant_type": {"client_credentials"}, "client_id": {"snapdash-agent"}, "client_secret": {"demo-agent-secret"}}, "", "")
	if r.status != 200 || time.Since(t0) < 60*time.Millisecond {
		t.Fatalf("token under faults: %d after %v", r.status, time.Since(t0))
	}
	// Half the requests fail, deterministically per seed.
	e.s.SetFaults(Faults{ErrorRate: 0.5})
	fails := 0
	for i := 0; i < 200; i++ {
		if e.do("GET", path, e.agent, nil).status == 500 {
			fails++
		}
	}
	if fails < 60 || fails > 140 {
		t.Errorf("%d/200 failures at rate 0.5", fails)
	}
	e.s.SetFaults(Faults{})
	if r := e.do("GET", path, e.agent, nil); r.status != 200 {
		t.Fatalf("after clearing faults: %d", r.status)
	}
}

// TestFaultDrawsDeterministic: the same seed fails the same requests of a
// sequential run; another seed fails others.
func TestFaultDrawsDeterministic(t *testing.T) {
	pattern := func(seed int64) string {
		e := start(t, Options{Demo: true, Seed: seed, Faults: Faults{ErrorRate: 0.3, RateLimitRate: 0.2}})
		path := "/rtc-api/interactions/" + e.s.Interactions()[0].ID
		var b strings.Builder
		for range 64 {
			b.WriteString(strconv.Itoa(e.do("GET", path, e.agent, nil).status) + " ")
		}
		return b.String()
	}
	a, b, c := pattern(11), pattern(11), pattern(12)
	if a != b {
		t.Errorf("seed 11 twice:\n%s\n%s", a, b)
	}
	if a == c {
		t.Error("seeds 11 and 12 fail the same requests")
	}
	for _, want := range []string{"200 ", "429 ", "500 "} {
		if !strings.Contains(a, want) {
			t.Errorf("no %s in %s", want, a)
		}
	}
}
