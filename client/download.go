package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/snapdash/snapdash/internal/sanitize"
)

// Image is a downloaded picture. MimeType is detected from the bytes, not
// taken from the server's Content-Type.
type Image struct {
	Bytes    []byte
	MimeType string
}

// SignedURL asks for a time-limited URL of a snapshot's bytes; internal
// selects the platform's built-in signed GET (the one FetchSigned and
// Download use). The request carries the Referer the API requires.
func (c *Client) SignedURL(ctx context.Context, snapshotID string, internal bool) (SignedURL, error) {
	const op = "signed url"
	if err := required(op, "snapshotId", snapshotID); err != nil {
		return SignedURL{}, err
	}
	cmd := CreateSignedURLCommand{SnapshotID: snapshotID, CreateInternalSignedURL: BoolPtr(internal)}
	var out SignedURL
	if err := c.postJSON(ctx, op, snapshotID, snapshotsPath+"/signedUrl",
		http.Header{"Referer": {c.cfg.Referer}}, cmd, &out); err != nil {
		return SignedURL{}, err
	}
	if err := checkFetchURL(out.URL); err != nil {
		return SignedURL{}, badResponse(op, snapshotID, "%v", err)
	}
	return out, nil
}

// FetchSigned downloads a signed URL with a plain GET that carries no
// Authorization header. The body is capped at MaxImageBytes and must be a
// picture.
func (c *Client) FetchSigned(ctx context.Context, signedURL string) (Image, error) {
	return c.fetchImage(ctx, "fetch signed url", "", signedURL, nil)
}

// Download fetches a snapshot's picture: an internal signed URL, then its
// bytes.
func (c *Client) Download(ctx context.Context, snapshotID string) (Image, error) {
	return c.DownloadProgress(ctx, snapshotID, nil)
}

// DownloadProgress is Download telling progress, when not nil, how many of
// the picture's bytes have arrived and how many there are (-1 when the
// server does not say), as they arrive.
func (c *Client) DownloadProgress(ctx context.Context, snapshotID string, progress func(done, total int64)) (Image, error) {
	su, err := c.SignedURL(ctx, snapshotID, true)
	if err != nil {
		return Image{}, err
	}
	return c.fetchImage(ctx, "download", snapshotID, su.URL, progress)
}

func (c *Client) fetchImage(ctx context.Context, op, id, raw string, progress func(done, total int64)) (Image, error) {
	if err := checkFetchURL(raw); err != nil {
		return Image{}, &ValidationError{Op: op, Field: "url", Reason: err.Error()}
	}
	req := &request{op: op, id: id, method: http.MethodGet, rawURL: raw, noAuth: true,
		header: http.Header{"Accept": {"image/*"}}, limit: c.cfg.MaxImageBytes}
	req.progress = progress
	resp, err := c.do(ctx, req)
	if err != nil {
		return Image{}, err
	}
	if len(resp.body) == 0 {
		return Image{}, badResponse(op, id, "empty picture (status %d)", resp.status)
	}
	mt := http.DetectContentType(resp.body[:min(len(resp.body), 512)])
	if !strings.HasPrefix(mt, "image/") {
		_, msg := describeBody(resp.header.Get("Content-Type"), resp.body[:min(len(resp.body), errorBodyLimit)])
		if msg != "" {
			msg = ": " + msg
		}
		return Image{}, badResponse(op, id, "not a picture but %s%s", mt, msg)
	}
	return Image{Bytes: resp.body, MimeType: mt}, nil
}

// progressReader reports the bytes read through it.
type progressReader struct {
	r     io.Reader
	done  int64
	total int64
	fn    func(done, total int64)
}

// Read implements io.Reader.
func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.done += int64(n)
		p.fn(p.done, p.total)
	}
	return n, err
}

// checkFetchURL accepts absolute http(s) URLs only.
func checkFetchURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("no URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("malformed URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", sanitize.Truncate(redactURL(raw), 80))
	}
	return nil
}
