package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/cmdline"
)

// cmdModel has Ana (int-1, listed) and Sofía García (int-2).
func cmdModel(t *testing.T, o Options) *Model {
	t.Helper()
	m := unitModel(t, o, snap("s1", client.StateUploaded, time.Minute))
	older := fixedNow().Add(-time.Hour)
	m.Update(InteractionsLoadedMsg{Interactions: []client.Interaction{{ID: "int-2", CreatedAt: &older,
		Data: []byte(`{"customerName":"Sofía García","agentUserId":"agent-bo"}`)}}})
	return m
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	m := cmdModel(t, Options{StateDir: dir})
	press(m, ":")
	if f := m.Focus(); f.Dialog != "cmdline" {
		t.Fatalf(": opened %+v", f)
	}
	// Completion of a customer's name, accents ignored.
	typeInto(m, "i sof")
	press(m, "tab")
	if v := openAs[*cmdlineDialog](t, m).m.Value(); v != "i Sofía García" {
		t.Fatalf("completed to %q", v)
	}
	press(m, "enter")
	if f := m.Focus(); f.Dialog != "" || f.Interaction != "int-2" {
		t.Fatalf(":i Sofía García went to %+v", f)
	}
	// By name without accents and case, by id, and back.
	press(m, ":")
	typeInto(m, "interaction ana")
	press(m, "enter")
	if f := m.Focus(); f.Interaction != "int-1" {
		t.Fatalf(":interaction ana went to %+v", f)
	}
	// An unknown command says so and lists the close matches; the line
	// stays open.
	press(m, ":")
	typeInto(m, "refrsh")
	press(m, "enter")
	if v := m.View(); m.Focus().Dialog != "cmdline" || !strings.Contains(v, "unknown command") || !strings.Contains(v, "refresh") {
		t.Fatalf("unknown command:\n%s", v)
	}
	press(m, "esc")
	// :image and :theme.
	press(m, ":")
	typeInto(m, "image ascii")
	press(m, "enter")
	if m.preview.Chosen() != "ascii" {
		t.Fatalf("image mode %q", m.preview.Chosen())
	}
	press(m, ":")
	typeInto(m, "theme nope")
	press(m, "enter")
	if !strings.Contains(m.status.Text, "theme") {
		t.Fatalf("a wrong theme said %q", m.status.Text)
	}
	// History is kept between runs.
	if _, err := os.Stat(filepath.Join(dir, cmdline.HistoryFile)); err != nil {
		t.Fatalf("no history file: %v", err)
	}
	m2 := cmdModel(t, Options{StateDir: dir})
	press(m2, ":", "up")
	if v := openAs[*cmdlineDialog](t, m2).m.Value(); v != "theme nope" {
		t.Fatalf("history recalls %q", v)
	}
	// :quit quits (nothing in flight).
	press(m2, "esc", ":")
	typeInto(m2, "q")
	press(m2, "enter")
	if !m2.quitting {
		t.Fatal(":q did not quit")
	}
}

// TestSlashOnEveryList: / filters the focused list, ignoring case and
// accents; an unknown term says so.
func TestSlashOnEveryList(t *testing.T) {
	m := cmdModel(t, Options{})
	press(m, "shift+tab") // the interactions pane
	if f := m.Focus(); f.Pane != "interactions" {
		t.Fatalf("focus %+v", f)
	}
	press(m, "/")
	typeInto(m, "garcia")
	if n := m.inter.Len(); n != 1 || m.inter.Shown()[0].ID != "int-2" {
		t.Fatalf("garcia shows %d: %+v", n, m.inter.Shown())
	}
	press(m, "enter")
	if f := m.Focus(); f.Interaction != "int-2" {
		t.Fatalf("the selection did not follow the filter: %+v", f)
	}
	press(m, "/", "ctrl+u")
	typeInto(m, "agent:agent-bo")
	if m.inter.Len() != 1 {
		t.Fatalf("agent: shows %d", m.inter.Len())
	}
	press(m, "ctrl+u")
	typeInto(m, "color:red")
	if !strings.Contains(m.status.Text, "unknown filter term color:") {
		t.Fatalf("unknown term said %q", m.status.Text)
	}
	press(m, "esc")
	if m.inter.Len() != 2 {
		t.Fatalf("esc left %d shown", m.inter.Len())
	}
}
