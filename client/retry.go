package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// RetryPolicy controls retries. GET requests are retried on network errors,
// truncated bodies, 5xx and 429. A POST is retried only when it cannot have
// been processed: after a 429 (the server refused it), after a failure to
// connect (nothing was sent), and once after a 401 with OAuth2 credentials
// (the token is renewed first).
type RetryPolicy struct {
	// MaxAttempts counts the first try; 1 disables retries. Default 4.
	MaxAttempts int
	// BaseDelay is the first backoff delay, doubled on every retry and
	// jittered. Default 200ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff delay. Default 5s.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for itself;
	// a longer one ends the call with an *APIError carrying RetryAfter, for
	// the caller to schedule. Default 10s.
	MaxRetryAfter time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 10 * time.Second
	}
	return p
}

// backoff returns the jittered delay before retry number n (1-based): a
// random duration in [d/2, d] where d = BaseDelay·2^(n-1), capped at MaxDelay.
func (p RetryPolicy) backoff(n int) time.Duration {
	return jitteredBackoff(p.BaseDelay, p.MaxDelay, n-1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// Nonsense and past dates give 0; absurd values are capped at a day.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		d = time.Duration(min(n, 86400)) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now).Round(time.Second)
	}
	return max(0, min(d, 24*time.Hour))
}

// failure classifies why an attempt failed, for the retry decision.
type failure int

const (
	failFatal   failure = iota // never retried (bad response, too large, cancelled)
	failStatus                 // a non-2xx status: see the *APIError
	failNotSent                // could not connect: nothing reached the server
	failNetwork                // the request may have reached the server
)

// do runs r with authentication, the call timeout and the retry policy, and
// returns the 2xx response with its body read (capped at r.limit).
func (c *Client) do(ctx context.Context, r *request) (*response, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	prefix := opPrefix(r.op, r.id)
	renewed := false
	for attempt := 1; ; attempt++ {
		token := ""
		if !r.noAuth {
			t, err := c.tokens.token(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctxError(parent, prefix, c.cfg.Timeout)
				}
				return nil, fmt.Errorf("%s: %w", prefix, err)
			}
			token = t
		}
		// Reads keep to the request rate; an action (a reviewer's key
		// press) does not queue behind a background count, but waits out a
		// server's Retry-After like everything else.
		if err := c.limit.wait(ctx, r.method == http.MethodGet || r.method == http.MethodHead); err != nil {
			return nil, ctxError(parent, prefix, c.cfg.Timeout)
		}
		start := time.Now()
		resp, kind, err := c.attempt(ctx, r, token)
		c.log.Debug("http", "op", r.op, "method", r.method, "path", r.logPath(), "attempt", attempt,
			"status", resp.statusOrZero(), "elapsed", time.Since(start).Round(time.Millisecond), "err", err)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctxError(parent, prefix, c.cfg.Timeout)
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusTooManyRequests {
			// The server is rate-limiting this client: every request
			// waits, not only this one (a Retry-After beyond
			// MaxRetryAfter is the caller's to schedule: not all of it).
			c.limit.pause(min(ae.RetryAfter, c.cfg.Retry.MaxRetryAfter))
		}
		if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized && token != "" && c.tokens.renewable() {
			c.tokens.invalidate(token)
			if !renewed && r.canReplay() {
				renewed = true
				attempt-- // the renewal retry does not count
				continue
			}
		}
		delay, ok := c.retryDelay(r, attempt, kind, ae)
		if !ok {
			return nil, err
		}
		if dl, has := ctx.Deadline(); has && time.Until(dl) < delay {
			return nil, err // waiting would outlive the call: report what we know
		}
		c.log.Debug("http retry", "op", r.op, "attempt", attempt, "delay", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctxError(parent, prefix, c.cfg.Timeout)
		}
	}
}

// retryDelay decides whether attempt (1-based) may be retried and after how
// long. ae is the *APIError of a failStatus, else nil.
func (c *Client) retryDelay(r *request, attempt int, kind failure, ae *APIError) (time.Duration, bool) {
	p := c.cfg.Retry
	if attempt >= p.MaxAttempts || !r.canReplay() {
		return 0, false
	}
	idempotent := r.method == http.MethodGet || r.method == http.MethodHead
	switch kind {
	case failNotSent:
	case failNetwork:
		if !idempotent {
			return 0, false
		}
	case failStatus:
		switch {
		case ae.Status == http.StatusTooManyRequests:
		case ae.Status >= 500 && idempotent:
		default:
			return 0, false
		}
		if ae.RetryAfter > 0 {
			if ae.RetryAfter > p.MaxRetryAfter {
				return 0, false
			}
			return ae.RetryAfter, true
		}
	default:
		return 0, false
	}
	return p.backoff(attempt), true
}

// attempt sends r once. On success the body has been read in full.
func (c *Client) attempt(ctx context.Context, r *request, token string) (*response, failure, error) {
	prefix := opPrefix(r.op, r.id)
	var body io.Reader
	contentType := ""
	if r.body != nil {
		b, ct, err := r.body()
		if err != nil {
			return nil, failFatal, fmt.Errorf("%s: %w", prefix, err)
		}
		body, contentType = b, ct
		if cl, ok := b.(io.Closer); ok {
			defer cl.Close()
		}
	}
	target := r.rawURL
	if target == "" {
		target = c.endpointURL(r.path, r.query)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, failFatal, fmt.Errorf("%s: %w", prefix, redactURLError(err))
	}
	if sb, ok := body.(interface{ ContentLength() int64 }); ok && sb.ContentLength() >= 0 {
		req.ContentLength = sb.ContentLength() // streamed, yet not chunked
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	hc := c.plain
	if !r.noAuth {
		req.Header.Set("Authorization", "Bearer "+token)
		hc = c.api
	}
	resp, err := hc.Do(req)
	if err != nil {
		if r.bodyErr != nil {
			if berr := r.bodyErr(); berr != nil {
				return nil, failFatal, fmt.Errorf("%s: %w", prefix, berr)
			}
		}
		kind := failNetwork
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			kind = failNotSent
		}
		return nil, kind, fmt.Errorf("%s: %w", prefix, redactURLError(err))
	}
	defer resp.Body.Close()
	out := &response{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
		return out, failStatus, newAPIError(r.op, r.id, resp.StatusCode, resp.Header, b)
	}
	if resp.ContentLength > r.limit {
		return out, failFatal, badResponse(r.op, r.id, "response of %d bytes is over the %d-byte limit", resp.ContentLength, r.limit)
	}
	var rd io.Reader = resp.Body
	if r.progress != nil {
		rd = &progressReader{r: resp.Body, total: resp.ContentLength, fn: r.progress}
	}
	b, err := readCapped(rd, r.limit, resp.ContentLength)
	if err != nil {
		return out, failNetwork, fmt.Errorf("%s: reading response: %w", prefix, redactURLError(err))
	}
	if int64(len(b)) > r.limit {
		return out, failFatal, badResponse(r.op, r.id, "response is over the %d-byte limit", r.limit)
	}
	out.body = b
	return out, 0, nil
}

// request describes one API call for do.
type request struct {
	op, id string // for errors and logs
	method string
	path   string // escaped, below the server, starting with '/'
	rawURL string // absolute URL instead of path (signed URLs)
	query  url.Values
	header http.Header
	// body, when set, opens the body for one attempt and gives its content
	// type; a body that is an io.Closer is closed after the attempt. A
	// *bytes.Reader gets a Content-Length.
	body func() (io.Reader, string, error)
	// replay reports whether body can be opened again; nil means it can.
	replay func() bool
	// bodyErr, when set, reports why producing the body failed (e.g. the
	// image is too large), which explains a failed send better.
	bodyErr func() error
	noAuth  bool
	limit   int64
	// progress, when set, is told how much of the response body has been
	// read, and its length (-1 when unknown).
	progress func(done, total int64)
}

func (r *request) canReplay() bool { return r.replay == nil || r.replay() }

// logPath is the path without the query, which for a signed URL holds its
// signature.
func (r *request) logPath() string {
	if r.rawURL != "" {
		return redactURL(r.rawURL)
	}
	return r.path
}

// response is a 2xx answer with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) statusOrZero() int {
	if r == nil {
		return 0
	}
	return r.status
}

// readCapped reads at most limit+1 bytes of r, sizing the buffer from the
// declared length (already checked against limit) to avoid regrowing it.
func readCapped(r io.Reader, limit, declared int64) ([]byte, error) {
	if declared <= 0 {
		return io.ReadAll(io.LimitReader(r, limit+1))
	}
	buf := bytes.NewBuffer(make([]byte, 0, declared+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	return buf.Bytes(), err
}
