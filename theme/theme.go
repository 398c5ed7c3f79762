// Package theme holds snapdash's palettes and builds the lipgloss styles of
// one program (one local run or one SSH session) from a palette and that
// program's renderer, so each session keeps its own colour profile.
package theme

import (
	"fmt"
	"sort"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Palette is a named set of colours. Colours never carry meaning alone: every
// state is also drawn with a symbol and a word.
type Palette struct {
	Name   string
	Fg     lipgloss.TerminalColor
	Muted  lipgloss.TerminalColor
	Accent lipgloss.TerminalColor
	Border lipgloss.TerminalColor
	Focus  lipgloss.TerminalColor
	SelFg  lipgloss.TerminalColor
	SelBg  lipgloss.TerminalColor
	// BlurFg and BlurBg draw the selection of a pane without the keyboard:
	// quieter than SelFg/SelBg, yet still readable.
	BlurFg    lipgloss.TerminalColor
	BlurBg    lipgloss.TerminalColor
	Good      lipgloss.TerminalColor
	Bad       lipgloss.TerminalColor
	Warn      lipgloss.TerminalColor
	Info      lipgloss.TerminalColor
	HeaderFg  lipgloss.TerminalColor
	HeaderBg  lipgloss.TerminalColor
	DialogBdr lipgloss.TerminalColor
	// BadgeFg is the text of the READ-ONLY badge, drawn on BadgeBg.
	BadgeFg lipgloss.TerminalColor
	// BadgeBg is the READ-ONLY badge's background; nil means Bad. A theme
	// whose Bad must be bright (to read as text on black) needs a darker
	// one here, so the badge's bold text is not black.
	BadgeBg lipgloss.TerminalColor
}

// Names lists the built-in palettes.
func Names() []string {
	n := []string{"dark", "light", "high-contrast"}
	sort.Strings(n)
	return n
}

// Lookup returns the palette called name; the empty name is "dark".
func Lookup(name string) (Palette, error) {
	switch name {
	case "", "dark":
		return Palette{
			Name: "dark", Fg: lipgloss.Color("252"), Muted: lipgloss.Color("244"),
			Accent: lipgloss.Color("81"), Border: lipgloss.Color("238"), Focus: lipgloss.Color("81"),
			SelFg: lipgloss.Color("231"), SelBg: lipgloss.Color("24"),
			BlurFg: lipgloss.Color("252"), BlurBg: lipgloss.Color("238"),
			Good: lipgloss.Color("78"), Bad: lipgloss.Color("203"), Warn: lipgloss.Color("221"),
			Info: lipgloss.Color("117"), HeaderFg: lipgloss.Color("231"), HeaderBg: lipgloss.Color("236"),
			DialogBdr: lipgloss.Color("81"), BadgeFg: lipgloss.Color("16"),
		}, nil
	case "light":
		return Palette{
			Name: "light", Fg: lipgloss.Color("235"), Muted: lipgloss.Color("243"),
			Accent: lipgloss.Color("25"), Border: lipgloss.Color("250"), Focus: lipgloss.Color("25"),
			SelFg: lipgloss.Color("16"), SelBg: lipgloss.Color("153"),
			BlurFg: lipgloss.Color("235"), BlurBg: lipgloss.Color("250"),
			Good: lipgloss.Color("28"), Bad: lipgloss.Color("160"), Warn: lipgloss.Color("130"),
			Info: lipgloss.Color("25"), HeaderFg: lipgloss.Color("16"), HeaderBg: lipgloss.Color("254"),
			DialogBdr: lipgloss.Color("25"), BadgeFg: lipgloss.Color("231"),
		}, nil
	case "high-contrast":
		// Every text here reads at 7:1 or more as drawn, on the black
		// background this theme assumes. Terminals that brighten bold
		// text draw bold black (colour 0) as grey, so black text is never
		// bold: the selection is bold white on navy, and the READ-ONLY
		// badge bold white on dark red. Bad is a light red, as pure red
		// (9) on black is only 5.3:1.
		return Palette{
			Name: "high-contrast", Fg: lipgloss.Color("15"), Muted: lipgloss.Color("15"),
			Accent: lipgloss.Color("11"), Border: lipgloss.Color("15"), Focus: lipgloss.Color("11"),
			SelFg: lipgloss.Color("15"), SelBg: lipgloss.Color("18"),
			// Fg and Border are both white here: the blurred selection is
			// black on white, never white on white (and not bold).
			BlurFg: lipgloss.Color("0"), BlurBg: lipgloss.Color("15"),
			Good: lipgloss.Color("10"), Bad: lipgloss.Color("203"), Warn: lipgloss.Color("11"),
			Info: lipgloss.Color("14"), HeaderFg: lipgloss.Color("0"), HeaderBg: lipgloss.Color("15"),
			DialogBdr: lipgloss.Color("11"), BadgeFg: lipgloss.Color("15"), BadgeBg: lipgloss.Color("88"),
		}, nil
	}
	return Palette{}, fmt.Errorf("unknown theme %q (want one of dark, light, high-contrast)", name)
}

// Styles are the lipgloss styles of one program, all bound to its renderer.
type Styles struct {
	Palette  Palette
	Renderer *lipgloss.Renderer
	// NoColor is true when the renderer draws no colour (NO_COLOR, dumb
	// terminals, tests); views then rely on markers, never on colour.
	NoColor bool

	Base, Muted, Accent, Bold    lipgloss.Style
	Header, HeaderBadge          lipgloss.Style
	Edge, EdgeFocused            lipgloss.Style
	Title, TitleFocused          lipgloss.Style
	Selected, SelectedBlur       lipgloss.Style
	Good, Bad, Warn, Info        lipgloss.Style
	Dialog, DialogTitle          lipgloss.Style
	StatusOK, StatusErr, StatusN lipgloss.Style
	HelpKey, HelpDesc, HelpSep   lipgloss.Style
	TableHeader                  lipgloss.Style
}

// New builds the styles of palette p for renderer r (nil means a renderer on
// nothing with the Ascii profile, which is what tests want).
func New(p Palette, r *lipgloss.Renderer) *Styles {
	if r == nil {
		r = lipgloss.NewRenderer(nil)
		r.SetColorProfile(termenv.Ascii)
	}
	s := &Styles{Palette: p, Renderer: r, NoColor: r.ColorProfile() == termenv.Ascii}
	n := r.NewStyle
	s.Base = n().Foreground(p.Fg)
	s.Muted = n().Foreground(p.Muted)
	s.Accent = n().Foreground(p.Accent)
	s.Bold = n().Bold(true)
	s.Header = n().Foreground(p.HeaderFg).Background(p.HeaderBg)
	badgeBg := p.BadgeBg
	if badgeBg == nil {
		badgeBg = p.Bad
	}
	s.HeaderBadge = n().Foreground(p.BadgeFg).Background(badgeBg).Bold(true)
	s.Edge = n().Foreground(p.Border)
	s.EdgeFocused = n().Foreground(p.Focus)
	s.Title = n().Foreground(p.Muted).Bold(true)
	s.TitleFocused = n().Foreground(p.Focus).Bold(true)
	s.Selected = n().Foreground(p.SelFg).Background(p.SelBg).Bold(true)
	s.SelectedBlur = n().Foreground(p.BlurFg).Background(p.BlurBg)
	s.Good = n().Foreground(p.Good)
	s.Bad = n().Foreground(p.Bad)
	s.Warn = n().Foreground(p.Warn)
	s.Info = n().Foreground(p.Info)
	s.Dialog = n().Border(lipgloss.RoundedBorder()).BorderForeground(p.DialogBdr).Padding(0, 1)
	s.DialogTitle = n().Foreground(p.Accent).Bold(true)
	s.StatusOK = n().Foreground(p.Good)
	s.StatusErr = n().Foreground(p.Bad).Bold(true)
	s.StatusN = n().Foreground(p.Muted)
	s.HelpKey = n().Foreground(p.Accent)
	s.HelpDesc = n().Foreground(p.Muted)
	s.HelpSep = n().Foreground(p.Border)
	s.TableHeader = n().Foreground(p.Muted).Bold(true)
	return s
}

// Load looks the palette up by name and builds its styles for r.
func Load(name string, r *lipgloss.Renderer) (*Styles, error) {
	p, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return New(p, r), nil
}
