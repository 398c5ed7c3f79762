package theme

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestThemesBuildForEveryProfile(t *testing.T) {
	for _, name := range Names() {
		for _, prof := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(prof)
			st, err := Load(name, r)
			if err != nil {
				t.Fatal(err)
			}
			out := st.Selected.Render("x") + st.Good.Render("y")
			if colored := strings.Contains(out, "\x1b["); colored == (prof == termenv.Ascii) {
				t.Errorf("%s/%v: escapes %v in %q", name, prof, colored, out)
			}
			if st.NoColor != (prof == termenv.Ascii) {
				t.Errorf("%s/%v: NoColor %v", name, prof, st.NoColor)
			}
		}
	}
	if _, err := Lookup("solarized"); err == nil {
		t.Fatal("unknown theme accepted")
	}
}
