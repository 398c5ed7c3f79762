package tasks

import "testing"

func TestKindsCountedAloneAndWithTheRest(t *testing.T) {
	var r Registry
	if r.Count("camera") != 0 {
		t.Fatal("a new registry counts a kind in flight")
	}
	up := r.Start("uploading a")
	c1 := r.StartKind("camera", "camera: sending Flash on")
	c2 := r.StartKind("camera", "camera: sending Zoom in")
	if c1.Kind != "camera" || up.Kind != "" || c1.ID == c2.ID || c1.ID == up.ID {
		t.Fatalf("tasks %+v %+v %+v", up, c1, c2)
	}
	if r.Len() != 3 || r.Count("camera") != 2 || r.Count("") != 1 || r.Count("review") != 0 {
		t.Fatalf("Len %d, camera %d, plain %d", r.Len(), r.Count("camera"), r.Count(""))
	}
	if got := r.Running(); len(got) != 3 || got[1] != c1 || got[2] != c2 {
		t.Fatalf("Running %+v", got)
	}
	if got, ok := r.Finish(c1.ID); !ok || got != c1 {
		t.Fatalf("Finish(c1) = %+v, %t", got, ok)
	}
	if r.Count("camera") != 1 || r.Len() != 2 {
		t.Fatalf("after one camera task: camera %d, Len %d", r.Count("camera"), r.Len())
	}
	r.Finish(c2.ID)
	r.Finish(up.ID)
	if r.Count("camera") != 0 || r.Len() != 0 {
		t.Fatalf("all finished: camera %d, Len %d", r.Count("camera"), r.Len())
	}
}
