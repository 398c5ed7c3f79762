package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// completeTimeout bounds how long completing an id may ask the server: a
// shell waits for it while the user waits for the shell.
const completeTimeout = 2 * time.Second

// completeInteractions is how many recent interactions completion lists
// the snapshots of.
const completeInteractions = 10

func completionCmd() *command {
	return &command{
		name: "completion", args: "bash|zsh|fish", summary: "print a shell completion script (see the README to install it)",
		group: "other", minArgs: 1, maxArgs: 1,
		run: func(_ context.Context, e *env, args []string) error {
			script, ok := completionScripts()[args[0]]
			if !ok {
				return usagef("completion: unknown shell %q: want bash, zsh or fish", args[0])
			}
			_, err := io.WriteString(e.stdout, script)
			return err
		},
	}
}

// completeCmd is the hidden entry point the scripts call:
// `snapdash __complete WORD… CURRENT` prints the candidates for CURRENT,
// one per line. It never fails and never writes to stderr: a shell shows
// whatever it prints.
func completeCmd() *command {
	return &command{name: "__complete", summary: "complete a command line (used by the completion scripts)", group: "other", hidden: true, maxArgs: -1,
		run: runComplete}
}

// complete returns the candidates for the last of words (the command line
// after "snapdash", the word being completed last, possibly empty).
func complete(ctx context.Context, e *env, words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	cur, before := words[len(words)-1], words[:len(words)-1]
	cmds := commands()
	var cmd *command
	var pos []string // positional words before cur, the command's name excluded
	for i := 0; i < len(before); i++ {
		w := before[i]
		if strings.HasPrefix(w, "-") {
			if !strings.Contains(w, "=") && takesValue(cmd, strings.TrimLeft(w, "-")) {
				i++ // its value
			}
			continue
		}
		if cmd == nil {
			cmd = findCommand(cmds, w)
			if cmd == nil {
				return nil
			}
			continue
		}
		pos = append(pos, w)
	}
	if len(before) > 0 {
		if prev := before[len(before)-1]; strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") {
			name := strings.TrimLeft(prev, "-")
			if takesValue(cmd, name) {
				return filterPrefix(flagValues(ctx, e, cmd, name), cur)
			}
		}
	}
	if strings.HasPrefix(cur, "-") {
		if name, _, ok := strings.Cut(strings.TrimLeft(cur, "-"), "="); ok {
			vals := flagValues(ctx, e, cmd, name)
			for i, v := range vals {
				vals[i] = "--" + name + "=" + v
			}
			return filterPrefix(vals, cur)
		}
		return filterPrefix(flagNames(cmd), cur)
	}
	if cmd == nil {
		var names []string
		for _, c := range cmds {
			if !c.hidden && c.name != "dashboard" {
				names = append(names, c.name)
			}
		}
		return filterPrefix(names, cur)
	}
	return filterPrefix(positionalValues(ctx, e, cmd, pos), cur)
}

// commandFlags defines cmd's flags (the dashboard's when cmd is nil), its
// --json and the global flags on a fresh flag set.
func commandFlags(cmd *command) *flag.FlagSet {
	if cmd == nil {
		cmd = dashboardCmd()
	}
	return commandFlagSet(cmd, true) // its flags, --json/--jq, local settings, globals (usage.go)
}

func flagNames(cmd *command) []string {
	var out []string
	commandFlags(cmd).VisitAll(func(f *flag.Flag) {
		if len(f.Name) == 1 {
			out = append(out, "-"+f.Name)
		} else {
			out = append(out, "--"+f.Name)
		}
	})
	return out
}

// takesValue reports whether the flag name of cmd needs a value (every
// flag but the boolean ones).
func takesValue(cmd *command, name string) bool {
	f := commandFlags(cmd).Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// flagValues lists the values a flag takes: fixed sets, or ids from the
// server.
func flagValues(ctx context.Context, e *env, cmd *command, name string) []string {
	switch name {
	case "image-mode":
		return config.ImageModes()
	case "theme":
		return config.Themes()
	case "events":
		return config.Transports()
	case "session-type":
		return []string{"CALL", "CONFERENCE", "UNKNOWN"}
	case "interaction":
		return serverIDs(ctx, e, false, "")
	case "related":
		return serverIDs(ctx, e, true, "")
	case "type":
		if cmd != nil && cmd.name == "camera" {
			return []string{string(client.CameraSwitch), string(client.CameraFlashOn), string(client.CameraFlashOff)}
		}
	}
	return nil
}

// positionalValues lists candidates for cmd's next positional argument.
func positionalValues(ctx context.Context, e *env, cmd *command, pos []string) []string {
	switch cmd.name {
	case "help":
		if len(pos) == 0 {
			var names []string
			for _, c := range commands() {
				if !c.hidden {
					names = append(names, c.name)
				}
			}
			return names
		}
	case "completion":
		if len(pos) == 0 {
			return []string{"bash", "fish", "zsh"}
		}
	case "list":
		if len(pos) == 0 {
			return serverIDs(ctx, e, false, "")
		}
	case "approve", "discard":
		if len(pos) == 0 {
			return serverIDs(ctx, e, true, client.StateUploaded)
		}
	case "get", "url", "fetch", "acquire", "show":
		if len(pos) == 0 {
			return serverIDs(ctx, e, true, "")
		}
	}
	return nil // files, or nothing: the script falls back to file names
}

// serverIDs asks the configured server, within completeTimeout, for the
// ids of recent interactions or of their snapshots (in the given state
// when not empty). Any failure gives nothing, quietly.
func serverIDs(ctx context.Context, e *env, snapshots bool, state client.SnapshotState) []string {
	cfg, err := e.loadConfig()
	if err != nil || !cfg.Configured() || !cfg.HasCredentials() {
		return nil
	}
	quiet := *e
	quiet.stderr = io.Discard
	s, err := quiet.openSession("__complete", cfg)
	if err != nil {
		return nil
	}
	defer s.close(nil)
	if s.dial(e.version) != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, completeTimeout)
	defer cancel()
	end := time.Now()
	list, err := s.client.ListInteractions(ctx, end.Add(-24*time.Hour), end)
	if err != nil {
		return nil
	}
	sort.SliceStable(list, func(i, j int) bool { return timeOf(list[i].CreatedAt).After(timeOf(list[j].CreatedAt)) })
	descs, _ := ctx.Value(descriptionsKey{}).(map[string]string)
	if !snapshots {
		ids := make([]string, 0, len(list))
		for _, in := range list {
			ids = append(ids, in.ID)
			if descs != nil {
				descs[in.ID] = describe(customerName(in.Data))
			}
		}
		return ids
	}
	list = list[:min(len(list), completeInteractions)]
	var (
		mu  sync.Mutex
		ids []string
		wg  sync.WaitGroup
	)
	for _, in := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snaps, err := s.client.ListSnapshots(ctx, in.ID)
			if err != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, sn := range snaps {
				if state == "" || sn.State == state {
					ids = append(ids, sn.ID)
					if descs != nil {
						descs[sn.ID] = describe(string(sn.State), sn.Type, customerName(in.Data))
					}
				}
			}
		}()
	}
	wg.Wait()
	sort.Strings(ids)
	return slices.Compact(ids)
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// filterPrefix keeps the candidates that start with prefix and that no
// shell can misread (safeCandidate).
func filterPrefix(cands []string, prefix string) []string {
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) && safeCandidate(c) {
			out = append(out, c)
		}
	}
	return out
}

// safeCandidate reports whether c is made only of characters that mean
// nothing to bash, zsh or fish, wherever they stand in a word: letters,
// digits and . _ : @ + - (and = for --flag=value). An id or name from the
// server with anything else ($, backquotes, ; | & quotes, spaces, newlines,
// globs, parentheses...) is not offered: the user types it, quoted. The
// scripts check the same again before they hand a candidate to the shell.
func safeCandidate(c string) bool {
	if c == "" || len(c) > 256 {
		return false
	}
	for _, r := range c {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("._:@+-=", r):
		default:
			return false
		}
	}
	return true
}

// completionScripts are the scripts `snapdash completion SHELL` prints. Each
// passes the words typed so far to `snapdash __complete`, keeps only the
// candidates made of characters no shell can misread (the binary offers no
// other; the scripts check again), hands them over without evaluating
// them, and falls back to file names when nothing is offered.
func completionScripts() map[string]string {
	return map[string]string{
		"bash": `# bash completion for snapdash.
# Install: snapdash completion bash > ~/.local/share/bash-completion/completions/snapdash
_snapdash() {
    local line quoted re='^[A-Za-z0-9._:@+=-]+$'
    COMPREPLY=()
    # Candidates are never evaluated (no compgen -W): each is checked and
    # added quoted.
    while IFS= read -r line; do
        [[ $line =~ $re ]] || continue
        printf -v quoted '%q' "$line"
        COMPREPLY+=("$quoted")
    done < <(snapdash __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -o default -F _snapdash snapdash
`,
		"zsh": `#compdef snapdash
# zsh completion for snapdash.
# Install: snapdash completion zsh > "${fpath[1]}/_snapdash" (then start a new shell)
_snapdash() {
    local -a cands shown
    local line id re='^[A-Za-z0-9._:@+=-]+$'
    for line in "${(@f)$(SNAPDASH_COMPLETE_DESCRIBE=1 snapdash __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
        id=${line%%$'\t'*}
        [[ $id =~ $re ]] || continue
        cands+=("$id")
        if [[ $line == *$'\t'* ]]; then
            shown+=("$id  -- ${line#*$'\t'}")
        else
            shown+=("$id")
        fi
    done
    if (( ${#cands} == 0 )); then
        _files
    else
        # compadd quotes what it inserts (no -Q); descriptions are only shown.
        compadd -l -d shown -- "${cands[@]}"
    fi
}
if [[ "${funcstack[1]}" == "_snapdash" ]]; then
    _snapdash "$@"
else
    compdef _snapdash snapdash
fi
`,
		"fish": `# fish completion for snapdash.
# Install: snapdash completion fish > ~/.config/fish/completions/snapdash.fish
function __snapdash_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cands
    # Each line is an id, then a tab and its description when it has one.
    for c in (SNAPDASH_COMPLETE_DESCRIBE=1 snapdash __complete $tokens[2..-1] "$cur" 2>/dev/null)
        set -l id (string split -m 1 \t -- $c)[1]
        if string match -qr '^[A-Za-z0-9._:@+=-]+$' -- $id
            set -a cands $c
        end
    end
    if test (count $cands) -eq 0
        __fish_complete_path (commandline -ct)
    else
        printf '%s\n' $cands
    end
end
complete -c snapdash -f -a '(__snapdash_complete)'
`,
	}
}

// descriptionsKey holds, in the completion's context, the map serverIDs
// fills with a description of each id.
type descriptionsKey struct{}

// describe joins the non-empty parts of a candidate's description, each
// sanitized (server text: no control characters, no tabs) and the whole
// kept short.
func describe(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(sanitize.Line(p)); p != "" {
			keep = append(keep, strings.ReplaceAll(p, "\t", " "))
		}
	}
	return sanitize.Truncate(strings.Join(keep, " · "), 60)
}

// runComplete prints the candidates for `snapdash __complete WORDS…`, one
// a line. With SNAPDASH_COMPLETE_DESCRIBE=1 (the zsh and fish scripts) an
// id the server described is followed by a tab and its description
// (state, type, customer).
func runComplete(ctx context.Context, e *env, words []string) error {
	var descs map[string]string
	if e.getenv("SNAPDASH_COMPLETE_DESCRIBE") == "1" {
		descs = map[string]string{}
		ctx = context.WithValue(ctx, descriptionsKey{}, descs)
	}
	for _, c := range complete(ctx, e, words) {
		line := c
		if d := descs[c]; d != "" {
			line += "\t" + d
		}
		if _, err := fmt.Fprintln(e.stdout, line); err != nil {
			return nil
		}
	}
	return nil
}
