package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/cmdline"
	"github.com/snapdash/snapdash/views/statusbar"
)

// TestAFailedJumpStaysPut: `:i` with an id the list does not hold asks
// the server first; when it has no such interaction, the selection, the
// focus and the table stay where they were and the status line says why.
func TestAFailedJumpStaysPut(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute), snap("s2", client.StateUploaded, 2*time.Minute))
	press(m, "j")
	before := m.Focus()
	cmd := m.cmdline.runCommand(cmdline.Run{Name: "interaction", Args: []string{"no-such-id"}})
	if cmd == nil {
		t.Fatal("no request for the unknown interaction")
	}
	if f := m.Focus(); f != before {
		t.Fatalf("the jump moved before the answer: %+v -> %+v", before, f)
	}
	m.Update(jumpedMsg{ID: "no-such-id", Err: &client.APIError{Op: "interaction", Status: 404, Message: "not found"}})
	if f := m.Focus(); f != before {
		t.Fatalf("a failed jump moved %+v -> %+v", before, f)
	}
	if m.status.Kind != statusbar.Error || !strings.Contains(m.status.Text, "no interaction no-such-id") {
		t.Fatalf("status %+v", m.status)
	}
	// A name the list holds goes at once.
	m.cmdline.runCommand(cmdline.Run{Name: "interaction", Args: []string{"Ana"}})
	if f := m.Focus(); f.Interaction != "int-1" {
		t.Fatalf(":i Ana: %+v", f)
	}
}
