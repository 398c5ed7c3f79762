package archtest

import (
	"fmt"
	"testing"
)

// TestComplexityCountsAsGocyclo pins the measure on small sources whose
// gocyclo numbers are known (each checked with gocyclo v0.6.0), so a change
// to the walker that loosens the rule fails here.
func TestComplexityCountsAsGocyclo(t *testing.T) {
	src := `package p

func straight() { println() }

func branches(a, b bool, xs []int) {
	if a && b || !a {
	} else if b {
	}
	for i := 0; i < 3; i++ {
	}
	for range xs {
	}
}

func cases(x int, ch chan int) {
	switch x {
	case 1, 2:
	case 3:
	default:
	}
	switch any(x).(type) {
	case int:
	default:
	}
	select {
	case <-ch:
	case ch <- 1:
	default:
	}
}

func outer() {
	f := func(a bool) {
		if a {
		}
	}
	f(true)
}

type T[K comparable, V any] struct{}

func (t *T[K, V]) Generic(a bool) {
	if a {
	}
}

func (T[K, V]) Value() {}

var first, second = func(a bool) {
	if a || !a {
	}
}, 2

var notAFunc = 3
`
	stats, err := analyzeSource("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range stats {
		got[s.name] = s.complexity
	}
	want := map[string]int{
		"straight":     1,
		"branches":     7, // 1 + if + && + || + else-if + for + range
		"cases":        6, // 1 + 2 switch clauses + 1 type clause + 2 select clauses
		"outer":        2, // the literal's if counts towards outer
		"(*T).Generic": 2,
		"(T).Value":    1,
		"first":        3, // a package-level function literal
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("measured %v\nwant     %v", got, want)
	}
}

// TestPictureCodecsAndSkippedDirs checks which directories are exempt or
// not walked, as gocyclo walks them.
func TestPictureCodecsAndSkippedDirs(t *testing.T) {
	for dir, want := range map[string]bool{
		"internal/imaging":      true,
		"internal/termgfx/sub":  true,
		"internal/cellimg":      true,
		"internal/imagingextra": false,
		"internal/sanitize":     false,
		"tui":                   false,
	} {
		if got := inPictureCodec(dir); got != want {
			t.Errorf("inPictureCodec(%q) = %v, want %v", dir, got, want)
		}
	}
	for name, want := range map[string]bool{
		"testdata": true, "vendor": true, ".git": true, "_scratch": true,
		"tui": false, "data": false,
	} {
		if got := skipDir(name); got != want {
			t.Errorf("skipDir(%q) = %v, want %v", name, got, want)
		}
	}
}
