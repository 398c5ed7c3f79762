package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/config"
)

// inproc runs the command line in this process with the given
// environment (HOME is a fresh directory unless given) and standard input.
type inproc struct {
	code           int
	stdout, stderr string
}

func runIn(t *testing.T, ctx context.Context, vars map[string]string, stdin io.Reader, args ...string) inproc {
	t.Helper()
	all := map[string]string{"HOME": t.TempDir(), "NO_COLOR": "1"}
	for k, v := range vars {
		all[k] = v
	}
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code := run(ctx, args, &env{stdin: stdin, stdout: &out, stderr: &errb,
		getenv: func(k string) string { return all[k] }, version: "9.9.9-test", stderrTTY: func() bool { return false }})
	return inproc{code: code, stdout: out.String(), stderr: errb.String()}
}

// flagValueCases are bad values of the flags whose values are checked (an
// enumeration, a range, a syntax): `cmd --flag` or `--flag` for every
// command. Each must be refused with exit 2 and a message naming the flag
// as typed. TestEveryFlagOfEveryCommand checks that every such flag has
// one.
var flagValueCases = []struct {
	cmd, flag, value, want string
}{
	{"dashboard", "since", "0", `--since: "0": want a period above 0`},
	{"dashboard", "timeout", "-1s", "--timeout: -1s: want a duration from 1s"},
	{"dashboard", "image-mode", "foo", `--image-mode: "foo" is not one of auto, ascii`},
	{"dashboard", "theme", "neon", `--theme: "neon" is not one of dark, light, high-contrast`},
	{"dashboard", "events", "carrier-pigeon", `--events: "carrier-pigeon" is not one of auto, sse, mqtt, poll`},
	{"dashboard", "max-image-mb", "0", "--max-image-mb: \"0\": want a whole number of MiB from 1 to 1024"},
	{"dashboard", "request-rate", "0", "--request-rate: \"0\": want a whole number of requests a second from 1 to 1000"},
	{"dashboard", "server", "ftp://x", `--server: "ftp://x": want an http(s)://host URL`},
	{"dashboard", "token-url", "ftp://x", `--token-url: "ftp://x": want an http(s)://host URL`},
	{"dashboard", "mqtt-url", "http://x", `--mqtt-url: "http://x": want a wss://host/path URL`},
	{"dashboard", "mouse", "maybe", `--mouse: "maybe" is not true or false`},
	{"dashboard", "read-only", "2", `--read-only: "2" is not true or false`},
	{"watch", "timeout", "2h", "--timeout: 2h0m0s: want a duration from 1s to 1h0m0s"},
	{"demo", "since", "400d", `--since: "400d": want a period above 0 and at most 366d`},
	{"camera", "timeout", "-1s", "camera: --timeout: -1s: want a duration above 0"},
	{"camera", "timeout", "soon", `camera: --timeout: "soon" is not a duration`},
	{"camera", "type", "ZOOM", `--type "ZOOM": want CAMERA_SWITCH, FLASH_ON or FLASH_OFF`},
	{"camera", "session-type", "PHONE", `--session-type "PHONE": want CALL, CONFERENCE or UNKNOWN`},
	{"request", "session-type", "PHONE", `--session-type "PHONE": want CALL, CONFERENCE or UNKNOWN`},
	{"serve", "idle-timeout", "0s", "serve: --idle-timeout: 0s: want a duration above 0"},
	{"serve", "login-timeout", "-5s", "serve: --login-timeout: -5s: want a duration above 0"},
	{"serve", "max-sessions", "0", "serve: --max-sessions: 0: want a whole number from 1 to"},
	{"serve", "max-unauthenticated", "-1", "serve: --max-unauthenticated: -1: want a whole number from 1 to"},
	{"serve", "max-per-address", "many", `serve: --max-per-address: "many" is not a whole number`},
	{"serve", "max-per-network", "0", "serve: --max-per-network: 0: want a whole number from 1 to"},
	{"serve", "keepalive", "0s", "serve: --keepalive: 0s: want a duration above 0"},
	{"sim", "acquire-delay", "-1s", "sim: --acquire-delay: -1s: want a duration from 0s to 7d"},
	{"sim", "seed", "x", `sim: --seed: "x" is not a whole number`},
	{"interactions", "since", "soon", `interactions: --since: "soon" is not a duration`},
	{"report", "since", "soon", `report: --since: "soon" is neither a duration`},
	{"report", "until", "-2h", `report: --until: "-2h": a negative duration`},
	{"interactions", "limit", "0", `interactions: --limit: "0": want a whole number from 1 to`},
	{"interactions", "state", "lost", `interactions: --state: "lost" is not one of uploaded, approved, discarded`},
	{"list", "limit", "-3", `list: --limit: "-3": want a whole number from 1 to`},
	{"list", "state", "REQUESTED", `list: --state: "requested" is not one of uploaded, approved, discarded`},
	{"list", "since", "-1h", `list: --since: "-1h": want a period above 0`},
	{"events", "since-id", "-1", `events: --since-id: "-1" is not a sequence number`},
	{"show", "size", "0x5", `--size "0x5": want COLSxROWS`},
	{"get", "jq", ".[", "--jq: "},
	{"get", "json", "maybe", `get: --json: "maybe" is not true or false`},
}

// positionals are valid stand-ins for each command's arguments.
func positionals(cmd *command) []string {
	switch cmd.name {
	case "completion":
		return []string{"bash"}
	case "acquire":
		return []string{"snap-1", writeFileFor(cmd.name)}
	case "upload":
		return []string{writeFileFor(cmd.name)}
	}
	out := make([]string, cmd.minArgs)
	for i := range out {
		out[i] = "id-1"
	}
	return out
}

var tmpPicture string

func writeFileFor(string) string {
	if tmpPicture == "" {
		f, err := os.CreateTemp("", "snapdash-flagtest-*.jpg")
		if err != nil {
			panic(err)
		}
		f.Close()
		tmpPicture = f.Name()
	}
	return tmpPicture
}

// TestEveryFlagOfEveryCommand: every flag of every command, its own and
// the global ones, fails with exit 2 and a one-line message naming it as
// typed (--name) when it is given without its value (or a boolean with a
// non-boolean); every flag whose value is checked has a bad value in
// flagValueCases, refused the same way. Nothing is sent anywhere: the
// server is an address nobody listens on.
func TestEveryFlagOfEveryCommand(t *testing.T) {
	t.Parallel()
	t.Cleanup(func() {
		if tmpPicture != "" {
			os.Remove(tmpPicture)
		}
	})
	vars := map[string]string{"SNAPDASH_SERVER": "http://127.0.0.1:1", "SNAPDASH_TOKEN": "t"}
	flags := everyCommandFlag()
	if len(flags) < 200 {
		t.Errorf("only %d flags checked", len(flags))
	}
	valued := map[string]bool{}
	for _, tc := range flagValueCases {
		valued[tc.cmd+" "+tc.flag] = true
	}
	for _, cf := range flags {
		checkFlagWithoutValue(t, vars, cf)
		checkFlagHasBadValue(t, valued, cf)
	}
	for _, tc := range flagValueCases {
		cmd := findCommand(commands(), tc.cmd)
		if cmd == nil || commandFlagSet(cmd, true).Lookup(tc.flag) == nil {
			t.Errorf("flagValueCases: %s has no --%s", tc.cmd, tc.flag)
			continue
		}
		args := badValueArgs(cmd, tc.flag, tc.value)
		r := runIn(t, context.Background(), vars, nil, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) || len(lines(r.stderr)) != 1 {
			t.Errorf("%v: want exit 2 and %q, got %d %q", args, tc.want, r.code, r.stderr)
		}
	}
	// The same checks on the environment variables say their names.
	r := runIn(t, context.Background(), map[string]string{"SNAPDASH_IMAGE_MODE": "foo", "SNAPDASH_TIMEOUT": "5s"}, nil, "interactions")
	if r.code != exitUsage || !strings.Contains(r.stderr, `SNAPDASH_IMAGE_MODE: "foo" is not one of`) {
		t.Errorf("SNAPDASH_IMAGE_MODE: %+v", r)
	}
}

// commandFlag is one flag of one command, with the command line that runs
// the command with valid positional arguments.
type commandFlag struct {
	cmd  *command
	flag *flag.Flag
	args []string
}

// everyCommandFlag lists every flag of every command the user can run, the
// global ones included.
func everyCommandFlag() []commandFlag {
	var out []commandFlag
	for _, cmd := range commands() {
		if cmd.name == "__complete" {
			continue // the shells' entry point: it never fails
		}
		fs := commandFlagSet(cmd, true)
		args := []string{cmd.name}
		if cmd.name == "dashboard" {
			var v bool
			registerVersionFlags(fs, &v)
			args = nil
		}
		args = append(args, positionals(cmd)...)
		fs.VisitAll(func(f *flag.Flag) {
			out = append(out, commandFlag{cmd: cmd, flag: f, args: args})
		})
	}
	return out
}

// checkFlagWithoutValue runs the command with the flag missing its value
// (a boolean with a non-boolean one): exit 2 and one line naming the flag.
func checkFlagWithoutValue(t *testing.T, vars map[string]string, cf commandFlag) {
	t.Helper()
	name := dashed(cf.flag.Name)
	args := slices.Clone(cf.args)
	if b, ok := cf.flag.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		args = append(args, name+"=maybe")
	} else {
		args = append(args, name)
	}
	r := runIn(t, context.Background(), vars, nil, args...)
	named := strings.Contains(r.stderr, name+" ") || strings.Contains(r.stderr, name+":")
	if r.code != exitUsage || !named || len(lines(r.stderr)) != 1 || r.stdout != "" {
		t.Errorf("%v: want exit 2 naming %s, got %d %q %.200q", args, name, r.code, r.stderr, r.stdout)
	}
}

// checkedFlags are flags whose values every command checks: each command
// having one needs its own bad value in flagValueCases (watch and demo
// share the dashboard's).
var checkedFlags = []string{"since", "limit", "state", "size", "timeout", "since-id"}

// checkFlagHasBadValue: a flag whose value is checked (a number, a
// duration, or one of checkedFlags) has a bad value in flagValueCases.
// Global flags and flags shared with the dashboard (--jq, --session-type)
// are covered once for all.
func checkFlagHasBadValue(t *testing.T, valued map[string]bool, cf commandFlag) {
	t.Helper()
	cmd, name := cf.cmd.name, cf.flag.Name
	if g, ok := cf.flag.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case time.Duration, int, int64, uint64:
			if !valued[cmd+" "+name] && !valued["dashboard "+name] && !isGlobal(name) {
				t.Errorf("%s --%s: a numeric flag with no bad value in flagValueCases", cmd, name)
			}
		}
	}
	if slices.Contains(checkedFlags, name) && !valued[cmd+" "+name] && cmd != "watch" && cmd != "demo" {
		t.Errorf("%s --%s: a checked flag with no bad value in flagValueCases", cmd, name)
	}
}

// badValueArgs is the command line giving cmd's flag a bad value, with the
// other flags the command requires so that the bad value is what it trips
// on.
func badValueArgs(cmd *command, flagName, value string) []string {
	var args []string
	if cmd.name != "dashboard" {
		args = append(args, cmd.name)
	}
	args = append(args, positionals(cmd)...)
	switch cmd.name {
	case "camera":
		args = append(args, "--target-user", "u", "--target-endpoint", "e")
		if flagName != "type" {
			args = append(args, "--type", "FLASH_ON")
		}
	case "request":
		args = append(args, "--interaction", "i", "--target-user", "u", "--target-endpoint", "e")
	case "get":
		if flagName == "jq" {
			args = append(args, "--json")
		}
	}
	return append(args, "--"+flagName+"="+value)
}

func isGlobal(name string) bool {
	for _, s := range config.Settings() {
		if s.Flag == name {
			return true
		}
	}
	return false
}

// TestArgumentCounts: too few or too many arguments are usage mistakes.
func TestArgumentCounts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"acquire", "id"}, "acquire: missing FILE|-"},
		{[]string{"version", "extra"}, `version: unexpected argument "extra"`},
		{[]string{"config", "show"}, `config: unknown argument "show"`},
		{[]string{"help", "nope"}, `help: unknown command or topic "nope"`},
		{[]string{"interactions", "--jq", ".[]"}, "interactions: --jq needs --json"},
		{[]string{"--bogus"}, "unknown flag --bogus (see snapdash help)"},
	} {
		r := runIn(t, context.Background(), nil, nil, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: want exit 2 and %q, got %+v", tc.args, tc.want, r)
		}
	}
}

// TestInterruptExits130: a command cut short by an interrupt exits 130,
// here one waiting on a server that accepts connections and never answers.
func TestInterruptExits130(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan net.Conn, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		c := <-accepted // the request is on its way: interrupt it
		t.Cleanup(func() { c.Close() })
		cancel()
	}()
	r := runIn(t, ctx, map[string]string{"SNAPDASH_SERVER": "http://" + ln.Addr().String(), "SNAPDASH_TOKEN": "t"}, nil, "interactions")
	if r.code != exitInterrupt || r.stderr != "snapdash: interrupted\n" {
		t.Errorf("want 130 and one line, got %+v", r)
	}
}

// TestHelpPages: every command's help has a purpose, its flags with the
// common placeholders, and one to three examples; the topics list every
// variable and the exit codes.
func TestHelpPages(t *testing.T) {
	t.Parallel()
	phRE := regexp.MustCompile(`(?m)^  (--?[a-z0-9-]+)(?: ([A-Za-z]+))?  `)
	allowed := map[string]bool{}
	for _, p := range placeholders {
		allowed[p] = true
	}
	for _, cmd := range commands() {
		if cmd.hidden && cmd.name != "dashboard" {
			continue
		}
		args := []string{cmd.name, "-h"}
		if cmd.name == "dashboard" {
			args = []string{"-h"}
		}
		r := runIn(t, context.Background(), nil, nil, args...)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%v: %+v", args, r)
			continue
		}
		n := strings.Count(r.stdout, "\n  $ snapdash") + strings.Count(r.stdout, "\n  $ ") - strings.Count(r.stdout, "\n  $ snapdash")
		if n < 1 || n > 3 || !strings.Contains(r.stdout, "Examples:") {
			t.Errorf("%v: %d examples:\n%s", args, n, r.stdout)
		}
		for _, m := range phRE.FindAllStringSubmatch(r.stdout, -1) {
			if m[2] != "" && !allowed[m[2]] {
				t.Errorf("%v: %s takes %s, not one of the common placeholders", args, m[1], m[2])
			}
		}
		if strings.Contains(r.stdout, "instead of a table") {
			t.Errorf("%v: --json says a table", args)
		}
	}
	serve := runIn(t, context.Background(), nil, nil, "serve", "-h").stdout
	if !regexp.MustCompile(`--authorized-keys FILE .*required`).MatchString(serve) {
		t.Errorf("serve -h does not say --authorized-keys is required:\n%s", serve)
	}
	envHelp := runIn(t, context.Background(), nil, nil, "help", "environment").stdout
	for _, s := range config.Settings() {
		if !strings.Contains(envHelp, s.Env) || !strings.Contains(envHelp, "--"+s.Flag) {
			t.Errorf("help environment lacks %s / --%s", s.Env, s.Flag)
		}
	}
	codes := runIn(t, context.Background(), nil, nil, "help", "exit-codes").stdout
	for _, c := range []string{"  0 ", "  1 ", "  2 ", "  130 "} {
		if !strings.Contains(codes, c) {
			t.Errorf("help exit-codes lacks %q:\n%s", c, codes)
		}
	}
}

// TestManPage: `snapdash man` is a page man (or groff) renders without a
// warning, with every command and the exit codes.
func TestManPage(t *testing.T) {
	t.Parallel()
	r := runIn(t, context.Background(), nil, nil, "man")
	if r.code != 0 || !strings.HasPrefix(r.stdout, ".TH SNAPDASH 1") {
		t.Fatalf("%+v", r)
	}
	p := filepath.Join(t.TempDir(), "snapdash.1")
	if err := os.WriteFile(p, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	var out []byte
	var err error
	var stderr bytes.Buffer
	switch {
	case haveCmd("groff"):
		cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", p)
		cmd.Stderr = &stderr
		out, err = cmd.Output()
	case haveCmd("man"):
		cmd := exec.Command("man", "-l", p)
		cmd.Env = append(os.Environ(), "MANPAGER=cat", "MANWIDTH=100")
		cmd.Stderr = &stderr
		out, err = cmd.Output()
	default:
		// No renderer: check the page's syntax instead: every line is a
		// known request or text, and no text line starts with a dot.
		for i, l := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(l, ".") && !regexp.MustCompile(`^\.(TH|SH|SS|TP|PP|RS|RE|nf|fi|B|I|br)\b`).MatchString(l) {
				t.Errorf("line %d: unknown request %q", i+1, l)
			}
		}
		return
	}
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("rendering: %v\n%s", err, stderr.String())
	}
	text := regexp.MustCompile(".\b").ReplaceAllString(string(out), "")
	for _, want := range []string{"snapdash list", "snapdash config", "--jq", "SNAPDASH_TIMEOUT", "EXIT STATUS", "130", "Examples:"} {
		if !strings.Contains(text, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
}

func haveCmd(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// TestReadBuildInfo: the version comes from -ldflags, else from the module
// (go install …@v1.4.0); commit, date and modification from the VCS stamp.
func TestReadBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.99.1", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	b := readBuildInfo("dev", bi)
	if b.Version != "1.4.0" || b.Commit != "0123456789abcdef0123" || b.Date != "2026-12-01T10:00:00Z" || !b.Modified || b.Go != "go1.99.1" {
		t.Errorf("%+v", b)
	}
	var out bytes.Buffer
	if err := b.write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"snapdash 1.4.0\n", "commit:   0123456789ab (modified)\n", "date:     2026-12-01T10:00:00Z\n", "go:       go1.99.1\n", "platform: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out.String())
		}
	}
	if b := readBuildInfo("2.0.0", bi); b.Version != "2.0.0" {
		t.Errorf("ldflags lost: %+v", b)
	}
	if b := readBuildInfo("dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}); b.Version != "dev" || b.Commit != "" {
		t.Errorf("devel: %+v", b)
	}
}

// TestConfigCommand: `snapdash config` says the file, the state
// directory, the server, who the token is and where each setting came
// from, secrets redacted; `config path` prints just the path.
func TestConfigCommand(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	token := srv.IssueToken(sim.RoleAgent, time.Hour)
	home := t.TempDir()
	p := filepath.Join(home, "snapdash.yaml")
	if err := os.WriteFile(p, []byte("theme: light\ntoken: "+token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"HOME": home, "SNAPDASH_CONFIG": p, "SNAPDASH_SERVER": srv.URL(), "XDG_STATE_HOME": filepath.Join(home, "state")}
	r := runIn(t, context.Background(), vars, nil, "config", "--image-mode", "ascii")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if strings.Contains(r.stdout, token) {
		t.Fatal("the token was printed")
	}
	for _, want := range []string{
		"config file: " + p + "\n", "state dir:   " + filepath.Join(home, "state", "snapdash") + "\n",
		"server:      " + srv.URL() + "\n", "identity:    user " + sim.AgentUserID,
		"theme", "light", "image-mode           ascii", "flag (--image-mode)", "env (SNAPDASH_SERVER)",
		"[redacted]", "timeout              30s                     default",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in\n%s", want, r.stdout)
		}
	}
	if !regexp.MustCompile(`(?m)^theme\s+light\s+file$`).MatchString(r.stdout) || !regexp.MustCompile(`(?m)^token\s+\[redacted\]\s+file$`).MatchString(r.stdout) {
		t.Errorf("file settings:\n%s", r.stdout)
	}
	if r := runIn(t, context.Background(), vars, nil, "config", "path"); r.code != 0 || r.stdout != p+"\n" {
		t.Errorf("config path: %+v", r)
	}
	r = runIn(t, context.Background(), vars, nil, "config", "--json")
	var rep struct {
		File     string
		Identity struct{ UserID string }
		Settings map[string]struct{ Value, Source, From string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.File != p || rep.Identity.UserID != sim.AgentUserID ||
		rep.Settings["server"].Source != "env" || rep.Settings["server"].From != "SNAPDASH_SERVER" || rep.Settings["token"].Value != "[redacted]" {
		t.Errorf("config --json: %v %+v\n%s", err, rep, r.stdout)
	}
	if r := runIn(t, context.Background(), vars, nil, "config", "--json", "--jq", ".settings.theme.source"); r.stdout != "file\n" {
		t.Errorf("--jq: %+v", r)
	}
}

// TestFiltersAndJQ: list and interactions filter by state, type, limit and
// period; --jq filters the JSON of any command.
func TestFiltersAndJQ(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	vars := agentEnv(srv)
	all := runIn(t, context.Background(), vars, nil, "interactions", "--json", "--jq", ".[].id")
	ids := lines(all.stdout)
	if all.code != 0 || len(ids) != len(srv.Interactions()) {
		t.Fatalf("%+v", all)
	}
	if r := runIn(t, context.Background(), vars, nil, "interactions", "--json", "--jq", "length", "--limit", "2"); r.stdout != "2\n" {
		t.Errorf("--limit 2: %+v", r)
	}
	r := runIn(t, context.Background(), vars, nil, "interactions", "--type", "call", "--json", "--jq", "[.[].type] | unique | .[]")
	if r.code != 0 || r.stdout != "CALL\n" {
		t.Errorf("--type call: %+v", r)
	}
	// --state uploaded: exactly the interactions with a picture awaiting review.
	r = runIn(t, context.Background(), vars, nil, "interactions", "--state", "uploaded", "--json", "--jq", ".[].id")
	var want []string
	c, err := client.New(client.Config{Server: srv.URL(), Token: vars["SNAPDASH_TOKEN"]})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		snaps, err := c.ListSnapshots(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(snaps, func(s client.Snapshot) bool { return s.State == client.StateUploaded }) {
			want = append(want, id)
		}
	}
	if got := lines(r.stdout); r.code != 0 || !slices.Equal(got, want) || len(want) == 0 || len(want) == len(ids) {
		t.Errorf("--state uploaded: %v, want %v (%+v)", got, want, r)
	}
	// list --state and --type and --limit, table and JSON.
	in := snapshotIn(t, srv, client.StateApproved).InteractionID
	r = runIn(t, context.Background(), vars, nil, "list", in, "--state", "approved", "--json", "--jq", ".[].state")
	if r.code != 0 || len(lines(r.stdout)) == 0 || strings.Trim(strings.ReplaceAll(r.stdout, "APPROVED\n", ""), "\n") != "" {
		t.Errorf("list --state approved: %+v", r)
	}
	r = runIn(t, context.Background(), vars, nil, "list", in, "--type", "no-such-type")
	if r.code != 0 || len(lines(r.stdout)) != 1 {
		t.Errorf("list --type: a header only, got %+v", r)
	}
	if r := runIn(t, context.Background(), vars, nil, "list", in, "--limit", "1", "--json", "--jq", "length"); r.stdout != "1\n" {
		t.Errorf("list --limit 1: %+v", r)
	}
	if r := runIn(t, context.Background(), vars, nil, "list", in, "--since", "1m", "--json", "--jq", "length"); r.stdout != "0\n" {
		t.Errorf("list --since 1m (the demo's pictures are older): %+v", r)
	}
	// A query that fails on the data is a failure, not a usage mistake.
	if r := runIn(t, context.Background(), vars, nil, "list", in, "--json", "--jq", ".foo"); r.code != exitError || !strings.Contains(r.stderr, "--jq: ") {
		t.Errorf("--jq .foo on an array: %+v", r)
	}
}

// TestPictureArguments: - reads the picture from standard input; a
// directory or a special file is refused before anything is sent.
func TestPictureArguments(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	vars := agentEnv(srv)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"upload", dir, "--interaction", "i", "--type", "t", "--target-user", "u", "--target-endpoint", "e"},
		{"acquire", "id", dir, "--type", "t"},
		{"show", dir},
	} {
		r := runIn(t, context.Background(), vars, nil, args...)
		if r.code != exitUsage || r.stderr != "snapdash: "+args[0]+": "+dir+" is a directory, not a picture\n" {
			t.Errorf("%v: %+v", args, r)
		}
	}
	if r := runIn(t, context.Background(), vars, nil, "show", os.DevNull); r.code != exitUsage || !strings.Contains(r.stderr, "is a special file, not a picture") {
		t.Errorf("show /dev/null: %+v", r)
	}
	pic, err := os.ReadFile(writeJPEG(t))
	if err != nil {
		t.Fatal(err)
	}
	sn := snapshotIn(t, srv, client.StateUploaded)
	d := deviceOf(t, srv, sn.InteractionID)
	r := runIn(t, context.Background(), vars, bytes.NewReader(pic), "upload", "-", "--interaction", sn.InteractionID, "--type", "meter",
		"--target-user", d.UserID, "--target-endpoint", d.UserEndpointID)
	if r.code != 0 || len(lines(r.stdout)) != 1 {
		t.Fatalf("upload -: %+v", r)
	}
	got, ok := srv.Snapshot(strings.TrimSpace(r.stdout))
	if !ok || got.Type != "meter" || got.InteractionID != sn.InteractionID {
		t.Errorf("uploaded from stdin: %+v", got)
	}
	if r := runIn(t, context.Background(), vars, bytes.NewReader(pic), "show", "-", "--size", "20x5", "--image-mode", "ascii"); r.code != 0 || len(lines(r.stdout)) == 0 {
		t.Errorf("show -: %+v", r)
	}
	if r := runIn(t, context.Background(), vars, strings.NewReader(""), "show", "-"); r.code != exitUsage || !strings.Contains(r.stderr, "standard input is empty") {
		t.Errorf("show - with nothing: %+v", r)
	}
}

// deviceOf returns the simulated customer device of an interaction.
func deviceOf(t *testing.T, srv *sim.Server, interaction string) sim.Device {
	t.Helper()
	for _, d := range srv.Devices() {
		if d.InteractionID == interaction {
			return d
		}
	}
	t.Fatalf("no device in %s", interaction)
	return sim.Device{}
}

// TestReleaseShipsManPage: the release configuration generates the man
// page with `snapdash man` and puts it in every archive.
func TestReleaseShipsManPage(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Skip("no .goreleaser.yaml:", err)
	}
	s := string(data)
	if !strings.Contains(s, "./cmd/snapdash man > manpages/snapdash.1") || !strings.Contains(s, "- manpages/snapdash.1") {
		t.Errorf(".goreleaser.yaml does not generate and ship the man page:\n%s", s)
	}
}
