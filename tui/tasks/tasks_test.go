package tasks

import "testing"

func TestStartFinishCounts(t *testing.T) {
	var r Registry
	if r.Len() != 0 || len(r.Running()) != 0 {
		t.Fatal("a new registry has work in flight")
	}
	a := r.Start("uploading a")
	b := r.Start("saving b")
	if a.ID == b.ID || a.ID == 0 || b.ID == 0 {
		t.Fatalf("ids %d and %d: not distinct and non-zero", a.ID, b.ID)
	}
	if r.Len() != 2 {
		t.Fatalf("Len %d, want 2", r.Len())
	}
	if got := r.Running(); len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("Running %+v, want %+v then %+v", got, a, b)
	}
	if got, ok := r.Finish(a.ID); !ok || got != a {
		t.Fatalf("Finish(a) = %+v, %t", got, ok)
	}
	if _, ok := r.Finish(a.ID); ok {
		t.Fatal("a task finished twice")
	}
	if _, ok := r.Finish(0); ok {
		t.Fatal("the zero id finished a task")
	}
	if r.Len() != 1 || r.Running()[0] != b {
		t.Fatalf("after finishing a: %+v", r.Running())
	}
	// Ids are not reused after a finish.
	if c := r.Start("copying c"); c.ID == a.ID || c.ID == b.ID {
		t.Fatalf("id %d reused", c.ID)
	}
}

// keyA and keyB are two features' key types: the same string under each
// names two different things.
type (
	keyA string
	keyB string
)

func TestStartOnOneTaskPerKey(t *testing.T) {
	var r Registry
	plain := r.Start("uploading a")
	a, ok := r.StartOn(keyA("s1"), "approving s1", 7)
	if !ok || a.Key != keyA("s1") || a.Value != 7 || a.ID == plain.ID {
		t.Fatalf("StartOn = %+v, %t", a, ok)
	}
	if _, ok := r.StartOn(keyA("s1"), "discarding s1", 8); ok {
		t.Fatal("a second task on the same key was started")
	}
	if r.Len() != 2 {
		t.Fatalf("Len %d after a refused start, want 2", r.Len())
	}
	// Another feature's key type is another thing, though its text is the same.
	b, ok := r.StartOn(keyB("s1"), "sending s1", nil)
	if !ok || b.ID == a.ID {
		t.Fatalf("keyB(s1) = %+v, %t: refused or shared with keyA(s1)", b, ok)
	}
	if got, ok := r.On(keyA("s1")); !ok || got != a {
		t.Fatalf("On(keyA) = %+v, %t, want %+v", got, ok, a)
	}
	if _, ok := r.On(keyA("s2")); ok {
		t.Fatal("On found a task on a key nothing works on")
	}
	if _, ok := r.On(nil); ok {
		t.Fatal("On(nil) found a task")
	}
	if _, ok := r.StartOn(nil, "x", nil); ok {
		t.Fatal("StartOn(nil) started a task")
	}
	if got := r.Running(); len(got) != 3 || got[0] != plain || got[1] != a || got[2] != b {
		t.Fatalf("Running %+v", got)
	}
}

func TestFinishFreesTheKey(t *testing.T) {
	var r Registry
	a, _ := r.StartOn(keyA("s1"), "approving s1", 7)
	// Finishing frees the key for the next task.
	if got, ok := r.Finish(a.ID); !ok || got != a {
		t.Fatalf("Finish(a) = %+v, %t", got, ok)
	}
	if _, ok := r.On(keyA("s1")); ok {
		t.Fatal("the key still names a finished task")
	}
	again, ok := r.StartOn(keyA("s1"), "discarding s1", 9)
	if !ok || again.ID == a.ID {
		t.Fatalf("restart on a freed key = %+v, %t", again, ok)
	}
	// A stale finish of the old id does not free the new task's key.
	if _, ok := r.Finish(a.ID); ok {
		t.Fatal("a task finished twice")
	}
	if got, ok := r.On(keyA("s1")); !ok || got.ID != again.ID {
		t.Fatalf("On after a stale finish = %+v, %t", got, ok)
	}
}
