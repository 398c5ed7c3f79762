package sshserve

import (
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// panicky panics where told to.
type panicky struct{ where string }

func (p panicky) Init() tea.Cmd {
	if p.where == "init" {
		panic("init")
	}
	return nil
}

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch p.where {
	case "update":
		panic("update")
	case "cmd":
		return p, func() tea.Msg { panic("cmd") }
	case "batch":
		return p, tea.Batch(nil, func() tea.Msg { panic("batch") })
	case "sequence":
		return p, tea.Sequence(func() tea.Msg { return nil }, func() tea.Msg { panic("sequence") })
	}
	return p, nil
}

func (p panicky) View() string {
	if p.where == "view" {
		panic("view")
	}
	return "ok"
}

type reports struct {
	mu   sync.Mutex
	seen []string
}

func (r *reports) add(v any, stack []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(stack) == 0 {
		panic("no stack")
	}
	r.seen = append(r.seen, describePanic(v))
}

// runCmd executes cmd the way Bubble Tea does, following batches and
// sequences, and returns the leaf messages.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch m := msg.(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	if cmds, ok := asCmdSlice(msg); ok {
		var out []tea.Msg
		for _, c := range cmds {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// asCmdSlice unwraps Bubble Tea's unexported sequence message.
func asCmdSlice(msg tea.Msg) ([]tea.Cmd, bool) {
	var got []tea.Cmd
	found := false
	guardNested(msg, func(c tea.Cmd) tea.Cmd {
		found = true
		got = append(got, c)
		return c
	})
	if _, isBatch := msg.(tea.BatchMsg); isBatch {
		return nil, false
	}
	return got, found
}

func TestSafeModelCatchesEveryPanic(t *testing.T) {
	for _, where := range []string{"init", "update", "view", "cmd", "batch", "sequence"} {
		t.Run(where, func(t *testing.T) {
			r := &reports{}
			m := newSafeModel(panicky{where: where}, r.add)
			msgs := runCmd(m.Init())
			_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
			msgs = append(msgs, runCmd(cmd)...)
			view := m.View()
			for _, msg := range msgs {
				if _, ok := msg.(panicMsg); ok {
					_, cmd := m.Update(msg)
					if cmd == nil {
						t.Fatal("no quit after a command panicked")
					}
				}
			}
			if !m.Crashed() {
				t.Fatal("not marked crashed")
			}
			if len(r.seen) != 1 || r.seen[0] != where {
				t.Fatalf("reports %q", r.seen)
			}
			if where == "view" || where == "init" || where == "update" {
				if !strings.Contains(m.View(), "internal error") {
					t.Fatalf("view after crash %q", view)
				}
			}
		})
	}
}

func TestSafeModelPassesThrough(t *testing.T) {
	r := &reports{}
	m := newSafeModel(panicky{}, r.add)
	if m.View() != "ok" || m.Crashed() || len(r.seen) != 0 {
		t.Fatal("a healthy model was disturbed")
	}
	// Quit from a wrapped command is still a QuitMsg.
	batch := m.wrap(tea.Batch(tea.Quit, nil))
	msgs := runCmd(batch)
	if len(msgs) != 1 {
		t.Fatalf("msgs %v", msgs)
	}
	if _, ok := msgs[0].(tea.QuitMsg); !ok {
		t.Fatalf("got %T", msgs[0])
	}
}
