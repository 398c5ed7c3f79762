package client

import (
	"context"
	"io"
	"time"
)

// findDelays are the waits before each listing that looks for an uploaded
// snapshot: a server may list a new snapshot a moment after answering.
func findDelays() [4]time.Duration {
	return [...]time.Duration{0, 100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond}
}

// Upload sends a picture the requester already has (optionally tied to an
// earlier snapshot by RelatedSnapshotID) and returns the new snapshot's id.
// The image's type is detected from its bytes; SnapshotMimeType and
// SnapshotSuffix default to it. The image is streamed, not buffered; when
// its size is known (a file, or any io.Seeker) the request carries a
// Content-Length, as some gateways demand one. The vendor answers with an
// empty 204: the id is then found as UploadFound does, and is empty when it
// cannot be told (the upload succeeded all the same).
func (c *Client) Upload(ctx context.Context, cmd UploadCommand, image io.Reader) (SnapshotUploadResult, error) {
	sn, _, err := c.uploadFind(ctx, cmd, image, false)
	return SnapshotUploadResult{SnapshotID: sn.ID}, err
}

// UploadFound is Upload that also learns which snapshot the upload made.
// The vendor answers an upload with an empty 204, so when the answer names
// no id it lists the interaction before and after and takes the one new
// snapshot that matches the command (type, customer, related snapshot,
// requester endpoint). found is false when it cannot tell which one it is;
// the upload itself succeeded all the same (err is nil). The snapshot is
// read back (with its Raw JSON) when the server answered with an id.
func (c *Client) UploadFound(ctx context.Context, cmd UploadCommand, image io.Reader) (sn Snapshot, found bool, err error) {
	return c.uploadFind(ctx, cmd, image, true)
}

// uploadFind uploads and finds the new snapshot; readBack reads it when
// the answer named its id.
func (c *Client) uploadFind(ctx context.Context, cmd UploadCommand, image io.Reader, readBack bool) (Snapshot, bool, error) {
	req, err := c.prepareUpload(cmd, image)
	if err != nil {
		return Snapshot{}, false, err
	}
	before, lerr := c.ListSnapshots(ctx, cmd.InteractionID)
	if err := ctx.Err(); err != nil {
		return Snapshot{}, false, err
	}
	res, err := c.sendUpload(ctx, req)
	if err != nil {
		return Snapshot{}, false, err
	}
	if res.SnapshotID != "" && !readBack {
		return Snapshot{ID: res.SnapshotID}, true, nil
	}
	if res.SnapshotID != "" {
		sn, gerr := c.GetSnapshot(ctx, res.SnapshotID)
		if gerr != nil {
			c.log.Debug("reading the uploaded snapshot", "id", res.SnapshotID, "err", gerr)
			return Snapshot{ID: res.SnapshotID}, true, nil
		}
		return sn, true, nil
	}
	if lerr != nil {
		c.log.Debug("no listing before the upload", "err", lerr)
		return Snapshot{}, false, nil
	}
	known := make(map[string]bool, len(before))
	for _, s := range before {
		known[s.ID] = true
	}
	for _, d := range findDelays() {
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return Snapshot{}, false, nil
			}
		}
		after, err := c.ListSnapshots(ctx, cmd.InteractionID)
		if err != nil {
			c.log.Debug("listing after the upload", "err", err)
			continue
		}
		var match []Snapshot
		for _, s := range after {
			if !known[s.ID] && s.ID != "" && uploadMatches(s, cmd) {
				match = append(match, s)
			}
		}
		switch len(match) {
		case 1:
			return match[0], true, nil
		case 0:
			continue // not listed yet
		default:
			return Snapshot{}, false, nil // several uploads at once: cannot tell
		}
	}
	return Snapshot{}, false, nil
}

// uploadMatches reports whether a listed snapshot can be the one cmd made;
// members the server leaves out do not count against it.
func uploadMatches(s Snapshot, cmd UploadCommand) bool {
	eq := func(got, want string) bool { return got == "" || got == want }
	return s.Type == cmd.SnapshotType && eq(s.UserID, cmd.TargetUserID) &&
		eq(s.RelatedSnapshotID, cmd.RelatedSnapshotID) && eq(s.RequesterUserEndpointID, cmd.UserEndpointID)
}
