package statusbar

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/theme"
	helpview "github.com/snapdash/snapdash/views/help"
)

func bind(k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc))
}

// TestKeyNamesSanitized: key names come from the config file; escape
// sequences in them never reach the terminal.
func TestKeyNamesSanitized(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	evil := key.NewBinding(key.WithKeys("x"), key.WithHelp("x\x1b]0;pwned\a", "do\x1b[2Jit"))
	out := View(st, helpview.New(st), Status{Text: "ok"}, "", "", []key.Binding{evil, bind("?", "help")}, 80)
	if strings.ContainsAny(out, "\x1b\a") {
		t.Fatalf("control characters reached the footer: %q", out)
	}
	if !strings.Contains(out, "? help") {
		t.Fatalf("footer %q", out)
	}
}

// TestFitDropsWholeKeysAndKeepsHelp: a narrow footer drops the bindings
// named first, then others from the end, never the help key, and never
// cuts the line with "…".
func TestFitDropsWholeKeysAndKeepsHelp(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	h := helpview.New(st)
	req, appr, disc, cam := bind("r", "request"), bind("a", "approve"), bind("d", "discard"), bind("c", "camera")
	filt, watch, hlp, quit := bind("/", "filter"), bind("w", "watch"), bind("?", "help"), bind("q", "quit")
	keys := []key.Binding{req, appr, disc, cam, filt, watch, hlp, quit}
	keep, drop := []key.Binding{hlp, quit}, []key.Binding{watch, cam}
	line := func(w int) string {
		return strings.Split(View(st, h, Status{}, "", "", Fit(h, keys, w, keep, drop), w), "\n")[1]
	}
	for w, want := range map[int]string{
		120: " r request · a approve · d discard · c camera · / filter · w watch · ? help · q quit",
		80:  " r request · a approve · d discard · c camera · / filter · ? help · q quit",
		70:  " r request · a approve · d discard · / filter · ? help · q quit",
		50:  " r request · a approve · ? help · q quit",
		12:  " ? help",
	} {
		got := strings.TrimRight(line(w), " ")
		if got != want {
			t.Errorf("%d columns:\n got %q\nwant %q", w, got, want)
		}
		if ansi.StringWidth(line(w)) > w || strings.Contains(got, "…") {
			t.Errorf("%d columns: %q", w, line(w))
		}
	}
	// Disabled bindings take no room and are not "dropped" in their place.
	appr.SetEnabled(false)
	keys[1] = appr
	if got := strings.TrimRight(line(70), " "); got != " r request · d discard · c camera · / filter · ? help · q quit" {
		t.Errorf("with approve disabled: %q", got)
	}
}
