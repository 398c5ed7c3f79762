package watch

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/common"
)

func TestMain(m *testing.M) {
	// Goldens are plain text whatever terminal runs the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// t0 is the fixed clock of every test.
var t0 = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return t0 }

func ago(d time.Duration) *time.Time {
	t := t0.Add(-d)
	return &t
}

func styles(t testing.TB) *theme.Styles {
	t.Helper()
	st, err := theme.Load("dark", nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func inter(id, customer, agent string, created time.Duration) client.Interaction {
	data := map[string]string{}
	if customer != "" {
		data["customerName"] = customer
	}
	if agent != "" {
		data["agentUserId"] = agent
	}
	b, _ := json.Marshal(data)
	return client.Interaction{ID: id, CreatedBy: "creator-" + id, CreatedAt: ago(created), Data: b}
}

// snap is a snapshot in state st that arrived d ago.
func snap(id string, st client.SnapshotState, d time.Duration) client.Snapshot {
	return client.Snapshot{ID: id, State: st, CreatedAt: ago(d + 20*time.Second), Timestamp: ago(d)}
}

// fixtureRows are the rows of the golden screens: every level, a hostile
// name, wide characters, a long name, huge counts and filler to scroll.
func fixtureRows() []Row {
	ins := []client.Interaction{
		inter("int-0001-eleni", "Eleni Papadopoulou", "agent-ana", 50*time.Minute),
		inter("int-0002-james", "James O'Connor", "agent-bob", 30*time.Minute),
		inter("int-0003-sofia", "Sofía García", "agent-ana", 15*time.Minute),
		inter("int-0004-mallory", sim.HostileCustomerName, "agent-\x1b[2Jbob", 5*time.Minute),
		inter("int-0005-kenji", "渡辺 健二", "agent-chen", 2*time.Minute),
		inter("int-0006-max", "Maximilian Alexander von Hohenzollern-Sigmaringen", "agent-with-a-very-long-user-id-0123456789", 26*time.Hour),
		{ID: "int-0007-nodata", CreatedBy: "agent-dora", CreatedAt: ago(time.Hour)},
	}
	snaps := map[string][]client.Snapshot{
		"int-0001-eleni": {
			snap("e1", client.StateApproved, 40*time.Minute), snap("e2", client.StateDiscarded, 30*time.Minute),
			snap("e3", client.StateApproved, 20*time.Minute)},
		"int-0002-james": {
			snap("j1", client.StateApproved, 25*time.Minute), snap("j2", client.StateUploaded, 9*time.Minute+12*time.Second)},
		"int-0003-sofia": {
			snap("s1", client.StateUploaded, 3*time.Minute+5*time.Second), snap("s2", client.StateDiscarded, 4*time.Minute),
			snap("s3", client.StateUploaded, time.Minute)},
		"int-0004-mallory": {snap("m1", client.StateUploaded, 45*time.Second)},
	}
	big := make([]client.Snapshot, 0, 12+10000+1234)
	for i := 0; i < 12; i++ {
		big = append(big, snap("x"+strconv.Itoa(i), client.StateUploaded, 2*time.Hour+5*time.Minute-time.Duration(i)*time.Minute))
	}
	for i := 0; i < 1234; i++ {
		big = append(big, snap("a"+strconv.Itoa(i), client.StateApproved, 3*time.Hour))
	}
	for i := 0; i < 10000; i++ {
		big = append(big, snap("d"+strconv.Itoa(i), client.StateDiscarded, 3*time.Hour))
	}
	snaps["int-0006-max"] = big
	pending := map[string]int{"int-0003-sofia": 1, "int-0004-mallory": 2, "int-0005-kenji": 1}
	last := map[string]time.Time{"int-0005-kenji": t0.Add(-30 * time.Second), "int-0001-eleni": t0.Add(-3 * time.Minute)}
	for i := 8; i < 31; i++ {
		id := "int-" + strconv.Itoa(1000+i)
		ins = append(ins, inter(id, "Customer "+strconv.Itoa(i), "agent-"+strconv.Itoa(i%4), time.Duration(i)*time.Minute))
	}
	return Summarize(ins, snaps, pending, last)
}

func newModel(t testing.TB, rows []Row, w, h int) Model {
	t.Helper()
	m := New(common.New(styles(t), fixedNow, time.UTC), Thresholds{})
	m.SetSize(w, h)
	m.SetRows(rows)
	return m
}

// benchData is n interactions with four snapshots each.
func benchData(n int) ([]client.Interaction, map[string][]client.Snapshot) {
	ins := make([]client.Interaction, n)
	snaps := make(map[string][]client.Snapshot, n)
	states := []client.SnapshotState{client.StateUploaded, client.StateApproved, client.StateDiscarded, client.StateUploaded}
	for i := range ins {
		id := "int-" + strconv.Itoa(i)
		ins[i] = inter(id, "Customer "+strconv.Itoa(i), "agent-"+strconv.Itoa(i%9), time.Duration(i)*time.Second)
		for j, st := range states {
			snaps[id] = append(snaps[id], snap(id+"-"+strconv.Itoa(j), st, time.Duration(i%700+j)*time.Second))
		}
	}
	return ins, snaps
}
