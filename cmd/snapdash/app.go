package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/journal"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/tui"
)

// Exit codes (snapdash help exit-codes).
const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitInterrupt = 130 // 128 + SIGINT, as a shell reports a command cut short
)

// env is one run of the command line: its standard streams, environment and
// the global flags collected from every flag set.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	version        string
	globals        *config.GlobalFlags
	json           bool   // --json of the running command
	jq             string // --jq of the running command
	warnedInsecure bool   // the plain-http warning was given
	warnedUserID   bool   // the unknown-user-id warning was given
	// stdlog, when set, redirects the standard library's logger (main sets
	// log.SetOutput); nothing of it may reach stderr.
	stdlog func(io.Writer)
	// stderrTTY reports whether stderr is a terminal (progress bars);
	// nil means it is when it is an *os.File on a terminal.
	stderrTTY func() bool
	// now is the clock of progress bars and of "new" events (nil: time.Now).
	now func() time.Time
	// journal records what `events` receives (nil: nothing).
	journal *journal.Journal
}

// command is one subcommand. flags binds the command's own flags to
// variables captured by run; it may be called on several flag sets (the
// parsing one and the one that prints usage).
type command struct {
	name     string
	args     string // positional synopsis, e.g. "ID FILE"
	summary  string
	group    string
	minArgs  int
	maxArgs  int  // -1: any number
	jsonFlag bool // accepts --json (and --jq)
	hidden   bool
	// settings are the local config settings the command takes as flags
	// (config.GlobalFlags.RegisterLocal), such as the dashboard's --timeout.
	settings []string
	flags    func(fs *flag.FlagSet)
	run      func(ctx context.Context, e *env, args []string) error
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

// Error implements error.
func (u *usageError) Error() string { return u.msg }

// silentOK ends the run with exit status 0 without a message: the user
// chose to leave (q on the dashboard's connecting screen).
type silentOK struct{}

// Error implements error.
func (silentOK) Error() string { return "" }

// noticeError is a failure whose message spans several lines on purpose
// (instructions); it is printed as it is, sanitized.
type noticeError struct{ msg string }

// Error implements error.
func (n *noticeError) Error() string { return n.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// commands returns every subcommand in help order. Each call builds fresh
// flag variables.
func commands() []*command {
	return []*command{
		dashboardCmd(), demoCmd(), watchCmd(), serveCmd(), simCmd(),
		interactionsCmd(), listCmd(), getCmd(),
		requestCmd(), approveCmd(), discardCmd(), cameraCmd(),
		uploadCmd(), acquireCmd(), urlCmd(), fetchCmd(), showCmd(),
		eventsCmd(), reportCmd(), configCmd(), completionCmd(), manCmd(), versionCmd(), helpCmd(), completeCmd(),
	}
}

// clock returns the current time (e.now when a test set it).
func (e *env) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}

func findCommand(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run executes the command line args (without the program name) and returns
// the exit status. Errors are printed as one sanitized line on stderr.
func run(ctx context.Context, args []string, e *env) int {
	if e.globals == nil {
		e.globals = config.NewGlobalFlags()
	}
	if e.stdlog != nil {
		e.stdlog(io.Discard) // until a session opens its log file
	}
	err := dispatch(ctx, args, e)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp), errors.As(err, new(silentOK)):
		return exitOK
	}
	if (ctx.Err() != nil || errors.Is(err, tui.ErrInterrupted)) && !isUsage(err) {
		// Interrupted: whatever failed failed because it was cut short.
		fmt.Fprintln(e.stderr, "snapdash: interrupted")
		return exitInterrupt
	}
	if errors.As(err, new(silentError)) {
		return exitError
	}
	var ne *noticeError
	if errors.As(err, &ne) {
		fmt.Fprintf(e.stderr, "snapdash: %s\n", sanitize.Text(ne.msg))
		return exitError
	}
	fmt.Fprintf(e.stderr, "snapdash: %s\n", sanitize.Line(err.Error()))
	if isUsage(err) {
		return exitUsage
	}
	return exitError
}

// isUsage reports a mistake on the command line: a usage error, or a
// setting given by a flag or an environment variable that cannot be used.
// (A bad config file is a failure, exit 1: nothing typed was wrong.)
func isUsage(err error) bool {
	if errors.As(err, new(*usageError)) {
		return true
	}
	var ve *config.ValueError
	return errors.As(err, &ve) && (ve.Origin == config.FromFlag || ve.Origin == config.FromEnv)
}

func dispatch(ctx context.Context, args []string, e *env) error {
	cmds := commands()
	// The root flag set is the dashboard's plus --version: it stops at the
	// first positional argument, the subcommand's name.
	root := findCommand(cmds, "dashboard")
	var showVersion bool
	fs := newFlagSet(e, root)
	registerVersionFlags(fs, &showVersion)
	if err := fs.Parse(args); err != nil {
		return flagError(e, root, fs, err)
	}
	if err := checkRanges(root, fs); err != nil {
		return err
	}
	if showVersion {
		return currentBuild(e.version).write(e.stdout)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return root.run(ctx, e, nil)
	}
	if rest[0] == "__complete" {
		// The words are the user's half-typed command line: not parsed.
		return runComplete(ctx, e, rest[1:])
	}
	cmd := findCommand(cmds, rest[0])
	if cmd == nil || cmd == root {
		return usagef("unknown command %q (see snapdash help)", rest[0])
	}
	cfs := newFlagSet(e, cmd)
	pos, err := parseInterspersed(cfs, rest[1:])
	if err != nil {
		return flagError(e, cmd, cfs, err)
	}
	if err := checkRanges(cmd, cfs); err != nil {
		return err
	}
	switch {
	case len(pos) < cmd.minArgs:
		return usagef("%s: missing %s (see snapdash %s -h)", cmd.name, missingArgs(cmd, len(pos)), cmd.name)
	case cmd.maxArgs >= 0 && len(pos) > cmd.maxArgs:
		return usagef("%s: unexpected argument %q (see snapdash %s -h)", cmd.name, pos[cmd.maxArgs], cmd.name)
	}
	if e.jq == "" {
		return cmd.run(ctx, e, pos)
	}
	if !e.json {
		return usagef("%s: --jq needs --json", cmd.name)
	}
	code, err := compileJQ(e.jq)
	if err != nil {
		return err
	}
	f := &jqFilter{ctx: ctx, code: code, out: e.stdout}
	e.stdout = f
	err = cmd.run(ctx, e, pos)
	e.stdout = f.out
	if ferr := f.close(); ferr != nil {
		return ferr
	}
	return err
}

// missingArgs names the positional arguments from index have on.
func missingArgs(cmd *command, have int) string {
	words := strings.Fields(cmd.args)
	if have < len(words) {
		return strings.Trim(strings.Join(words[have:cmd.minArgs], " "), "[]")
	}
	return "arguments"
}

// newFlagSet returns the flag set that parses cmd's arguments: its own flags,
// --json where it prints data, and every global flag.
func newFlagSet(e *env, cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run, usage by printUsage
	fs.Usage = func() {}
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	if cmd.jsonFlag {
		fs.BoolVar(&e.json, "json", false, jsonUsage)
		fs.StringVar(&e.jq, "jq", "", jqUsage)
	}
	if len(cmd.settings) > 0 {
		e.globals.RegisterLocal(fs, cmd.settings...)
	}
	e.globals.Register(fs)
	return fs
}

// Usage texts of --json and --jq, the same on every command.
const (
	jsonUsage = "print JSON with the API's field names"
	jqUsage   = "filter the JSON through the jq expression `EXPR` (needs --json), as gh does"
)

// flagError turns the flag package's error into a usage error that names
// the flag as it is typed (--name), or prints the command's usage for -h.
func flagError(e *env, cmd *command, fs *flag.FlagSet, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		if cmd.name == "dashboard" {
			printMainUsage(e.stdout, commands())
		} else {
			printUsage(e.stdout, cmd)
		}
		return err
	}
	msg := flagMessage(fs, err)
	if cmd.name == "dashboard" {
		return usagef("%s (see snapdash help)", msg)
	}
	return usagef("%s: %s (see snapdash %s -h)", cmd.name, msg, cmd.name)
}

var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -(.+)$`)
	reNeedsArg  = regexp.MustCompile(`^flag needs an argument: -(.+)$`)
	reInvalid   = regexp.MustCompile(`^invalid (?:boolean )?value "((?:[^"\\]|\\.)*)" for (?:flag )?-([^:]+): (.*)$`)
)

// flagMessage rewrites the flag package's messages, which spell flags with
// one dash, the way the documentation spells them.
func flagMessage(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return "unknown flag " + dashed(m[1])
	}
	if m := reNeedsArg.FindStringSubmatch(msg); m != nil {
		return dashed(m[1]) + " needs a value"
	}
	if m := reInvalid.FindStringSubmatch(msg); m != nil {
		value, name, why := m[1], m[2], m[3]
		switch {
		case why == "parse error" || why == "value out of range" || strings.HasPrefix(why, "strconv."):
			why = fmt.Sprintf("%q is not %s", value, kindOf(fs.Lookup(name)))
		case strings.HasPrefix(msg, "invalid boolean"):
			why = fmt.Sprintf("%q is not true or false", value)
		}
		return dashed(name) + ": " + why
	}
	return strings.ReplaceAll(msg, " -", " --")
}

// dashed spells a flag as typed: -o for one letter, --name otherwise.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// kindOf names what a flag's value must be, for messages.
func kindOf(f *flag.Flag) string {
	if f == nil {
		return "valid"
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return "valid"
	}
	switch g.Get().(type) {
	case time.Duration:
		return "a duration (e.g. 30s, 5m, 1h)"
	case int, int64, uint, uint64:
		return "a whole number"
	case float64:
		return "a number"
	case bool:
		return "true or false"
	}
	return "valid"
}

// Range limits of the commands' own numeric flags: a duration must be
// positive (acquire-delay may be 0) and at most a week; a count from 1 to
// a million. Flags not listed get the defaults.
var (
	minDuration = map[string]time.Duration{"acquire-delay": 0}
	maxDuration = 7 * 24 * time.Hour
	maxCount    = 1_000_000
)

// checkRanges checks the numeric flags given on the command line: nothing
// negative, no zero duration or count where it makes no sense.
func checkRanges(cmd *command, fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		g, ok := f.Value.(flag.Getter)
		if !ok {
			return
		}
		var why string
		switch v := g.Get().(type) {
		case time.Duration:
			lo, ok := minDuration[f.Name]
			if !ok {
				lo = time.Nanosecond
			}
			if v < lo || v > maxDuration {
				if lo == 0 {
					why = fmt.Sprintf("%s: want a duration from 0s to %s", v, fmtDuration(maxDuration))
				} else {
					why = fmt.Sprintf("%s: want a duration above 0 and at most %s", v, fmtDuration(maxDuration))
				}
			}
		case int:
			if v < 1 || v > maxCount {
				why = fmt.Sprintf("%d: want a whole number from 1 to %d", v, maxCount)
			}
		}
		if why != "" {
			err = usagef("%s: %s: %s (see snapdash %s -h)", cmd.name, dashed(f.Name), why, cmd.name)
		}
	})
	return err
}

// fmtDuration prints whole days as 7d.
func fmtDuration(d time.Duration) string {
	v := days(d)
	return v.String()
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments ("approve ID --type T") and returns the positionals.
// After "--" everything is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// stringList is a repeatable string flag.
type stringList []string

// String implements flag.Value.
func (s *stringList) String() string { return strings.Join(*s, ",") }

// Set implements flag.Value: it adds each comma-separated value.
func (s *stringList) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*s = append(*s, part)
		}
	}
	return nil
}
