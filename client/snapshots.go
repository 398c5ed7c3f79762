package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/snapdash/snapdash/internal/sanitize"
)

const snapshotsPath = "/rtc-api/snapshots"

// Request asks the target's device for a snapshot and returns the new
// snapshot's id.
func (c *Client) Request(ctx context.Context, cmd SnapshotRequestCommand) (SnapshotRequestResult, error) {
	const op = "request"
	if err := firstError(
		required(op, "applicationId", cmd.ApplicationID),
		required(op, "userEndpointId", cmd.UserEndpointID),
		required(op, "targetUserId", cmd.TargetUserID),
		required(op, "targetUserEndpointId", cmd.TargetUserEndpointID),
		validSession(op, cmd.SessionType),
	); err != nil {
		return SnapshotRequestResult{}, err
	}
	id := cmd.InteractionID
	if id == "" {
		id = cmd.TargetUserID
	}
	var out SnapshotRequestResult
	if err := c.postJSON(ctx, op, id, snapshotsPath+"/request", nil, cmd, &out); err != nil {
		return SnapshotRequestResult{}, err
	}
	if out.SnapshotID == "" {
		return out, badResponse(op, id, "no snapshotId in the answer")
	}
	return out, nil
}

// Discard marks a snapshot as discarded.
func (c *Client) Discard(ctx context.Context, cmd SnapshotDiscardCommand) error {
	const op = "discard"
	if err := firstError(
		required(op, "snapshotId", cmd.SnapshotID),
		required(op, "userEndpointId", cmd.UserEndpointID),
	); err != nil {
		return err
	}
	return c.postJSON(ctx, op, cmd.SnapshotID, snapshotsPath+"/discard", nil, cmd, nil)
}

// Approve marks a snapshot as approved, optionally overriding its type.
func (c *Client) Approve(ctx context.Context, cmd SnapshotApproveCommand) error {
	const op = "approve"
	if err := firstError(
		required(op, "snapshotId", cmd.SnapshotID),
		required(op, "userEndpointId", cmd.UserEndpointID),
	); err != nil {
		return err
	}
	return c.postJSON(ctx, op, cmd.SnapshotID, snapshotsPath+"/approve", nil, cmd, nil)
}

// CameraRequest sends a camera command to the target's device and returns
// the camera request's id.
func (c *Client) CameraRequest(ctx context.Context, cmd CameraRequestCommand) (string, error) {
	id, _, err := c.CameraRequestRaw(ctx, cmd)
	return id, err
}

// CameraRequestRaw is CameraRequest that also returns the server's answer
// as it came. An error wrapping ErrBadResponse means the server took the
// command (it answered 2xx) but its answer could not be read (raw holds
// it): the command must not be sent again.
func (c *Client) CameraRequestRaw(ctx context.Context, cmd CameraRequestCommand) (id string, raw []byte, err error) {
	const op = "camera request"
	err = firstError(
		required(op, "userEndpointId", cmd.UserEndpointID),
		required(op, "targetUserId", cmd.TargetUserID),
		required(op, "targetUserEndpointId", cmd.TargetUserEndpointID),
		validSession(op, cmd.SessionType),
	)
	if err == nil && !cmd.CameraRequestType.Valid() {
		err = &ValidationError{Op: op, Field: "cameraRequestType",
			Reason: fmt.Sprintf("%q is not one of CAMERA_SWITCH, FLASH_ON, FLASH_OFF", sanitize.Truncate(string(cmd.CameraRequestType), 40))}
	}
	if err != nil {
		return "", nil, err
	}
	resp, err := c.do(ctx, &request{op: op, id: cmd.TargetUserID, method: http.MethodPost,
		path: snapshotsPath + "/cameraRequest", body: jsonBody(cmd), limit: objectBodyLimit})
	if err != nil {
		return "", nil, err
	}
	raw = resp.body
	if err := decodeJSON(op, cmd.TargetUserID, resp, &id); err != nil {
		return "", raw, err
	}
	if id == "" {
		return "", raw, badResponse(op, cmd.TargetUserID, "no camera request id in the answer")
	}
	return id, raw, nil
}

// CameraRequestRespond answers a camera request (the device's side).
func (c *Client) CameraRequestRespond(ctx context.Context, cmd CameraRequestRespondCommand) error {
	const op = "camera request respond"
	err := firstError(
		required(op, "snapshotCameraRequestId", cmd.SnapshotCameraRequestID),
		required(op, "userEndpointId", cmd.UserEndpointID),
	)
	if err == nil && cmd.Succeeded == nil {
		err = &ValidationError{Op: op, Field: "succeeded", Reason: "is required"}
	}
	if err != nil {
		return err
	}
	return c.postJSON(ctx, op, cmd.SnapshotCameraRequestID, snapshotsPath+"/cameraRequestRespond", nil, cmd, nil)
}

// ListSnapshots returns the stored snapshots of an interaction.
func (c *Client) ListSnapshots(ctx context.Context, interactionID string) ([]Snapshot, error) {
	const op = "list snapshots"
	if err := required(op, "interactionId", interactionID); err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, &request{op: op, id: interactionID, method: http.MethodGet, path: snapshotsPath,
		query: url.Values{"interactionId": {interactionID}}, limit: listBodyLimit})
	if err != nil {
		return nil, err
	}
	if err := checkJSON(op, interactionID, resp); err != nil {
		return nil, err
	}
	list, err := decodeSnapshotList(resp.body)
	if err != nil {
		return nil, badResponse(op, interactionID, "%v", err)
	}
	return list, nil
}

// GetSnapshot returns one snapshot.
func (c *Client) GetSnapshot(ctx context.Context, id string) (Snapshot, error) {
	const op = "get snapshot"
	seg, err := pathID(op, "snapshotId", id)
	if err != nil {
		return Snapshot{}, err
	}
	var s Snapshot
	if err := c.getJSON(ctx, op, id, snapshotsPath+"/"+seg, nil, objectBodyLimit, &s); err != nil {
		return Snapshot{}, err
	}
	return s, nil
}

// decodeSnapshotList reads the snapshot list: a JSON array, or a page object
// with the array in "content" (which some gateways return).
func decodeSnapshotList(b []byte) ([]Snapshot, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var page struct {
			Content *[]Snapshot `json:"content"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, jsonError(err)
		}
		if page.Content == nil {
			return nil, fmt.Errorf("an object without a content list")
		}
		return *page.Content, nil
	}
	var list []Snapshot
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, jsonError(err)
	}
	if list == nil {
		list = []Snapshot{}
	}
	return list, nil
}

// postJSON POSTs body as JSON and decodes the answer into out (nil: any 2xx
// answer, usually a 204, will do).
func (c *Client) postJSON(ctx context.Context, op, id, path string, header http.Header, body, out any) error {
	resp, err := c.do(ctx, &request{op: op, id: id, method: http.MethodPost, path: path, header: header,
		body: jsonBody(body), limit: objectBodyLimit})
	if err != nil || out == nil {
		return err
	}
	return decodeJSON(op, id, resp, out)
}

// getJSON GETs path and decodes the answer into out.
func (c *Client) getJSON(ctx context.Context, op, id, path string, q url.Values, limit int64, out any) error {
	resp, err := c.do(ctx, &request{op: op, id: id, method: http.MethodGet, path: path, query: q, limit: limit})
	if err != nil {
		return err
	}
	return decodeJSON(op, id, resp, out)
}

// decodeJSON checks that resp holds JSON and decodes it into out.
func decodeJSON(op, id string, resp *response, out any) error {
	if err := checkJSON(op, id, resp); err != nil {
		return err
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return badResponse(op, id, "%v", jsonError(err))
	}
	return nil
}

// checkJSON rejects an empty body and one whose content type says it is not
// JSON (an HTML login page answered with 200, say). A missing type and
// text/plain are accepted and left to the decoder.
func checkJSON(op, id string, resp *response) error {
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return badResponse(op, id, "empty answer (status %d), expected JSON", resp.status)
	}
	ct := resp.header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	media, _, err := mime.ParseMediaType(ct)
	if err == nil && (strings.Contains(media, "json") || media == "text/plain") {
		return nil
	}
	_, msg := describeBody(ct, resp.body)
	if msg != "" {
		msg = " (" + msg + ")"
	}
	return badResponse(op, id, "expected JSON, got %s%s", sanitize.Truncate(ct, 60), msg)
}

// jsonError shortens a decoding error to what helps: where and what.
func jsonError(err error) error {
	if err.Error() == "unexpected end of JSON input" {
		return fmt.Errorf("truncated JSON")
	}
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Errorf("malformed JSON at byte %d: %v", e.Offset, e)
	case *json.UnmarshalTypeError:
		return fmt.Errorf("unexpected JSON: %s is %s, expected %s", e.Field, e.Value, e.Type)
	}
	return err
}

// required reports a missing (empty or blank) required field.
func required(op, field, value string) error {
	if strings.TrimSpace(value) == "" {
		return &ValidationError{Op: op, Field: field, Reason: "is required"}
	}
	return nil
}

func validSession(op string, s SessionType) error {
	if !s.Valid() {
		return &ValidationError{Op: op, Field: "sessionType",
			Reason: fmt.Sprintf("%q is not one of UNKNOWN, CALL, CONFERENCE", sanitize.Truncate(string(s), 40))}
	}
	return nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
