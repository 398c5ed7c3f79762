package tui

import (
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/views/statusbar"
)

// TestStatusFadesAndDialogsReplaceIt: news (a picture arrived), successes
// and notes fade after 5 s, errors stay; a dialog that opens clears what
// the status line said before it.
func TestStatusFadesAndDialogsReplaceIt(t *testing.T) {
	m := unitModel(t, Options{}, snap("s1", client.StateUploaded, time.Minute))
	now := fixedNow()
	m.opts.Now = func() time.Time { return now }
	for _, k := range []statusbar.Kind{statusbar.Notice, statusbar.OK, statusbar.Info, statusbar.Error} {
		m.status = statusbar.Status{Kind: k, Text: "news"}
		m.noteStatus()
		now = now.Add(fadeAfter)
		got := m.shownStatus().Text
		if want := map[bool]string{true: "", false: "news"}[k != statusbar.Error]; got != want {
			t.Errorf("kind %d after %s shows %q, want %q", k, fadeAfter, got, want)
		}
	}
	press(m, "d", "n")
	if m.status.Text != "discard cancelled" {
		t.Fatalf("status %q", m.status.Text)
	}
	press(m, "d")
	if s := m.shownStatus(); s.Text != "" {
		t.Fatalf("the discard question stands over %q", s.Text)
	}
}
