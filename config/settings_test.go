package config

import (
	"errors"
	"strings"
	"testing"
)

// TestCredentialPrecedence: a token and client credentials from different
// places resolve to the stronger source, so flags beat the environment
// beats the file across both kinds of credentials as well.
func TestCredentialPrecedence(t *testing.T) {
	const (
		fileToken = "token: file-token\n"
		fileCC    = "client_id: file-id\nclient_secret: file-secret\n"
	)
	envCC := map[string]string{"SNAPDASH_CLIENT_ID": "env-id", "SNAPDASH_CLIENT_SECRET": "env-secret"}
	envToken := map[string]string{"SNAPDASH_TOKEN": "env-token"}
	for _, tc := range []struct {
		name       string
		file       string
		env, flags map[string]string
		wantToken  string
		wantID     string
	}{
		{"flag token beats env client credentials", "", envCC, map[string]string{"token": "flag-token"}, "flag-token", ""},
		{"env client credentials beat file token", fileToken, envCC, nil, "", "env-id"},
		{"env token beats file client credentials", fileCC, envToken, nil, "env-token", ""},
		{"flag client credentials beat env token", "", envToken, map[string]string{"client-id": "flag-id", "client-secret": "flag-secret"}, "", "flag-id"},
		{"one flag of the pair is enough to win", fileCC, envToken, map[string]string{"client-secret": "flag-secret"}, "", "file-id"},
		{"a tie goes to the token", fileToken + fileCC, nil, nil, "file-token", ""},
		{"env tie goes to the token", "", map[string]string{"SNAPDASH_TOKEN": "env-token", "SNAPDASH_CLIENT_ID": "i", "SNAPDASH_CLIENT_SECRET": "s"}, nil, "env-token", ""},
		{"a half pair never beats a token", fileToken, map[string]string{"SNAPDASH_CLIENT_ID": "env-id"}, nil, "file-token", ""},
		{"an empty token flag clears the file token", fileToken + fileCC, nil, map[string]string{"token": ""}, "", "file-id"},
	} {
		dir := t.TempDir()
		e := map[string]string{"HOME": dir}
		for k, v := range tc.env {
			e[k] = v
		}
		flags := map[string]string{}
		for k, v := range tc.flags {
			flags[k] = v
		}
		if tc.file != "" {
			flags["config"] = writeFile(t, dir, tc.file, 0o600)
		}
		c, err := Load(LoadOptions{Flags: flags, Getenv: env(e)})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.Token.Reveal() != tc.wantToken || c.ClientID != tc.wantID {
			t.Errorf("%s: token %q client id %q, want %q %q", tc.name, c.Token.Reveal(), c.ClientID, tc.wantToken, tc.wantID)
		}
		if (c.Token == "") == (c.ClientID == "") || (c.ClientID == "") != (c.ClientSecret == "") {
			t.Errorf("%s: not exactly one kind of credentials: %v", tc.name, c)
		}
		if !c.HasCredentials() {
			t.Errorf("%s: no credentials left", tc.name)
		}
	}
}

// TestMaxImageMB: the picture cap defaults to 32 MiB and is read from the
// file, the environment and a flag, in that order of precedence; nonsense
// is refused with the valid range.
func TestMaxImageMB(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir})})
	if err != nil || c.MaxImageMB != 32 {
		t.Fatalf("default: %v, %v", c, err)
	}
	p := writeFile(t, dir, "max_image_mb: 8\n", 0o600)
	for _, tc := range []struct {
		env, flag string
		want      int
		origin    Origin
	}{
		{"", "", 8, FromFile},
		{"16", "", 16, FromEnv},
		{"16", "64", 64, FromFlag},
	} {
		flags := map[string]string{"config": p}
		if tc.flag != "" {
			flags["max-image-mb"] = tc.flag
		}
		c, err := Load(LoadOptions{Flags: flags, Getenv: env(map[string]string{"HOME": dir, "SNAPDASH_MAX_IMAGE_MB": tc.env})})
		if err != nil || c.MaxImageMB != tc.want || c.Origin("max-image-mb") != tc.origin {
			t.Errorf("env %q flag %q: %v from %s, %v; want %d from %s", tc.env, tc.flag, c.MaxImageMB, c.Origin("max-image-mb"), err, tc.want, tc.origin)
		}
	}
	for _, bad := range []string{"0", "-1", "1025", "32MiB", "1.5"} {
		_, err := Load(LoadOptions{Flags: map[string]string{"max-image-mb": bad}, Getenv: env(map[string]string{"HOME": dir})})
		if err == nil || !strings.Contains(err.Error(), "--max-image-mb") || !strings.Contains(err.Error(), "1 to 1024") {
			t.Errorf("flag %q: %v", bad, err)
		}
	}
	p = writeFile(t, dir, "max_image_mb: 5000\n", 0o600)
	if _, err := Load(LoadOptions{Flags: map[string]string{"config": p}, Getenv: env(map[string]string{"HOME": dir})}); err == nil ||
		!strings.Contains(err.Error(), "max_image_mb: 5000") {
		t.Errorf("file 5000: %v", err)
	}
}

// TestValueErrorsNameTheSource: a value snapdash cannot use is reported
// under the name the user gave it (the flag with --, the environment
// variable, the config file's key), with its origin for the exit code.
func TestValueErrorsNameTheSource(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "image_mode: png\ntimeout: 2h\n", 0o600)
	for _, tc := range []struct {
		flags  map[string]string
		env    map[string]string
		want   string
		origin Origin
	}{
		{map[string]string{"image-mode": "foo"}, nil, `--image-mode: "foo" is not one of auto, ascii, halfblock, sixel, kitty, none`, FromFlag},
		{nil, map[string]string{"SNAPDASH_THEME": "neon"}, `SNAPDASH_THEME: "neon" is not one of dark, light, high-contrast`, FromEnv},
		{map[string]string{"events": "carrier-pigeon"}, nil, `--events: "carrier-pigeon" is not one of auto, sse, mqtt, poll`, FromFlag},
		{map[string]string{"max-image-mb": "0"}, nil, `--max-image-mb: "0": want a whole number of MiB from 1 to 1024`, FromFlag},
		{map[string]string{"server": "ftp://x"}, nil, `--server: "ftp://x": want an http(s)://host URL`, FromFlag},
		{map[string]string{"timeout": "-1s"}, nil, `--timeout: -1s: want a duration from 1s to 1h0m0s`, FromFlag},
		{map[string]string{"timeout": "soon"}, nil, `--timeout: "soon" is not a duration`, FromFlag},
		{map[string]string{"config": p, "timeout": "5s"}, nil, `config ` + p + `: image_mode: "png" is not one of`, FromFile},
		{map[string]string{"config": p, "image-mode": "ascii"}, nil, `config ` + p + `: timeout: 2h0m0s: want a duration from 1s to 1h0m0s`, FromFile},
	} {
		e := map[string]string{"HOME": dir}
		for k, v := range tc.env {
			e[k] = v
		}
		_, err := Load(LoadOptions{Flags: tc.flags, Getenv: env(e)})
		var ve *ValueError
		if !errors.As(err, &ve) || !strings.HasPrefix(err.Error(), tc.want) || ve.Origin != tc.origin {
			t.Errorf("%v %v: got %v (%T), want %q from %s", tc.flags, tc.env, err, err, tc.want, tc.origin)
		}
	}
	c, err := Load(LoadOptions{Flags: map[string]string{"timeout": "5s"}, Getenv: env(map[string]string{"HOME": dir})})
	if err != nil || c.Timeout.String() != "5s" || c.Origin("timeout") != FromFlag || c.Value("timeout") != "5s" {
		t.Errorf("timeout flag: %v %v", c, err)
	}
	c, err = Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir, "SNAPDASH_TOKEN": "tok-secret"})})
	if err != nil || c.Timeout != DefaultTimeout || c.Value("token") != "[redacted]" || c.Origin("token") != FromEnv {
		t.Errorf("defaults: %v %v", c, err)
	}
}

func TestPictureQuality(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir})})
	if err != nil || c.PictureQuality != "fidelity" {
		t.Fatalf("default: %v, %v", c, err)
	}
	p := writeFile(t, dir, "picture_quality: balanced\n", 0o600)
	for _, tc := range []struct {
		env, flag, want string
		origin          Origin
	}{
		{"", "", "balanced", FromFile},
		{"bandwidth", "", "bandwidth", FromEnv},
		{"bandwidth", "fidelity", "fidelity", FromFlag},
	} {
		flags := map[string]string{"config": p}
		if tc.flag != "" {
			flags["picture-quality"] = tc.flag
		}
		c, err := Load(LoadOptions{Flags: flags, Getenv: env(map[string]string{"HOME": dir, "SNAPDASH_PICTURE_QUALITY": tc.env})})
		if err != nil || c.PictureQuality != tc.want || c.Origin("picture-quality") != tc.origin {
			t.Errorf("env %q flag %q: %v from %s, %v; want %s from %s", tc.env, tc.flag, c.PictureQuality, c.Origin("picture-quality"), err, tc.want, tc.origin)
		}
	}
	_, err = Load(LoadOptions{Flags: map[string]string{"picture-quality": "best"}, Getenv: env(map[string]string{"HOME": dir})})
	if err == nil || !strings.Contains(err.Error(), "fidelity, balanced, bandwidth") {
		t.Errorf("picture-quality best: %v", err)
	}
}
