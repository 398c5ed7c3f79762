package snapdashtest_test

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdash/snapdash/snapdashtest"
	"github.com/snapdash/snapdash/tui"
)

// TestOptionsTakeNoInternalType walks every type reachable from the
// exported fields of tui.Options (fields, elements, function parameters
// and results, interface methods) and fails on one declared under an
// internal/ directory, which code outside the module could not name.
func TestOptionsTakeNoInternalType(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(path string, ty reflect.Type)
	walk = func(path string, ty reflect.Type) {
		if seen[ty] {
			return
		}
		seen[ty] = true
		if strings.Contains(ty.PkgPath(), "/internal/") || strings.HasSuffix(ty.PkgPath(), "/internal") {
			t.Errorf("%s is %s, from an internal package", path, ty)
			return
		}
		if ty.PkgPath() != "" && !strings.HasPrefix(ty.PkgPath(), "github.com/snapdash/snapdash") {
			return // another module's type cannot name ours
		}
		switch ty.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
			walk(path, ty.Elem())
		case reflect.Map:
			walk(path+" key", ty.Key())
			walk(path, ty.Elem())
		case reflect.Func:
			for i := 0; i < ty.NumIn(); i++ {
				walk(fmt.Sprintf("%s arg %d", path, i), ty.In(i))
			}
			for i := 0; i < ty.NumOut(); i++ {
				walk(fmt.Sprintf("%s result %d", path, i), ty.Out(i))
			}
		case reflect.Interface:
			for i := 0; i < ty.NumMethod(); i++ {
				walk(path+"."+ty.Method(i).Name, ty.Method(i).Type)
			}
		case reflect.Struct:
			for i := 0; i < ty.NumField(); i++ {
				if f := ty.Field(i); f.IsExported() {
					walk(path+"."+f.Name, f.Type)
				}
			}
		}
	}
	walk("tui.Options", reflect.TypeOf(tui.Options{}))
	if len(seen) < 20 {
		t.Fatalf("walked only %d types: the walk is broken", len(seen))
	}
}

// TestScreenIsTheSameEveryRun runs one flow on three fresh dashboards
// (a move, a request whose row spins while the customer is asked, the
// events pane) and wants the same bytes each time, none of them an escape
// sequence.
func TestScreenIsTheSameEveryRun(t *testing.T) {
	var first []byte
	for i := 0; i < 3; i++ {
		d := snapdashtest.Start(t, snapdashtest.Options{Customer: "Kenji Watanabe", Width: 100, Height: 30})
		d.Screen()
		d.Keys("r")
		d.WaitFor("Request a snapshot")
		d.Keys("enter")
		d.WaitFor("requested")
		d.Keys("e")
		s := d.Screen()
		if bytes.ContainsRune(s, '\x1b') {
			t.Fatalf("run %d: the screen holds escape sequences:\n%q", i, s)
		}
		if !bytes.Contains(s, []byte("requested")) {
			t.Fatalf("run %d: no requested row:\n%s", i, s)
		}
		if i == 0 {
			first = s
			continue
		}
		if !bytes.Equal(s, first) {
			t.Fatalf("run %d differs from run 0:\n%s\n---\n%s", i, s, first)
		}
	}
}

// recorder is a testing.TB whose Fatalf records the message and ends the
// goroutine, as testing does.
type recorder struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(f string, a ...any) {
	r.mu.Lock()
	r.msg = fmt.Sprintf(f, a...)
	r.mu.Unlock()
	runtime.Goexit()
}

// TestWaitForFailsWithTheLastScreen: text that never shows fails the
// test after the timeout, showing what was on screen.
func TestWaitForFailsWithTheLastScreen(t *testing.T) {
	d := snapdashtest.Start(t, snapdashtest.Options{Customer: "Sofía García"})
	d.Screen() // settles with the default timeout: a loaded machine may take seconds
	r := &recorder{TB: t}
	rd := *d
	snapdashtest.SetTB(&rd, r)
	snapdashtest.SetTimeout(&rd, time.Second)
	done := make(chan struct{})
	go func() {
		defer close(done)
		rd.WaitFor("a line no screen has")
	}()
	<-done
	if !strings.Contains(r.msg, "timeout after 1s") || !strings.Contains(r.msg, "Sofía García") {
		t.Fatalf("failure message: %q", r.msg)
	}
}

// TestScreenWaitsForTheFirstInteraction: without a customer the dashboard
// selects the first interaction of the list; the settled screen has its
// snapshots listed and the newest picture drawn. An empty simulator
// settles on the empty list.
func TestScreenWaitsForTheFirstInteraction(t *testing.T) {
	d := snapdashtest.Start(t, snapdashtest.Options{})
	if s := d.Screen(); !bytes.Contains(s, []byte("Preview · ascii · 320×240")) || !bytes.Contains(s, []byte("Snapshots · ")) {
		t.Fatalf("settled before the picture was drawn:\n%s", s)
	}
	e := snapdashtest.Start(t, snapdashtest.Options{Empty: true})
	if s := e.Screen(); !bytes.Contains(s, []byte("No interactions")) || !bytes.Contains(s, []byte("in the last 24h")) {
		t.Fatalf("empty simulator:\n%s", s)
	}
}
