package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/snapdash/snapdash/config"
)

func manCmd() *command {
	return &command{
		name: "man", summary: "print the manual page (troff): snapdash man > snapdash.1", group: "other",
		run: func(_ context.Context, e *env, _ []string) error {
			return writeMan(e.stdout, commands(), currentBuild(e.version).Version)
		},
	}
}

// roff escapes text for a man page: backslashes, a leading dot or quote,
// and hyphens (so that flags are not hyphenated or turned into dashes).
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	s = strings.ReplaceAll(s, "`", "")
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	var b strings.Builder
	for _, r := range s {
		if r > 0x7e {
			fmt.Fprintf(&b, `\[u%04X]`, r) // groff's named Unicode character
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeMan writes snapdash(1) from the same texts as the help.
func writeMan(w io.Writer, cmds []*command, version string) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(".TH SNAPDASH 1 \"\" \"snapdash %s\" \"User Commands\"\n", roff(version))
	p(".SH NAME\nsnapdash \\- review camera snapshots on the Auvious video platform\n")
	p(".SH SYNOPSIS\n.B snapdash\n[\\fIflags\\fR]\n.br\n.B snapdash\n\\fICOMMAND\\fR [\\fIARGS\\fR] [\\fIflags\\fR]\n")
	p(".SH DESCRIPTION\n")
	p("Without a command, snapdash opens a terminal dashboard of interactions, their snapshots and a preview of the selected picture. ")
	p("The commands do one thing each and exit, for scripts; \\fB\\-\\-json\\fR prints what the server sent and \\fB\\-\\-jq\\fR filters it.\n")
	p(".SH COMMANDS\n")
	for _, g := range groups() {
		for _, c := range cmds {
			if c.group != g.key || c.hidden {
				continue
			}
			p(".SS \"snapdash %s", roff(c.name))
			if c.args != "" {
				p(" %s", roff(c.args))
			}
			p("\"\n%s.\n", roff(upperFirst(c.summary)))
			writeManFlags(&b, commandFlagSet(c, false))
			if ex := commandExamples[c.name]; len(ex) > 0 {
				p(".PP\nExamples:\n.RS\n.nf\n")
				for _, x := range ex {
					p("%s\n", roff(x))
				}
				p(".fi\n.RE\n")
			}
		}
	}
	p(".SH \"DASHBOARD FLAGS\"\n")
	writeManFlags(&b, commandFlagSet(findCommand(cmds, "dashboard"), false))
	p(".SH \"GLOBAL FLAGS\"\nEvery command takes these; a flag wins over its environment variable, which wins over the config file.\n")
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	config.NewGlobalFlags().Register(fs)
	writeManFlags(&b, fs)
	p(".TP\n.B \\-\\-version, \\-v\nprint the version and exit\n")
	p(".SH ENVIRONMENT\n")
	for _, s := range config.Settings() {
		p(".TP\n.B %s\n%s (\\fB\\-\\-%s\\fR", roff(s.Env), roff(s.Usage), roff(s.Flag))
		if s.Key != "" {
			p(", config key \\fB%s\\fR", roff(s.Key))
		}
		p(")\n")
	}
	p(".TP\n.B XDG_CONFIG_HOME\nthe config file is $XDG_CONFIG_HOME/snapdash/config.yaml\n")
	p(".TP\n.B XDG_STATE_HOME\nrecent interactions are kept in $XDG_STATE_HOME/snapdash\n")
	p(".TP\n.B NO_COLOR\nno colour in the dashboard or in snapdash show\n")
	p(".SH \"EXIT STATUS\"\n")
	for _, l := range []struct{ code, text string }{
		{"0", "success"},
		{"1", "the action failed: the server refused or could not be reached, a file could not be read or written, the config file is wrong"},
		{"2", "a usage mistake: an unknown command or flag, a bad flag value, a missing or extra argument"},
		{"130", "interrupted before the command finished"},
	} {
		p(".TP\n.B %s\n%s\n", l.code, roff(l.text))
	}
	p(".SH FILES\n.TP\n.I ~/.config/snapdash/config.yaml\nthe config file (chmod 600 when it holds a secret)\n")
	p(".TP\n.I ~/.local/state/snapdash/\nthe dashboard's state between runs\n")
	p(".SH \"SEE ALSO\"\nsnapdash help environment, snapdash help exit\\-codes, docs/commands.md and docs/configuration.md in the source.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeManFlags writes fs's flags as tagged paragraphs.
func writeManFlags(b *strings.Builder, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flagSyntax(f)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" && !strings.Contains(usage, "(default") {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		flagName, ph, _ := strings.Cut(name, " ")
		fmt.Fprintf(b, ".TP\n\\fB%s\\fR", roff(flagName))
		if ph != "" {
			fmt.Fprintf(b, " \\fI%s\\fR", roff(ph))
		}
		fmt.Fprintf(b, "\n%s\n", roff(usage))
	})
}
