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
		name: "help", args: "[COMMAND|environment|exit-codes]", summary: "show help for snapdash, a command, the environment or the exit codes",
		group: "other", maxArgs: 1,
		run: func(_ context.Context, e *env, args []string) error {
			cmds := commands()
			if len(args) == 0 {
				printMainUsage(e.stdout, cmds)
				return nil
			}
			switch args[0] {
			case "environment", "env":
				return printEnvironment(e.stdout)
			case "exit-codes", "exit-status":
				_, err := io.WriteString(e.stdout, exitCodesHelp)
				return err
			}
			cmd := findCommand(cmds, args[0])
			if cmd == nil || cmd.hidden && cmd.name != "dashboard" {
				return usagef("help: unknown command or topic %q (commands: see snapdash help; topics: environment, exit-codes)", args[0])
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

// commandExamples are one to three examples of every visible command, shown
// by -h and in the man page; a test checks that each command has some.
// Each is a command line, optionally followed by "  # what it does".
var commandExamples = map[string][]string{
	"dashboard": {
		"snapdash  # open the dashboard",
		"snapdash --interaction 5f0c…  # open it on one interaction",
		"snapdash --timeout 10s  # give up sooner on a server that does not answer",
	},
	"demo":         {"snapdash demo", "snapdash demo --theme light"},
	"watch":        {"snapdash watch", "snapdash watch --act  # may also approve and discard"},
	"serve":        {"snapdash serve --authorized-keys ~/.ssh/authorized_keys", "snapdash serve --addr :2222 --authorized-keys team_keys --max-sessions 4"},
	"sim":          {"snapdash sim", "snapdash sim --addr 127.0.0.1:9000 --data ~/.cache/snapdash-sim"},
	"interactions": {"snapdash interactions --since 7d", "snapdash interactions --type CALL --limit 5", "snapdash interactions --json --jq '.[].id'"},
	"list": {
		"snapdash list 5f0c…",
		"snapdash list --interaction 5f0c… --state uploaded  # pictures awaiting review",
		"snapdash list 5f0c… --json --jq '.[] | select(.state == \"UPLOADED\") | .id'",
	},
	"get":     {"snapdash get 7a1e…", "snapdash get 7a1e… --json --jq .state"},
	"request": {"snapdash request --interaction 5f0c… --target-user customer-1 --target-endpoint 9b2d… --type meter"},
	"approve": {"snapdash approve 7a1e…", "snapdash approve 7a1e… --type car-damage --json"},
	"discard": {"snapdash discard 7a1e…", "snapdash list 5f0c… --state uploaded --json --jq '.[].id' | xargs -n1 snapdash discard"},
	"camera":  {"snapdash camera --target-user customer-1 --target-endpoint 9b2d… --type FLASH_ON", "snapdash camera --target-user customer-1 --target-endpoint 9b2d… --type CAMERA_SWITCH --wait --timeout 20s"},
	"upload":  {"snapdash upload meter.jpg --interaction 5f0c… --type meter --target-user customer-1 --target-endpoint 9b2d…", "convert scan.tif jpg:- | snapdash upload - --interaction 5f0c… --type id-document --target-user customer-1 --target-endpoint 9b2d…"},
	"acquire": {"snapdash --user-endpoint-id 9b2d… acquire 7a1e… photo.jpg --type meter"},
	"url":     {"snapdash url 7a1e…", "curl -o pic.jpg \"$(snapdash url 7a1e…)\""},
	"fetch":   {"snapdash fetch 7a1e… -o pic.jpg", "snapdash fetch 7a1e… -o - | display -"},
	"show":    {"snapdash show photo.jpg", "snapdash show 7a1e… --image-mode ascii", "curl -s https://example.org/p.png | snapdash show -"},
	"events":  {"snapdash events", "snapdash events --interaction 5f0c… --json --jq 'select(.type == \"SnapshotAcquiredEvent\") | .snapshotId'"},
	"report": {
		"snapdash report  # the last 24 hours per day, agent and type",
		"snapdash report --since 7d --csv > week.csv",
		"snapdash report --since 2026-12-01 --until 2026-12-02 --interaction 5f0c… --json --jq .total",
	},
	"config": {"snapdash config", "snapdash config path", "snapdash config --json --jq .settings.server.value"},
	"completion": {
		"source <(snapdash completion bash)",
		"snapdash completion zsh > \"${fpath[1]}/_snapdash\"",
		"snapdash completion fish > ~/.config/fish/completions/snapdash.fish",
	},
	"man":     {"snapdash man > snapdash.1 && man -l snapdash.1"},
	"version": {"snapdash version", "snapdash --version", "snapdash version --json --jq .commit"},
	"help":    {"snapdash help list", "snapdash help environment", "snapdash help exit-codes"},
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
	printFlags(w, commandFlagSet(dash, false))
	fmt.Fprintln(w)
	printGlobals(w)
	fmt.Fprintln(w, "\nExamples:")
	printExamples(w, "dashboard")
	fmt.Fprint(w, `
Flags win over environment variables, which win over the config file
('snapdash config' shows what is in use and where it came from).
Run 'snapdash COMMAND -h' for a command's flags, 'snapdash help environment'
for every setting, 'snapdash help exit-codes' for the exit statuses.
Try 'snapdash demo' to play with a built-in simulator, or 'snapdash sim' to
serve one for other shells.
`)
}

// printUsage writes `snapdash CMD -h`.
func printUsage(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "Usage: snapdash %s", cmd.name)
	if cmd.args != "" {
		fmt.Fprintf(w, " %s", cmd.args)
	}
	fmt.Fprintf(w, " [flags]\n\n%s.\n", upperFirst(cmd.summary))
	if fs := commandFlagSet(cmd, false); hasFlags(fs) {
		fmt.Fprintln(w, "\nFlags:")
		printFlags(w, fs)
	}
	if len(commandExamples[cmd.name]) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		printExamples(w, cmd.name)
	}
	fmt.Fprintln(w, "\nGlobal flags (--server, --token, --config, ...): see 'snapdash help'.")
}

// printExamples writes a command's examples, indented.
func printExamples(w io.Writer, name string) {
	for _, ex := range commandExamples[name] {
		fmt.Fprintf(w, "  $ %s\n", ex)
	}
}

// commandFlagSet defines cmd's own flags, --json and --jq, and its local
// settings (not the global flags, unless globals) on a fresh flag set.
func commandFlagSet(cmd *command, globals bool) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	if cmd.jsonFlag {
		var b bool
		var s string
		fs.BoolVar(&b, "json", false, jsonUsage)
		fs.StringVar(&s, "jq", "", jqUsage)
	}
	g := config.NewGlobalFlags()
	if len(cmd.settings) > 0 {
		g.RegisterLocal(fs, cmd.settings...)
	}
	if globals {
		g.Register(fs)
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// flagPlaceholders name the value of flags, so that every command spells
// the same kind of value the same way (ID, FILE, DURATION, …) whatever the
// flag's own usage text says.
var flagPlaceholders = map[string]string{
	"interaction": "ID", "target-user": "ID", "target-endpoint": "ID", "session-id": "ID", "related": "ID",
	"client-id": "ID", "user-id": "ID", "application-id": "ID", "user-endpoint-id": "ID",
	"type": "TYPE", "session-type": "TYPE", "state": "STATE",
	"o": "FILE", "authorized-keys": "FILE", "host-key": "FILE", "log-file": "FILE", "config": "FILE",
	"data": "DIR", "addr": "ADDR",
	"server": "URL", "token-url": "URL", "mqtt-url": "URL", "mqtt-broker": "URL", "team-broker": "URL",
	"token": "TOKEN", "client-secret": "SECRET", "team-password": "SECRET",
	"since": "DURATION", "timeout": "DURATION",
	"seed": "N", "since-id": "N", "limit": "N", "max-image-mb": "N", "request-rate": "N",
	"events": "TRANSPORT", "theme": "THEME", "image-mode": "MODE", "jq": "EXPR", "size": "COLSxROWS",
	"colors": "COLORS", "picture-quality": "QUALITY",
}

// placeholders is every placeholder help may show.
var placeholders = []string{"ID", "FILE", "DIR", "DURATION", "N", "ADDR", "URL", "TYPE", "STATE", "TOKEN", "SECRET",
	"TRANSPORT", "THEME", "MODE", "EXPR", "COLSxROWS", "VALUE", "COLORS", "QUALITY"}

// flagSyntax returns "--name PLACEHOLDER" (-o for one letter; no
// placeholder for a boolean) and the usage text without backquotes.
func flagSyntax(f *flag.Flag) (string, string) {
	typ, usage := flag.UnquoteUsage(f)
	name := dashed(f.Name)
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return name, usage
	}
	ph, ok := flagPlaceholders[f.Name]
	if !ok {
		switch typ {
		case "duration":
			ph = "DURATION"
		case "int", "int64", "uint", "uint64":
			ph = "N"
		case "", "string", "value":
			ph = "VALUE"
		default:
			ph = strings.ToUpper(typ)
		}
	}
	return name + " " + ph, usage
}

// printFlags lists the flags of fs, GNU style, with their defaults.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flagSyntax(f)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" && !strings.Contains(usage, "(default") {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
}

// printGlobals lists the global settings with their environment
// variables ('snapdash help environment' adds the config-file keys).
func printGlobals(w io.Writer) {
	fmt.Fprintln(w, "Global flags (each also an environment variable, see 'snapdash help environment'):")
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	config.NewGlobalFlags().Register(fs)
	envOf := map[string]string{}
	for _, s := range config.Settings() {
		envOf[s.Flag] = s.Env
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flagSyntax(f)
		fmt.Fprintf(tw, "  %s\t%s [%s]\n", name, usage, envOf[f.Name])
	})
	fmt.Fprintf(tw, "  --version, -v\tprint the version and exit\n")
	fmt.Fprintf(tw, "  --help, -h\tshow help\n")
	tw.Flush()
}

// printEnvironment writes `snapdash help environment`: every SNAPDASH_*
// variable with its flag and config-file key, then the variables snapdash
// reads but does not own.
func printEnvironment(w io.Writer) error {
	fmt.Fprint(w, `Environment variables and config-file keys

Every setting can be given as a flag, an environment variable or a key in
the config file; a flag wins over the environment, which wins over the file.
'snapdash config' shows the values in use and where each came from.

`)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tFLAG\tCONFIG KEY\tMEANING")
	settings := config.Settings()
	for _, s := range settings {
		key := s.Key
		if key == "" {
			key = "-"
		}
		flagName := "--" + s.Flag
		if s.Local {
			flagName += " (dashboard)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Env, flagName, key, strings.ReplaceAll(s.Usage, "`", ""))
	}
	tw.Flush()
	fmt.Fprint(w, `
Config-file keys without a flag or variable:
  bell                   ring the terminal bell when a picture arrives
  keys.ACTION            rebind a dashboard action (see docs/configuration.md)
  events.scrollback      lines the events pane keeps (default 10000)
  watch.warn_after       a pending request is late after this (default 2m)
  watch.critical_after   ... and critical after this (default 5m)
  ssh.authorized_keys    snapdash serve: who may connect (--authorized-keys)
  ssh.host_key           snapdash serve: the host key file (--host-key)
  ssh.roles              snapdash serve: key fingerprint or comment to reviewer/supervisor

Other variables snapdash reads:
  XDG_CONFIG_HOME   the config file is $XDG_CONFIG_HOME/snapdash/config.yaml
                    (default ~/.config/snapdash/config.yaml)
  XDG_STATE_HOME    recent interactions are kept in $XDG_STATE_HOME/snapdash
                    (default ~/.local/state/snapdash)
  NO_COLOR          no colour in the dashboard or in 'snapdash show'
  TERM, COLORTERM, TERM_PROGRAM, TMUX   what the terminal can draw
`)
	return nil
}

// exitCodesHelp is `snapdash help exit-codes`.
const exitCodesHelp = `Exit codes

  0    success
  1    the action failed: the server refused or could not be reached, a
       file could not be read or written, the config file is wrong, or
       camera --wait saw the device fail
  2    a usage mistake: an unknown command or flag, a bad flag value (or a
       bad SNAPDASH_* variable), a missing or extra argument; nothing was
       sent to the server
  130  interrupted (Ctrl-C) before the command finished

Commands that run until interrupted (the dashboard, events, sim, serve)
exit 0 when stopped with Ctrl-C or q.
`

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
