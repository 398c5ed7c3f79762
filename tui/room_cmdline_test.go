package tui

import (
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/views/cmdline"
	"github.com/snapdash/snapdash/views/interactions"
	"github.com/snapdash/snapdash/views/snapshots"
	"github.com/snapdash/snapdash/views/watch"
)

// TestCmdRoomStandsAlone runs the command room on a hub and panes of its
// own, with its root functions replaced: what it does it does through the
// dependencies its struct declares, and it holds no root model.
func TestCmdRoomStandsAlone(t *testing.T) {
	for i := 0; i < reflect.TypeOf(cmdRoom{}).NumField(); i++ {
		if f := reflect.TypeOf(cmdRoom{}).Field(i); f.Type == reflect.TypeOf(&Model{}) {
			t.Fatalf("cmdRoom.%s is the root model", f.Name)
		}
	}
	m := cmdModel(t, Options{StateDir: t.TempDir()}) // a hub whose store holds Ana (int-1) and Sofía García (int-2)
	inter, snaps, wt := interactions.New(m.c), snapshots.New(m.c), watch.New(m.c, watch.Thresholds{})
	inter.SetItems(m.inter.Items())
	inter.SetSize(30, 10)
	var opened, verbs []string
	target := filterInteractions
	r := &cmdRoom{hub: m.hub, history: m.cmdline.history, inter: &inter, snaps: &snaps, watch: &wt, preview: m.preview.Model,
		focused: func(bool) filterTarget { return target },
		open:    func(id string) tea.Cmd { opened = append(opened, id); return nil },
		verbs: map[string]func() tea.Cmd{
			"refresh": func() tea.Cmd { verbs = append(verbs, "refresh"); return nil },
		},
	}
	run := func(name string, args ...string) tea.Cmd { return r.runCommand(cmdline.Run{Name: name, Args: args}) }

	run("interaction", "sofia")
	if strings.Join(opened, ",") != "int-2" {
		t.Fatalf(":i sofia opened %v", opened)
	}
	if cmd := run("interaction", "nobody-here"); cmd == nil || !strings.Contains(m.status.Text, "looking for interaction nobody-here") {
		t.Fatalf(":i of an unknown id asked nothing (status %q)", m.status.Text)
	}
	run("refresh")
	if strings.Join(verbs, ",") != "refresh" {
		t.Fatalf("verbs run: %v", verbs)
	}
	// :filter on the interactions filters its list and moves the
	// selection, which the root is handed once.
	inter.Select("int-1")
	run("filter", "sof")
	if inter.Len() != 1 || inter.Filter().String() != "sof" {
		t.Fatalf("interactions filtered to %d by %q", inter.Len(), inter.Filter().String())
	}
	if id := r.takeSelect(); id != "int-2" || r.takeSelect() != "" {
		t.Fatalf("pending selection %q", id)
	}
	if !r.clearFilter() || !inter.Filter().Empty() || r.clearFilter() {
		t.Fatal("esc did not clear the filter once")
	}
	// The watch table's filter is the watch table's.
	target = filterWatch
	run("filter", "ana")
	if wt.Filter().String() != "ana" || !inter.Filter().Empty() {
		t.Fatalf("watch filter %q, interactions %q", wt.Filter().String(), inter.Filter().String())
	}
}
