package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/snapdash/snapdash/internal/urlsafe"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// maxEarlyRefresh is how long before expiry a token is renewed at most (the
// vendor SDK renews 40 s early); short-lived tokens renew at 3/4 of their life.
const maxEarlyRefresh = 40 * time.Second

// tokenSource holds the one token of a Client: a static token, or an OAuth2
// client-credentials token cached until shortly before it expires. Unlike
// oauth2.ReuseTokenSource it can be told that a token was refused.
type tokenSource struct {
	static string
	cc     *clientcredentials.Config
	hc     *http.Client // for token requests (sets the User-Agent)
	now    func() time.Time

	sem     chan struct{} // a lock that waiters can abandon with their context
	tok     *oauth2.Token // guarded by sem
	renewAt time.Time     // guarded by sem
}

func newTokenSource(cfg Config, hc *http.Client) *tokenSource {
	t := &tokenSource{static: cfg.Token, hc: hc, now: time.Now, sem: make(chan struct{}, 1)}
	if cfg.Token == "" {
		t.cc = &clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     cfg.TokenURL,
			AuthStyle:    oauth2.AuthStyleInParams, // form body, as the platform documents
		}
	}
	return t
}

// renewable reports whether a refused token can be replaced by a new one.
func (t *tokenSource) renewable() bool { return t.cc != nil }

// token returns the access token to send, fetching or renewing it first when
// needed.
func (t *tokenSource) token(ctx context.Context) (string, error) {
	if t.cc == nil {
		return t.static, nil
	}
	tok, err := t.current(ctx)
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

// tokenUntil returns the access token to send and when it is due for
// renewal: zero for a static token, which is never renewed. The MQTT
// transport reconnects before that time, as a broker checks the token only
// when a connection opens.
func (t *tokenSource) tokenUntil(ctx context.Context) (string, time.Time, error) {
	if t.cc == nil {
		return t.static, time.Time{}, nil
	}
	tok, at, err := t.currentUntil(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	return tok.AccessToken, at, nil
}

// current returns the cached OAuth2 token, fetching a new one when there is
// none or it is due for renewal. Concurrent callers share one fetch.
func (t *tokenSource) current(ctx context.Context) (*oauth2.Token, error) {
	tok, _, err := t.currentUntil(ctx)
	return tok, err
}

// currentUntil is current with the time the token is due for renewal.
func (t *tokenSource) currentUntil(ctx context.Context) (*oauth2.Token, time.Time, error) {
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, time.Time{}, ctx.Err()
	}
	defer func() { <-t.sem }()
	now := t.now()
	if t.tok != nil && now.Before(t.renewAt) {
		return t.tok, t.renewAt, nil
	}
	// The token request runs under the caller's context (and so its timeout).
	tok, err := t.cc.Token(context.WithValue(ctx, oauth2.HTTPClient, t.hc))
	if err != nil {
		return nil, time.Time{}, tokenError(err)
	}
	if tok.AccessToken == "" {
		return nil, time.Time{}, errors.New("token: the token endpoint sent no access token")
	}
	expiry := tok.Expiry
	if expiry.IsZero() {
		if c, err := parseClaims(tok.AccessToken); err == nil && c.Exp > 0 {
			expiry = time.Unix(c.Exp, 0)
		}
	}
	t.tok, t.renewAt = tok, renewTime(now, expiry)
	return tok, t.renewAt, nil
}

// renewTime is when a token fetched at now and expiring at expiry should be
// replaced: 40 s early, or at 3/4 of a shorter life. A token without expiry
// is kept until refused.
func renewTime(now, expiry time.Time) time.Time {
	if expiry.IsZero() {
		return now.Add(100 * 365 * 24 * time.Hour)
	}
	life := expiry.Sub(now)
	return expiry.Add(-min(maxEarlyRefresh, life/4))
}

// invalidate drops the cached token if it is still refused (a concurrent
// caller may already have replaced it).
func (t *tokenSource) invalidate(refused string) {
	if t.cc == nil {
		return
	}
	t.sem <- struct{}{}
	if t.tok != nil && t.tok.AccessToken == refused {
		t.tok = nil
	}
	<-t.sem
}

// tokenError turns an x/oauth2 error into an *APIError (Op "token") without
// the raw response body x/oauth2 puts into its message.
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return newAPIError("token", "", re.Response.StatusCode, re.Response.Header, re.Body)
	}
	return fmt.Errorf("token: %w", redactURLError(err))
}

// renewToken drops the cached token and fetches a new one now (the event
// stream calls it after a 401). It fails for a static token.
func (c *Client) renewToken(ctx context.Context) error {
	if !c.tokens.renewable() {
		return errors.New("token: a static token cannot be renewed")
	}
	c.tokens.sem <- struct{}{}
	c.tokens.tok = nil
	<-c.tokens.sem
	_, err := c.tokens.token(ctx)
	return err
}

// authTransport returns a RoundTripper for long-lived authenticated requests
// (the event stream): it sets User-Agent and the current bearer token on
// every request and, after a 401, drops the refused OAuth2 token so the next
// request gets a fresh one. It neither retries nor times out; use the
// request's context.
func (c *Client) authTransport() http.RoundTripper {
	return &authTransport{c: c, base: c.api.Transport}
}

type authTransport struct {
	c    *Client
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.c.cfg.UserAgent)
	if !urlsafe.SameOrigin(req.URL, t.c.origin) {
		// The token is meant for the server's origin only.
		r.Header.Del("Authorization")
		return t.base.RoundTrip(r)
	}
	tok, err := t.c.tokens.token(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	resp, err := t.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		t.c.tokens.invalidate(tok)
	}
	return resp, err
}

// Identity is who the access token says the client acts as.
type Identity struct {
	UserID       string
	Organization string
	// Roles are the token's authorities as given, e.g. "ROLE_AGENT".
	Roles []string
}

// HasRole reports whether the identity has role, compared without case and
// with or without the "ROLE_" prefix.
func (id Identity) HasRole(role string) bool {
	want := strings.TrimPrefix(strings.ToUpper(role), "ROLE_")
	for _, r := range id.Roles {
		if strings.TrimPrefix(strings.ToUpper(r), "ROLE_") == want {
			return true
		}
	}
	return false
}

// Identity says who the client acts as. A JWT access token's claims give
// it (sub or user_name, organization, authorities or roles); a token
// fetched with client credentials adds the token response's sub and
// organization; Config.UserID, when set, names the user whatever the token
// says. A plain token that is not a JWT is fine for every call: only the
// user id is then unknown, and Identity returns what it knows with an
// *UnknownUserError. Other errors are the token request's.
func (c *Client) Identity(ctx context.Context) (Identity, error) {
	var id Identity
	if !c.tokens.renewable() {
		if claims, err := parseClaims(c.tokens.static); err == nil {
			id = claims.identity()
		}
	} else {
		ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
		tok, err := c.tokens.current(ctx)
		if err != nil {
			return Identity{}, err // already says "token: …"
		}
		claims, _ := parseClaims(tok.AccessToken)
		id = claims.identity()
		if id.UserID == "" {
			id.UserID, _ = tok.Extra("sub").(string)
		}
		if id.Organization == "" {
			id.Organization, _ = tok.Extra("organization").(string)
		}
	}
	if c.cfg.UserID != "" {
		id.UserID = c.cfg.UserID
	}
	if id.UserID == "" {
		return id, &UnknownUserError{Hint: c.cfg.UserIDHint}
	}
	return id, nil
}

// UnknownUserError says that neither the token nor the configuration names
// the user the client acts as. Only what needs the user id fails with it
// (the MQTT feed, which logs in as the user); everything else works.
type UnknownUserError struct {
	// Hint tells the user how to give the id (Config.UserIDHint).
	Hint string
}

// Error implements error.
func (e *UnknownUserError) Error() string {
	msg := "your user id is unknown: the token names no user"
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// claims are the JWT payload members snapdash reads.
type claims struct {
	Sub          string          `json:"sub"`
	UserName     string          `json:"user_name"`
	Organization string          `json:"organization"`
	Authorities  json.RawMessage `json:"authorities"`
	Roles        json.RawMessage `json:"roles"`
	Exp          int64           `json:"exp"`
}

func (c claims) identity() Identity {
	id := Identity{UserID: c.Sub, Organization: c.Organization}
	if id.UserID == "" {
		id.UserID = c.UserName
	}
	id.Roles = stringList(c.Authorities)
	if len(id.Roles) == 0 {
		id.Roles = stringList(c.Roles)
	}
	return id
}

// stringList reads a JSON array of strings or one space- or comma-separated
// string.
func stringList(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	}
	return nil
}

// parseClaims decodes the payload of a JWT without verifying its signature:
// the server verifies it, the client only reads who it is.
func parseClaims(token string) (claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(token) > 64<<10 {
		return claims{}, errors.New("the token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return claims{}, errors.New("the token's payload is not base64url")
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return claims{}, errors.New("the token's payload is not a JSON object")
	}
	return c, nil
}
