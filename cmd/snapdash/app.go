package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// env is one run of the command line: its standard streams, environment and
// the global flags collected from every flag set.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	version        string
	globals        *config.GlobalFlags
	json           bool // --json of the running command
	warnedInsecure bool // the plain-http warning was given
	warnedUserID   bool // the unknown-user-id warning was given
	// stdlog, when set, redirects the standard library's logger (main sets
	// log.SetOutput); nothing of it may reach stderr.
	stdlog func(io.Writer)
	// stderrTTY reports whether stderr is a terminal (progress bars);
	// nil means it is when it is an *os.File on a terminal.
	stderrTTY func() bool
	// now is the clock of progress bars and of "new" events (nil: time.Now).
	now func() time.Time
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
	jsonFlag bool // accepts --json
	hidden   bool
	flags    func(fs *flag.FlagSet)
	run      func(ctx context.Context, e *env, args []string) error
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

// Error implements error.
func (u *usageError) Error() string { return u.msg }

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
		eventsCmd(), completionCmd(), versionCmd(), helpCmd(), completeCmd(),
	}
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
	case errors.Is(err, flag.ErrHelp):
		return exitOK
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
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

func dispatch(ctx context.Context, args []string, e *env) error {
	cmds := commands()
	// The root flag set is the dashboard's plus --version: it stops at the
	// first positional argument, the subcommand's name.
	root := findCommand(cmds, "dashboard")
	var showVersion bool
	fs := newFlagSet(e, root)
	fs.BoolVar(&showVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return flagError(e, root, err)
	}
	if showVersion {
		fmt.Fprintf(e.stdout, "snapdash %s\n", e.version)
		return nil
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
	pos, err := parseInterspersed(newFlagSet(e, cmd), rest[1:])
	if err != nil {
		return flagError(e, cmd, err)
	}
	switch {
	case len(pos) < cmd.minArgs:
		return usagef("%s: missing %s (see snapdash %s -h)", cmd.name, missingArgs(cmd, len(pos)), cmd.name)
	case cmd.maxArgs >= 0 && len(pos) > cmd.maxArgs:
		return usagef("%s: unexpected argument %q (see snapdash %s -h)", cmd.name, pos[cmd.maxArgs], cmd.name)
	}
	return cmd.run(ctx, e, pos)
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
		fs.BoolVar(&e.json, "json", false, "print JSON (the API's field names) instead of a table")
	}
	e.globals.Register(fs)
	return fs
}

// flagError turns the flag package's error into a usage error, or prints the
// command's usage for -h.
func flagError(e *env, cmd *command, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		if cmd.name == "dashboard" {
			printMainUsage(e.stdout, commands())
		} else {
			printUsage(e.stdout, cmd)
		}
		return err
	}
	if cmd.name == "dashboard" {
		return usagef("%v (see snapdash help)", err)
	}
	return usagef("%s: %v (see snapdash %s -h)", cmd.name, err, cmd.name)
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
