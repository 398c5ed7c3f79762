package theme

import (
	"io"
	"math"
	"reflect"
	"strconv"
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

// luminance is the WCAG relative luminance of an xterm colour number.
func luminance(t *testing.T, c lipgloss.TerminalColor) float64 {
	t.Helper()
	lc, ok := c.(lipgloss.Color)
	if !ok {
		t.Fatalf("colour %v is not a colour number", c)
	}
	n, err := strconv.Atoi(string(lc))
	if err != nil {
		t.Fatalf("colour %q: %v", lc, err)
	}
	var tc termenv.Color = termenv.ANSI256Color(n)
	if n < 16 {
		tc = termenv.ANSIColor(n)
	}
	rgb := termenv.ConvertToRGB(tc)
	lin := func(v float64) float64 {
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(rgb.R) + 0.7152*lin(rgb.G) + 0.0722*lin(rgb.B)
}

func contrast(t *testing.T, a, b lipgloss.TerminalColor) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestPairsAreReadable checks every text drawn on a background of the
// palette's own: the selection (focused and not), the header and the
// READ-ONLY badge must be readable in every theme (WCAG: 4.5:1 for text,
// 3:1 for the bold badge). High-contrast once drew the unfocused selection
// white on white.
func TestPairsAreReadable(t *testing.T) {
	for _, name := range Names() {
		p, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, pair := range []struct {
			what   string
			fg, bg lipgloss.TerminalColor
			min    float64
		}{
			{"selection", p.SelFg, p.SelBg, 4.5},
			{"unfocused selection", p.BlurFg, p.BlurBg, 4.5},
			{"header", p.HeaderFg, p.HeaderBg, 4.5},
			{"read-only badge", p.BadgeFg, badgeBg(p), 3},
		} {
			if c := contrast(t, pair.fg, pair.bg); c < pair.min {
				t.Errorf("%s: %s %v on %v has contrast %.1f, want at least %.1f", name, pair.what, pair.fg, pair.bg, c, pair.min)
			}
		}
	}
}

// TestUnfocusedSelectionUsesItsOwnColours checks the style, not only the
// palette: the blurred selection is drawn with BlurFg on BlurBg.
func TestUnfocusedSelectionUsesItsOwnColours(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI)
	st, err := Load("high-contrast", r)
	if err != nil {
		t.Fatal(err)
	}
	out := st.SelectedBlur.Render("x")
	// ANSI 0 foreground is 30, ANSI 15 background is 107.
	if !strings.Contains(out, "30") || !strings.Contains(out, "107") || strings.Contains(out, "97") {
		t.Fatalf("high-contrast unfocused selection = %q, want black (30) on white (107)", out)
	}
}

func badgeBg(p Palette) lipgloss.TerminalColor {
	if p.BadgeBg != nil {
		return p.BadgeBg
	}
	return p.Bad
}

// drawnFg is the colour a terminal may draw for foreground fg: the
// terminal's default (taken as white) when none is set, and for bold text
// in one of the eight base colours its bright twin, as terminals that
// brighten bold text do (bold black turns grey).
func drawnFg(fg lipgloss.TerminalColor, bold bool) lipgloss.TerminalColor {
	c, ok := fg.(lipgloss.Color)
	if !ok {
		return lipgloss.Color("15")
	}
	if n, err := strconv.Atoi(string(c)); err == nil && bold && n < 8 {
		return lipgloss.Color(strconv.Itoa(n + 8))
	}
	return c
}

// TestHighContrastReadsAtSevenAsDrawn checks every style of the
// high-contrast theme, found by reflection so a style added later is
// checked too: its text (and a dialog's border) on its background, or on
// the black terminal background the theme assumes, reads at 7:1 or more
// (WCAG AAA) even where bold black is drawn grey.
func TestHighContrastReadsAtSevenAsDrawn(t *testing.T) {
	// The computation itself: bold black on bright yellow, as the theme
	// once drew its selection, is about 3.7:1 as drawn.
	if c := contrast(t, drawnFg(lipgloss.Color("0"), true), lipgloss.Color("11")); c > 4 {
		t.Fatalf("bold black on yellow computed as %.1f:1, want about 3.7 (grey on yellow)", c)
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	st, err := Load("high-contrast", r)
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(*st)
	checked := 0
	for i := 0; i < v.NumField(); i++ {
		s, ok := v.Field(i).Interface().(lipgloss.Style)
		if !ok {
			continue
		}
		name := v.Type().Field(i).Name
		var bg lipgloss.TerminalColor = lipgloss.Color("0")
		if b, ok := s.GetBackground().(lipgloss.Color); ok {
			bg = b
		}
		pairs := map[string]lipgloss.TerminalColor{"text": drawnFg(s.GetForeground(), s.GetBold())}
		if b, ok := s.GetBorderTopForeground().(lipgloss.Color); ok {
			pairs["border"] = b
		}
		for what, fg := range pairs {
			checked++
			if c := contrast(t, fg, bg); c < 7 {
				t.Errorf("%s %s: %v on %v (bold %v) is %.2f:1 as drawn, want at least 7", name, what, fg, bg, s.GetBold(), c)
			}
		}
	}
	if checked < 25 {
		t.Fatalf("only %d pairs checked; the reflection missed styles", checked)
	}
}
