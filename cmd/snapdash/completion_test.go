package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// TestCompletionScriptsParse: every script is valid for its shell (checked
// by the shell itself when it is installed).
func TestCompletionScriptsParse(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	for _, sh := range []string{"bash", "zsh", "fish"} {
		t.Run(sh, func(t *testing.T) {
			r := c.ok("completion", sh)
			if !strings.Contains(r.stdout, "__complete") {
				t.Fatalf("completion %s: %s", sh, r)
			}
			path, err := exec.LookPath(sh)
			if err != nil {
				t.Skipf("%s is not installed: the script's syntax is not checked", sh)
			}
			file := filepath.Join(t.TempDir(), "snapdash."+sh)
			if err := os.WriteFile(file, []byte(r.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(path, "-n", file).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", sh, err, out)
			}
		})
	}
	if r := c.run("completion", "tcsh"); r.code != 2 {
		t.Errorf("completion tcsh: %s", r)
	}
}

// TestCompleteOffersCommandsFlagsAndValues: the hidden entry point the
// scripts call completes names and fixed values without any server.
func TestCompleteOffersCommandsFlagsAndValues(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	for _, tc := range []struct {
		words []string
		want  []string
		not   []string
	}{
		{[]string{"ap"}, []string{"approve"}, []string{"acquire"}},
		{[]string{""}, []string{"interactions", "completion", "events"}, []string{"__complete", "dashboard"}},
		{[]string{"list", "--inter"}, []string{"--interaction"}, nil},
		{[]string{"get", "--"}, []string{"--json", "--server", "--user-id"}, nil},
		{[]string{"--image-mode", ""}, []string{"auto", "sixel", "none"}, nil},
		{[]string{"--theme", "h"}, []string{"high-contrast"}, []string{"dark"}},
		{[]string{"camera", "--type", ""}, []string{"CAMERA_SWITCH", "FLASH_ON", "FLASH_OFF"}, nil},
		{[]string{"events", "--events="}, []string{"--events=sse", "--events=mqtt"}, nil},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish"}, nil},
		{[]string{"get", ""}, nil, []string{"approve"}}, // no server configured: no ids, quietly
	} {
		r := c.run(append([]string{"__complete"}, tc.words...)...)
		got := lines(r.stdout)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%q: %s", tc.words, r)
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %v lacks %q", tc.words, got, w)
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("%q: %v offers %q", tc.words, got, w)
			}
		}
	}
}

// TestCompleteIDsFromTheServer: snapshot and interaction ids come from the
// configured server; approve offers only pictures still to review.
func TestCompleteIDsFromTheServer(t *testing.T) {
	t.Parallel()
	srv := startSimWith(t, sim.Options{})
	c := newCLI(t, agentEnv(srv))
	up := snapshotIn(t, srv, client.StateUploaded)
	done := snapshotIn(t, srv, client.StateApproved)
	got := lines(c.ok("__complete", "get", "").stdout)
	if !slices.Contains(got, up.ID) || !slices.Contains(got, done.ID) {
		t.Errorf("get: %v lacks %s or %s", got, up.ID, done.ID)
	}
	got = lines(c.ok("__complete", "approve", "").stdout)
	if !slices.Contains(got, up.ID) || slices.Contains(got, done.ID) {
		t.Errorf("approve: %v", got)
	}
	got = lines(c.ok("__complete", "list", "--interaction", "").stdout)
	if !slices.Contains(got, up.InteractionID) {
		t.Errorf("list --interaction: %v lacks %s", got, up.InteractionID)
	}

	// The bash script itself, as bash runs it on <TAB>.
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	script := filepath.Join(t.TempDir(), "snapdash.bash")
	if err := os.WriteFile(script, []byte(c.ok("completion", "bash").stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "bash", "--norc", "--noprofile", "-c",
		`source "$1"; COMP_WORDS=(snapdash approve "${2:0:3}"); COMP_CWORD=2; _snapdash; printf '%s\n' "${COMPREPLY[@]}"`, "bash", script, up.ID)
	cmd.Env = append(c.environ(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil || !slices.Contains(lines(out.String()), up.ID) {
		t.Errorf("bash completion of %q: %q, %v %s", up.ID[:3], out.String(), err, stderr.String())
	}
}

// TestCompleteIsQuietWhenUnreachable: a server that does not answer gives
// no ids and no message, within the short timeout.
func TestCompleteIsQuietWhenUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // accepts, never answers
	c := newCLI(t, map[string]string{"SNAPDASH_SERVER": "http://" + ln.Addr().String(), "SNAPDASH_TOKEN": testJWT()})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := c.command(ctx, "__complete", "get", "")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil || out.Len() != 0 || stderr.Len() != 0 {
		t.Errorf("__complete against a silent server: %v, stdout %q, stderr %q", err, out.String(), stderr.String())
	}
}
