package snapdashtest_test

import (
	"fmt"
	"testing"
)

// exampleT stands in for the *testing.T an Example does not get: a failure
// panics, which fails the example with the message. Tests pass their own t.
type exampleT struct {
	testing.TB // never called: every method the helpers use is below
	name       string
	cleanups   []func()
}

func newExampleT(name string) *exampleT { return &exampleT{name: name} }

func (e *exampleT) Helper()                   {}
func (e *exampleT) Name() string              { return e.name }
func (e *exampleT) Cleanup(f func())          { e.cleanups = append(e.cleanups, f) }
func (e *exampleT) Log(args ...any)           {}
func (e *exampleT) Logf(string, ...any)       {}
func (e *exampleT) Fatal(args ...any)         { panic(fmt.Sprint(args...)) }
func (e *exampleT) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (e *exampleT) Errorf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (e *exampleT) Error(args ...any)         { panic(fmt.Sprint(args...)) }

// cleanup runs the cleanups, last registered first, as testing does.
func (e *exampleT) cleanup() {
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
}
