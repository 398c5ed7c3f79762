package sim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
)

// identity is who a verified token speaks for.
type identity struct {
	UserID       string
	Organization string
	Role         Role
}

// claims are the JWT payload fields the simulator issues and reads.
type claims struct {
	Sub          string   `json:"sub"`
	UserName     string   `json:"user_name"`
	Organization string   `json:"organization"`
	Authorities  []string `json:"authorities"`
	ClientID     string   `json:"client_id,omitempty"`
	Scope        []string `json:"scope,omitempty"`
	IssuedAt     int64    `json:"iat"`
	Exp          int64    `json:"exp"`
	JTI          string   `json:"jti"`
}

var b64 = base64.RawURLEncoding

// IssueToken returns a signed bearer token for role, valid for lifetime
// (Options.TokenLifetime when zero; a negative lifetime gives an already
// expired token, for tests).
func (s *Server) IssueToken(role Role, lifetime time.Duration) string {
	tok, _ := s.issue(role, lifetime, "")
	return tok
}

// issue signs a token and returns it with its claims.
func (s *Server) issue(role Role, lifetime time.Duration, clientID string) (string, claims) {
	if lifetime == 0 {
		lifetime = s.opts.TokenLifetime
		if f := s.currentFaults().TokenLifetime; f > 0 {
			lifetime = f
		}
	}
	now := s.now()
	var j [16]byte
	_, _ = rand.Read(j[:])
	c := claims{
		Sub:          role.userID(),
		UserName:     role.userID(),
		Organization: OrganizationID,
		Authorities:  []string{role.authority()},
		ClientID:     clientID,
		Scope:        []string{"read", "write"},
		IssuedAt:     now.Unix(),
		Exp:          now.Add(lifetime).Unix(),
		JTI:          hex.EncodeToString(j[:]),
	}
	if s.opts.OpaqueTokens {
		// Opaque tokens carry nothing a client could read: the server
		// remembers what each stands for.
		tok := "opaque-" + hex.EncodeToString(j[:])
		s.tokMu.Lock()
		for t, oc := range s.opaque {
			if now.Unix() >= oc.Exp {
				delete(s.opaque, t) // forget expired ones, so the map stays small
			}
		}
		s.opaque[tok] = c
		s.tokMu.Unlock()
		return tok, c
	}
	header := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload, _ := json.Marshal(c)
	signing := header + "." + b64.EncodeToString(payload)
	mac := hmac.New(sha256.New, s.jwtKey)
	mac.Write([]byte(signing))
	return signing + "." + b64.EncodeToString(mac.Sum(nil)), c
}

// verify checks a bearer token's signature (or, for an opaque token, that
// this server issued it) and expiry.
func (s *Server) verify(tok string) (identity, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		s.tokMu.Lock()
		c, ok := s.opaque[tok]
		s.tokMu.Unlock()
		if !ok {
			return identity{}, errors.New("malformed token")
		}
		return s.claimsIdentity(c)
	}
	mac := hmac.New(sha256.New, s.jwtKey)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return identity{}, errors.New("invalid token signature")
	}
	raw, err := b64.DecodeString(parts[1])
	if err != nil {
		return identity{}, errors.New("malformed token")
	}
	var c claims
	if err := json.Unmarshal(raw, &c); err != nil {
		return identity{}, errors.New("malformed token")
	}
	return s.claimsIdentity(c)
}

// claimsIdentity checks the expiry of a verified token's claims and says
// who it speaks for.
func (s *Server) claimsIdentity(c claims) (identity, error) {
	if s.now().Unix() >= c.Exp {
		return identity{}, errors.New("access token expired")
	}
	id := identity{UserID: c.Sub, Organization: c.Organization, Role: RoleAgent}
	for _, a := range c.Authorities {
		if a == "ROLE_SUPERVISOR" {
			id.Role = RoleSupervisor
		}
	}
	return id, nil
}

// unauthorized writes a 401 in the OAuth2 bearer style.
func unauthorized(w http.ResponseWriter, desc string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="snapdash-sim", error="invalid_token", error_description="`+desc+`"`)
	writeFields(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": desc})
}

// authed wraps a handler that needs a bearer token; act marks endpoints that
// change state, which supervisors may not call (403).
func (s *Server) authed(act bool, h func(http.ResponseWriter, *http.Request, identity)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		authz := r.Header.Get("Authorization")
		scheme, tok, ok := strings.Cut(authz, " ")
		if authz == "" {
			unauthorized(w, "missing bearer token")
			return
		}
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			unauthorized(w, "authorization is not a bearer token")
			return
		}
		id, err := s.verify(strings.TrimSpace(tok))
		if err != nil {
			unauthorized(w, err.Error())
			return
		}
		if act && id.Role != RoleAgent {
			writeFields(w, http.StatusForbidden, map[string]string{"error": "role " + string(id.Role) + " may not perform this action"})
			return
		}
		h(w, r, id)
	}
}

// handleToken serves POST /security/oauth/token (client_credentials, client
// authentication in the form body or with HTTP Basic).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeFields(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "malformed form body"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	grant := r.PostForm.Get("grant_type")
	if grant == "" {
		writeFields(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "grant_type is required"})
		return
	}
	if grant != "client_credentials" {
		writeFields(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "only client_credentials is supported"})
		return
	}
	var cred *Credential
	for i := range s.creds {
		c := &s.creds[i]
		if subtle.ConstantTimeCompare([]byte(c.ClientID), []byte(id)) == 1 &&
			subtle.ConstantTimeCompare([]byte(c.ClientSecret), []byte(secret)) == 1 {
			cred = c
		}
	}
	if cred == nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="snapdash-sim"`)
		writeFields(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "bad client credentials"})
		return
	}
	tok, c := s.issue(cred.Role, 0, cred.ClientID)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, client.TokenResponse{
		AccessToken:  tok,
		TokenType:    "bearer",
		ExpiresIn:    c.Exp - c.IssuedAt,
		Scope:        "read write",
		JTI:          c.JTI,
		Organization: c.Organization,
		Sub:          c.Sub,
	})
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encode"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeFields writes the API's error shape: a JSON object of strings.
func writeFields(w http.ResponseWriter, status int, fields map[string]string) {
	writeJSON(w, status, fields)
}
