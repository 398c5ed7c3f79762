package help

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/snapdash/snapdash/theme"
)

type keys struct{ a, b, c key.Binding }

func (k keys) ShortHelp() []key.Binding { return []key.Binding{k.a} }
func (k keys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.a, k.b}, {k.c}}
}

func TestHelpShowsEnabledKeysSanitized(t *testing.T) {
	st := theme.New(theme.Palette{}, nil)
	km := keys{
		// A key name from the config file, with an escape sequence in it.
		a: key.NewBinding(key.WithKeys("x"), key.WithHelp("x\x1b]0;pwned\x07", "approve")),
		b: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "discard")),
		c: key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	}
	km.b.SetEnabled(false)
	v := View(st, New(st), km, 80, 20, "esc closes")
	if strings.ContainsAny(v, "\x1b\x07") {
		t.Fatalf("escape reached the help: %q", v)
	}
	if !strings.Contains(v, "approve") || !strings.Contains(v, "quit") || strings.Contains(v, "discard") {
		t.Fatalf("help should list enabled keys only:\n%s", v)
	}
	// The bindings themselves are untouched.
	if km.a.Help().Key != "x\x1b]0;pwned\x07" || km.b.Enabled() {
		t.Fatal("View changed the caller's bindings")
	}
	for _, l := range strings.Split(v, "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Fatalf("line wider than 80: %q", l)
		}
	}
}
