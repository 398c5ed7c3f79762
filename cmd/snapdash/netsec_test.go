package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestPlainHTTPRefusedUnlessAllowed(t *testing.T) {
	t.Parallel()
	srv := startSim(t, false)
	env := agentEnv(srv)
	// 0.0.0.0 is not a loopback address, yet on Linux a connection to it
	// reaches this machine's loopback listener: a real server over plain
	// http that does not count as local.
	env["SNAPDASH_SERVER"] = strings.Replace(srv.URL(), "127.0.0.1", "0.0.0.0", 1)
	logFile := filepath.Join(t.TempDir(), "snapdash.log")
	env["SNAPDASH_LOG_FILE"] = logFile
	c := newCLI(t, env)

	r := c.run("interactions")
	// A setting given in the environment that cannot be used: exit 2.
	if r.code != exitUsage || len(lines(r.stderr)) != 1 || !strings.Contains(r.stderr, "--allow-insecure-http") ||
		!strings.Contains(r.stderr, "loopback") {
		t.Errorf("plain http to another machine: %s", r)
	}

	for _, allow := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--allow-insecure-http", "interactions"}, nil},
		{[]string{"interactions"}, map[string]string{"SNAPDASH_ALLOW_INSECURE_HTTP": "true"}},
	} {
		ac := newCLI(t, env)
		for k, v := range allow.env {
			ac.env[k] = v
		}
		r = ac.run(allow.args...)
		if strings.Contains(r.stderr, "loopback addresses only") {
			t.Errorf("%v %v: still refused: %s", allow.args, allow.env, r)
		}
		if n := strings.Count(r.stderr, "warning: plain http"); n != 1 {
			t.Errorf("%v %v: %d warnings, want 1: %s", allow.args, allow.env, n, r)
		}
		if runtime.GOOS == "linux" && r.code != 0 {
			t.Errorf("%v %v: %s", allow.args, allow.env, r)
		}
	}
	if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "plain http to another machine") {
		t.Errorf("the warning is not in the log:\n%s", log)
	}

	// The simulator on loopback needs no flag and gets no warning.
	r = newCLI(t, agentEnv(srv)).ok("interactions")
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("loopback warned: %s", r)
	}
}

func TestServerURLPasswordNeverShown(t *testing.T) {
	t.Parallel()
	logFile := filepath.Join(t.TempDir(), "snapdash.log")
	for _, server := range []string{
		"https://user:hunter2@auvious.video:port", // does not parse
		"https://user:hun ter2%zz@auvious.video",
		"http://user:hunter2@127.0.0.1:1", // parses; user info is refused
	} {
		c := newCLI(t, map[string]string{"SNAPDASH_SERVER": server, "SNAPDASH_TOKEN": "t", "SNAPDASH_LOG_FILE": logFile})
		for _, args := range [][]string{{"interactions"}, {"interactions", "--server", server}} {
			r := c.run(args...)
			if r.code == 0 || strings.Contains(r.stdout+r.stderr, "hunter2") || strings.Contains(r.stdout+r.stderr, "hun ter2") {
				t.Errorf("%s %v: %s", server, args, r)
			}
		}
	}
	if log, err := os.ReadFile(logFile); err == nil && strings.Contains(string(log), "hunter2") {
		t.Errorf("the log holds the password:\n%s", log)
	}
}

func TestExistingLogFileMadePrivate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	srv := startSim(t, false)
	logFile := filepath.Join(t.TempDir(), "snapdash.log")
	if err := os.WriteFile(logFile, []byte("earlier run\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(logFile, 0o644); err != nil {
		t.Fatal(err)
	}
	env := agentEnv(srv)
	env["SNAPDASH_LOG_FILE"] = logFile
	newCLI(t, env).ok("interactions")
	info, err := os.Stat(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %04o, want 0600", info.Mode().Perm())
	}
	if b, _ := os.ReadFile(logFile); !strings.HasPrefix(string(b), "earlier run\n") || !strings.Contains(string(b), "command=interactions") {
		t.Errorf("log file lost its contents or got none:\n%s", b)
	}
}
