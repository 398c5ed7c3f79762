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
