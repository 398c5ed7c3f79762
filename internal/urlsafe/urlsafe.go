// Package urlsafe shows URLs in messages without the credentials they may
// carry, and tells which http URLs stay on this machine.
package urlsafe

import (
	"net"
	"net/url"
	"strings"
)

// Redacted replaces the user info of a URL shown by Redact.
const Redacted = "REDACTED"

// Redact returns s fit for an error message or a log: without user info
// (user:password@), query or fragment. It works on text that does not parse
// as a URL too, where everything up to the last '@' after the scheme is
// taken as user info: hiding too much is harmless, showing a password is
// not.
func Redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.Opaque == "" {
		if u.User != nil {
			u.User = url.User(Redacted)
		}
		u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
		return u.String()
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	if at := strings.LastIndexByte(s, '@'); at >= start {
		s = s[:start] + Redacted + s[at:]
	}
	if i := strings.IndexAny(s[start:], "?#"); i >= 0 {
		s = s[:start+i]
	}
	return s
}

// IsLoopback reports whether host (a URL's Host, with or without a port)
// names this machine: localhost, a name under .localhost, or a loopback IP
// address. Names are not resolved: only what cannot leave the machine
// counts.
func IsLoopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Insecure reports whether u is plain http to a host that is not this
// machine: credentials sent there cross the network in clear.
func Insecure(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, "http") && !IsLoopback(u.Host)
}

// SameOrigin reports whether a and b have the same scheme, host and port
// (a missing port being the scheme's default).
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}
