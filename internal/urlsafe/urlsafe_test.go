package urlsafe

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedactHidesThePassword(t *testing.T) {
	for _, in := range []string{
		"https://user:hunter2@auvious.video",
		"https://user:hunter2@auvious.video/base?x=1#f",
		"https://user:hunter2@auvious.video:port",       // bad port: does not parse
		"https://user:hun ter2%zz@auvious.video/",       // bad escape: does not parse
		"https://user:hunter2/x@auvious.video",          // '/' in the password
		"https://user:hunter2?x@auvious.video",          // '?' in the password
		"user:hunter2@auvious.video",                    // no scheme
		"https://auvious.video/x?token=hunter2",         // a secret in the query
		"ht tp://user:hunter2@auvious.video/\x00",       // not a URL at all
		"https://user:hunter2@[::1:auvious.video/path/", // broken IPv6 literal
	} {
		got := Redact(in)
		if strings.Contains(got, "hunter2") {
			t.Errorf("Redact(%q) = %q shows the password", in, got)
		}
		if !strings.Contains(got, "auvious.video") {
			t.Errorf("Redact(%q) = %q lost the host", in, got)
		}
	}
	if got := Redact("https://auvious.video/base"); got != "https://auvious.video/base" {
		t.Errorf("a clean URL changed: %q", got)
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST:8080": true, "sim.localhost": true, "127.0.0.1:80": true,
		"127.8.9.10": true, "[::1]:443": true, "::1": true,
		"auvious.video": false, "10.0.0.1:80": false, "localhost.example.com": false,
		"127.0.0.1.nip.io": false, "[::ffff:10.0.0.1]": false, "": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	u := func(s string) *url.URL {
		p, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"https://h/x", "https://h:443/y", true},
		{"https://H/x", "https://h/x", true},
		{"https://h/x", "http://h/x", false},
		{"https://h/x", "https://h:8443/x", false},
		{"http://127.0.0.1:1/", "http://127.0.0.1:2/", false},
		{"https://h/", "https://a.h/", false},
	} {
		if got := SameOrigin(u(c.a), u(c.b)); got != c.want {
			t.Errorf("SameOrigin(%s, %s) = %v", c.a, c.b, got)
		}
	}
}
