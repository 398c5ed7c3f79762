package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"sync"
	"time"
)

const endpointsPath = "/rtc-api/users/endpoints"

// RegisterEndpoint registers a user endpoint (reusing cmd.UserEndpointID when
// set) and returns its id.
func (c *Client) RegisterEndpoint(ctx context.Context, cmd RegisterEndpointCommand) (string, error) {
	const op = "register endpoint"
	if cmd.KeepAliveSeconds <= 0 {
		return "", &ValidationError{Op: op, Field: "keepAliveSeconds", Reason: "must be positive"}
	}
	if cmd.UserEndpointID != "" {
		if err := required(op, "userEndpointId", cmd.UserEndpointID); err != nil {
			return "", err
		}
	}
	resp, err := c.do(ctx, &request{op: op, id: cmd.UserEndpointID, method: http.MethodPost, path: endpointsPath,
		body:  jsonBody(cmd),
		limit: objectBodyLimit})
	if err != nil {
		return "", err
	}
	return decodeID(op, cmd.UserEndpointID, resp)
}

// KeepAlive tells the server the endpoint is still in use.
func (c *Client) KeepAlive(ctx context.Context, cmd KeepAliveCommand) error {
	const op = "keepalive"
	if err := firstError(
		required(op, "userEndpointId", cmd.UserEndpointID),
		required(op, "userId", cmd.UserID),
	); err != nil {
		return err
	}
	return c.postJSON(ctx, op, cmd.UserEndpointID, endpointsPath+"/keepalive", nil, cmd, nil)
}

// Unregister ends a user endpoint.
func (c *Client) Unregister(ctx context.Context, cmd UnregisterCommand) error {
	const op = "unregister"
	if err := firstError(
		required(op, "userEndpointId", cmd.UserEndpointID),
		required(op, "reason", cmd.Reason),
	); err != nil {
		return err
	}
	return c.postJSON(ctx, op, cmd.UserEndpointID, endpointsPath+"/unregister", nil, cmd, nil)
}

// jsonBody returns a request body producer for v; a value that cannot be
// encoded fails the attempt.
func jsonBody(v any) func() (io.Reader, string, error) {
	data, err := json.Marshal(v)
	return func() (io.Reader, string, error) {
		if err != nil {
			return nil, "", err
		}
		return bytes.NewReader(data), "application/json", nil
	}
}

// decodeID reads an answer that is a bare JSON string (an id). A text/plain
// answer holding a single token is accepted too.
func decodeID(op, id string, resp *response) (string, error) {
	body := bytes.TrimSpace(resp.body)
	media, _, _ := mime.ParseMediaType(resp.header.Get("Content-Type"))
	var out string
	switch {
	case len(body) > 0 && body[0] == '"':
		if err := decodeJSON(op, id, resp, &out); err != nil {
			return "", err
		}
	case media == "text/plain" && len(body) > 0 && len(body) <= 256 && bytes.IndexFunc(body, notIDRune) < 0:
		out = string(body)
	default:
		if err := checkJSON(op, id, resp); err != nil {
			return "", err
		}
		return "", badResponse(op, id, "expected a JSON string (an id)")
	}
	if out == "" {
		return "", badResponse(op, id, "empty id in the answer")
	}
	return out, nil
}

func notIDRune(r rune) bool {
	return r <= ' ' || r == '"' || r >= 0x7f
}

// Endpoint is a registered user endpoint kept alive in the background until
// Close.
type Endpoint struct {
	c  *Client
	id string
	// reused is set when id is the caller's reuseID: its owner, not Close,
	// unregisters it.
	reused  bool
	cancel  context.CancelFunc
	done    chan struct{}
	closing sync.Once
	err     error
}

// OpenEndpoint registers a user endpoint, reusing reuseID when it is not
// empty (a fresh one is registered if the server refuses it), and keeps it
// alive every keepAlive−5s (at least every keepAlive/2) in a goroutine until
// Close. keepAlive ≤ 0 means 60s. Keepalives need the user id (Identity);
// when it is unknown (an opaque token) the endpoint is kept alive by
// registering its id again instead, which needs none. Close unregisters only an endpoint OpenEndpoint created:
// a reused one belongs to whoever handed its id over.
func (c *Client) OpenEndpoint(ctx context.Context, reuseID string, keepAlive time.Duration) (*Endpoint, error) {
	if keepAlive <= 0 {
		keepAlive = time.Minute
	}
	seconds := max(1, int(keepAlive/time.Second))
	ident, err := c.Identity(ctx)
	var unknown *UnknownUserError
	if err != nil && !errors.As(err, &unknown) {
		return nil, err
	}
	id, err := c.RegisterEndpoint(ctx, RegisterEndpointCommand{UserEndpointID: reuseID, KeepAliveSeconds: seconds})
	var ae *APIError
	if reuseID != "" && errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 &&
		ae.Status != http.StatusUnauthorized && ae.Status != http.StatusForbidden && ae.Status != http.StatusTooManyRequests {
		c.log.Debug("endpoint not reusable, registering a new one", "err", err)
		id, err = c.RegisterEndpoint(ctx, RegisterEndpointCommand{KeepAliveSeconds: seconds})
	}
	if err != nil {
		return nil, err
	}
	interval := keepAlive - 5*time.Second
	if interval < keepAlive/2 {
		interval = keepAlive / 2
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &Endpoint{c: c, id: id, reused: reuseID != "" && id == reuseID, cancel: cancel, done: make(chan struct{})}
	go e.keepAlive(bg, ident.UserID, seconds, interval)
	return e, nil
}

// ID returns the endpoint's id, for the userEndpointId of every command.
func (e *Endpoint) ID() string { return e.id }

// Close stops the keepalives and unregisters the endpoint, unless it was a
// reused one. Calling it again returns the first result.
func (e *Endpoint) Close(ctx context.Context) error {
	e.closing.Do(func() {
		e.cancel()
		<-e.done
		if !e.reused {
			e.err = e.c.Unregister(ctx, UnregisterCommand{UserEndpointID: e.id, Reason: "closed"})
		}
	})
	return e.err
}

func (e *Endpoint) keepAlive(ctx context.Context, userID string, seconds int, interval time.Duration) {
	defer close(e.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if userID == "" {
			_, err := e.c.RegisterEndpoint(ctx, RegisterEndpointCommand{UserEndpointID: e.id, KeepAliveSeconds: seconds})
			if err != nil && ctx.Err() == nil {
				e.c.log.Warn("endpoint refresh failed", "endpoint", e.id, "err", err)
			}
			continue
		}
		err := e.c.KeepAlive(ctx, KeepAliveCommand{UserEndpointID: e.id, UserID: userID})
		var ae *APIError
		if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusBadRequest) {
			// The server forgot the endpoint (expired during a pause): register
			// the same id again so that commands and the stream keep working.
			_, err = e.c.RegisterEndpoint(ctx, RegisterEndpointCommand{UserEndpointID: e.id, KeepAliveSeconds: seconds})
		}
		if err != nil && ctx.Err() == nil {
			e.c.log.Warn("endpoint keepalive failed", "endpoint", e.id, "err", err)
		}
	}
}
