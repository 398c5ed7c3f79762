package config

import (
	"strings"
	"testing"
)

func TestPlainHTTPOnlyForLoopback(t *testing.T) {
	for _, server := range []string{
		"http://127.0.0.1:8080", "http://localhost:9000/gw", "http://[::1]:80", "https://auvious.video",
	} {
		if _, err := Load(LoadOptions{Flags: map[string]string{"server": server}, Getenv: env(map[string]string{"HOME": t.TempDir()})}); err != nil {
			t.Errorf("%s refused: %v", server, err)
		}
	}
	for _, flags := range []map[string]string{
		{"server": "http://auvious.example"},
		{"server": "http://10.1.2.3:8080"},
		{"server": "https://auvious.example", "token-url": "http://sso.example/token"},
		{"server": "http://auvious.example", "allow-insecure-http": "false"},
	} {
		_, err := Load(LoadOptions{Flags: flags, Getenv: env(map[string]string{"HOME": t.TempDir()})})
		if err == nil {
			t.Errorf("%v accepted", flags)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "--allow-insecure-http") ||
			!strings.Contains(msg, "loopback") {
			t.Errorf("%v: message %q", flags, msg)
		}
	}
}

func TestAllowInsecureHTTPFromEveryPlace(t *testing.T) {
	for _, tc := range []struct {
		name  string
		file  string
		env   map[string]string
		flags map[string]string
	}{
		{"flag", "", nil, map[string]string{"allow-insecure-http": "true"}},
		{"env", "", map[string]string{"SNAPDASH_ALLOW_INSECURE_HTTP": "1"}, nil},
		{"file", "allow_insecure_http: true\n", nil, nil},
		{"file server, env allow", "server: http://auvious.example\n", map[string]string{"SNAPDASH_ALLOW_INSECURE_HTTP": "true"}, nil},
	} {
		dir := t.TempDir()
		e := map[string]string{"HOME": dir, "SNAPDASH_SERVER": "http://auvious.example"}
		for k, v := range tc.env {
			e[k] = v
		}
		flags := map[string]string{"config": writeFile(t, dir, tc.file, 0o600)}
		for k, v := range tc.flags {
			flags[k] = v
		}
		c, err := Load(LoadOptions{Flags: flags, Getenv: env(e)})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !c.AllowInsecureHTTP || len(c.InsecureURLs()) != 1 || c.InsecureURLs()[0] != "http://auvious.example" {
			t.Errorf("%s: allow=%v insecure=%v", tc.name, c.AllowInsecureHTTP, c.InsecureURLs())
		}
	}
	// A flag saying false beats the environment saying true.
	_, err := Load(LoadOptions{
		Flags:  map[string]string{"allow-insecure-http": "false", "server": "http://auvious.example"},
		Getenv: env(map[string]string{"HOME": t.TempDir(), "SNAPDASH_ALLOW_INSECURE_HTTP": "true"}),
	})
	if err == nil {
		t.Error("--allow-insecure-http=false did not win over the environment")
	}
}

func TestURLErrorsHideThePassword(t *testing.T) {
	for _, key := range []string{"server", "token-url"} {
		for _, bad := range []string{
			"https://user:hunter2@auvious.video:port", // does not parse
			"https://user:hunter2@auvious.video",      // parses, but user info is not allowed
			"https://user:hun ter2%zz@auvious.video",
			"ftp://user:hunter2@auvious.video",
			"http://user:hunter2@auvious.example",
		} {
			_, err := Load(LoadOptions{Flags: map[string]string{key: bad}, Getenv: env(map[string]string{"HOME": t.TempDir()})})
			if err == nil {
				t.Errorf("--%s %s accepted", key, bad)
				continue
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("--%s: the message shows the password: %v", key, err)
			}
			if !strings.Contains(err.Error(), "auvious.") {
				t.Errorf("--%s: the message does not say which URL: %v", key, err)
			}
		}
	}
}
