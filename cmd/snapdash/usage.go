package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/snapdash/snapdash/config"
)

func helpCmd() *command {
	return &command{
		name: "help", args: "[COMMAND]", summary: "show help for snapdash or a command",
		group: "other", maxArgs: 1,
		run: func(_ context.Context, e *env, args []string) error {
			cmds := commands()
			if len(args) == 0 {
				printMainUsage(e.stdout, cmds)
				return nil
			}
			cmd := findCommand(cmds, args[0])
			if cmd == nil {
				return usagef("help: unknown command %q", args[0])
			}
			if cmd.name == "dashboard" {
				printMainUsage(e.stdout, cmds)
				return nil
			}
			printUsage(e.stdout, cmd)
			return nil
		},
	}
}

func versionCmd() *command {
	return &command{
		name: "version", summary: "print the version", group: "other",
		run: func(_ context.Context, e *env, _ []string) error {
			fmt.Fprintf(e.stdout, "snapdash %s\n", e.version)
			return nil
		},
	}
}

// groups returns the help sections in order.
func groups() []struct{ key, title string } {
	return []struct{ key, title string }{
		{"dashboard", "Dashboard"},
		{"read", "Read"},
		{"act", "Act on snapshots"},
		{"stream", "Live events"},
		{"other", "Other"},
	}
}

// printMainUsage writes `snapdash help`.
func printMainUsage(w io.Writer, cmds []*command) {
	fmt.Fprint(w, `snapdash reviews camera snapshots on the Auvious video platform.

Usage:
  snapdash [flags]                 open the dashboard
  snapdash COMMAND [ARGS] [flags]  run one command and exit

`)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, g := range groups() {
		fmt.Fprintf(tw, "%s:\n", g.title)
		for _, c := range cmds {
			if c.group != g.key || c.hidden {
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w, "Dashboard flags:")
	dash := findCommand(cmds, "dashboard")
	printFlags(w, dash.flags)
	fmt.Fprintln(w)
	printGlobals(w)
	fmt.Fprint(w, `
Flags win over environment variables, which win over the config file.
Run 'snapdash COMMAND -h' for a command's flags. Try 'snapdash demo' to play
with a built-in simulator, or 'snapdash sim' to serve one for other shells.
`)
}

// printUsage writes `snapdash CMD -h`.
func printUsage(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "Usage: snapdash %s", cmd.name)
	if cmd.args != "" {
		fmt.Fprintf(w, " %s", cmd.args)
	}
	fmt.Fprintf(w, " [flags]\n\n%s.\n", upperFirst(cmd.summary))
	if cmd.flags != nil || cmd.jsonFlag {
		fmt.Fprintln(w, "\nFlags:")
		printFlags(w, func(fs *flag.FlagSet) {
			if cmd.flags != nil {
				cmd.flags(fs)
			}
			if cmd.jsonFlag {
				var b bool
				fs.BoolVar(&b, "json", false, "print JSON (the API's field names) instead of a table")
			}
		})
	}
	fmt.Fprintln(w, "\nGlobal flags (--server, --token, --config, ...): see 'snapdash help'.")
}

// printFlags lists the flags that register defines, GNU style.
func printFlags(w io.Writer, register func(fs *flag.FlagSet)) {
	if register == nil {
		return
	}
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	register(fs)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		typ, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if typ != "" {
			name += " " + typ
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
}

// printGlobals lists the global settings with their environment variables
// and config-file keys.
func printGlobals(w io.Writer) {
	fmt.Fprintln(w, "Global flags (environment variable, config-file key):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range config.Settings() {
		where := s.Env
		if s.Key != "" {
			where += ", " + s.Key
		}
		fmt.Fprintf(tw, "  --%s\t%s\t(%s)\n", s.Flag, s.Usage, where)
	}
	fmt.Fprintf(tw, "  --version\tprint the version and exit\t\n")
	tw.Flush()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
