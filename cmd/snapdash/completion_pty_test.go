//go:build !windows

package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
	"github.com/snapdash/snapdash/internal/termtest"
)

// hostileIDs are interaction ids a hostile server sends: each would run
// `touch pwnN` (or break the command line) if a shell evaluated it or took
// it unquoted.
var hostileIDs = []string{
	"x$(touch pwn1)", "x`touch pwn2`", "x;touch pwn3", "x|touch pwn4", "x&&touch pwn5",
	"x(touch pwn6)", "x'q", `x"q`, "x y", "x\ntouch pwn7", "x*", "x?[ab]", "x>pwn8", "x$HOME", "x\\;touch pwn9",
}

// TestCompletionRunsNothingInRealShells: with a server whose ids carry
// command substitutions, separators, quotes, spaces, newlines and globs,
// TAB in real bash, zsh and fish (in a pty) offers only the plain ids,
// and running the completed line runs nothing else.
func TestCompletionRunsNothingInRealShells(t *testing.T) {
	t.Parallel()
	srv := startSimWith(t, sim.Options{})
	for _, id := range hostileIDs {
		srv.AddInteraction(client.Interaction{ID: id})
	}
	// zsh and fish show descriptions: the customer's name, sanitized and
	// never evaluated.
	srv.AddInteraction(client.Interaction{ID: "xsafe.1", Data: json.RawMessage(`{"customerName":"Ada Lovelace"}`)})
	srv.AddInteraction(client.Interaction{ID: "xsafe.2", Data: json.RawMessage(`{"customerName":"Eve $(touch pwn10) \u001b[31m` + "`touch pwn11`" + `"}`)})
	c := newCLI(t, agentEnv(srv))
	// The binary offers none of the hostile ids.
	got := lines(c.ok("__complete", "list", "x").stdout)
	slices.Sort(got)
	if !slices.Equal(got, []string{"xsafe.1", "xsafe.2"}) {
		t.Errorf("__complete list x: %q, want only the two plain ids", got)
	}
	// Described (as zsh and fish ask): an id, a tab, its description
	// without control characters.
	env := agentEnv(srv)
	env["SNAPDASH_COMPLETE_DESCRIBE"] = "1"
	described := lines(newCLI(t, env).ok("__complete", "list", "x").stdout)
	slices.Sort(described)
	if len(described) != 2 || described[0] != "xsafe.1\tAda Lovelace" ||
		!strings.HasPrefix(described[1], "xsafe.2\tEve $(touch pwn10) ") || strings.ContainsAny(described[1], "\x1b\n") {
		t.Errorf("described candidates: %q", described)
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		t.Run(sh, func(t *testing.T) {
			t.Parallel()
			path, err := exec.LookPath(sh)
			if err != nil {
				t.Skipf("%s is not installed", sh)
			}
			dir := t.TempDir()
			script := filepath.Join(dir, "snapdash."+sh)
			if err := os.WriteFile(script, []byte(c.ok("completion", sh).stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			var args []string
			var setup string
			switch sh {
			case "bash":
				args = []string{"--norc", "--noprofile", "-i"}
				setup = "PS1='$ '; source " + script + "; cd " + dir + "; echo READY-$((40+2))"
			case "zsh":
				args = []string{"-f", "-i"}
				setup = "PS1='$ '; autoload -Uz compinit; compinit -u -D; source " + script + "; cd " + dir + "; echo READY-$((40+2))"
			case "fish":
				args = []string{"--no-config", "-i"}
				setup = "function fish_prompt; echo -n '$ '; end; source " + script + "; cd " + dir + "; echo READY-(math 40+2)"
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			t.Cleanup(cancel)
			cmd := exec.CommandContext(ctx, path, args...)
			cmd.Env = append(c.environ(), "TERM=xterm-256color",
				"PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
			cmd.Dir = dir
			p := termtest.StartPTY(t, cmd, termtest.Options{Width: 120, Height: 40})
			p.Send(setup + "\r")
			p.WaitFor("READY-42")

			// TAB completes the common prefix of the two plain ids, and lists
			// both (fish at once, zsh on a second TAB, bash on a double TAB).
			p.Send("snapdash list x\t")
			p.WaitFor("snapdash list xsafe.")
			switch sh {
			case "bash":
				p.Send("\t\t")
			case "zsh":
				p.Send("\t")
			}
			p.WaitFor("xsafe.2")
			if sh != "bash" {
				p.WaitFor("Ada Lovelace")
			}
			done := "; echo DONE-$((40+2))\r"
			if sh == "fish" {
				done = "; echo DONE-(math 40+2)\r"
			}
			p.Send("1" + done)
			p.WaitFor("DONE-42")
			screen := p.Screen()
			for _, id := range hostileIDs {
				if line, _ := strings.CutPrefix(strings.ReplaceAll(id, "\n", ""), "x"); len(line) >= 4 && strings.Contains(screen, line) {
					t.Errorf("the screen shows the hostile id %q:\n%s", id, screen)
				}
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), "pwn") {
					t.Errorf("%s ran a command from the server: %s exists", sh, e.Name())
				}
			}
			p.Send("exit\r")
		})
	}
}
