package client

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// ctKeys marshals v and returns its top-level JSON keys, sorted.
func ctKeys(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

// ctFill sets every field of the struct v points to a non-zero value.
func ctFill(v any) {
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f := rv.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Int, reflect.Int64:
			f.SetInt(1)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Pointer:
			p := reflect.New(f.Type().Elem())
			switch e := p.Interface().(type) {
			case *time.Time:
				*e = time.Unix(1, 0)
			case *bool:
				*e = true
			default:
				ctFill(e)
			}
			f.Set(p)
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.Uint8 { // json.RawMessage
				f.SetBytes([]byte(`{"a":1}`))
			} else {
				f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			}
		}
	}
}

func ctSorted(s string) string {
	f := strings.Fields(s)
	sort.Strings(f)
	return strings.Join(f, " ")
}

// TestSchemasFieldForField checks every request and response struct
// against the spec: the JSON names, required members always sent (no
// omitempty), optional members left out when empty.
func TestSchemasFieldForField(t *testing.T) {
	for _, tc := range []struct {
		name               string
		v                  any
		required, optional string
	}{
		// rtc-api-snapshots.txt, Schemas.
		{"SnapshotUploadResult", &SnapshotUploadResult{}, "", "snapshotId"},
		{"CreateSnapshotSignedURLWebCommand", &CreateSignedURLCommand{}, "snapshotId", "createInternalSignedUrl"},
		{"SignedUrl", &SignedURL{}, "", "url validUntil"},
		{"SnapshotRequestWebCommand", &SnapshotRequestCommand{},
			"applicationId userEndpointId targetUserId targetUserEndpointId", "sessionType sessionId interactionId snapshotType"},
		{"SnapshotRequestResult", &SnapshotRequestResult{}, "", "snapshotId"},
		{"SnapshotDiscardWebCommand", &SnapshotDiscardCommand{}, "snapshotId userEndpointId", ""},
		{"SnapshotCameraRequestWebCommand", &CameraRequestCommand{},
			"userEndpointId targetUserId targetUserEndpointId cameraRequestType", "sessionType sessionId"},
		{"SnapshotCameraRequestRespondWebCommand", &CameraRequestRespondCommand{},
			"snapshotCameraRequestId userEndpointId succeeded", "additionalInformation"},
		{"SnapshotApproveWebCommand", &SnapshotApproveCommand{}, "snapshotId userEndpointId", "snapshotType"},
		{"Snapshot", &Snapshot{}, "", "id relatedSnapshotId organizationId applicationId requesterUserId " +
			"requesterUserEndpointId userId userEndpointId sessionType sessionId timestamp interactionId type path state " +
			"requestProcessingResult approvalProcessingResult suffix mimeType createdAt version approved"},
		{"SnapshotApprovalProcessingResult", &SnapshotApprovalProcessingResult{}, "", "succeeded additionalInformation"},
		// platform.md.
		{"register endpoint", &RegisterEndpointCommand{}, "keepAliveSeconds", "userEndpointId"},
		{"keepalive", &KeepAliveCommand{}, "userEndpointId userId", ""},
		{"unregister", &UnregisterCommand{}, "userEndpointId reason", ""},
		{"Interaction", &Interaction{}, "id", "organizationId createdBy createdAt type data version"},
		{"interaction page", &InteractionPage{}, "content totalElements totalPages number size", ""},
		{"event", &Event{}, "type timestamp", "id userId userEndpointId interactionId snapshotId snapshotType " +
			"snapshotLocation relatedSnapshotId targetUserId targetUserEndpointId snapshotCameraRequestId cameraRequestType " +
			"succeeded additionalInformation"},
		{"token response", &TokenResponse{}, "access_token expires_in", "token_type refresh_token scope jti organization sub"},
	} {
		if got, want := ctKeys(t, tc.v), ctSorted(tc.required); got != want {
			t.Errorf("%s, empty: keys %q, want the required %q", tc.name, got, want)
		}
		ctFill(tc.v)
		if got, want := ctKeys(t, tc.v), ctSorted(tc.required+" "+tc.optional); got != want {
			t.Errorf("%s, full: keys %q, want %q", tc.name, got, want)
		}
	}
}

// TestEnums: the typed constants are the spec's values, and Valid accepts
// exactly those (plus the empty optional session type).
func TestEnums(t *testing.T) {
	for s, want := range map[SessionType]bool{"": true, SessionUnknown: true, SessionCall: true, SessionConference: true,
		"call": false, "VIDEO": false} {
		if s.Valid() != want {
			t.Errorf("SessionType(%q).Valid() = %t", s, !want)
		}
	}
	if SessionUnknown != "UNKNOWN" || SessionCall != "CALL" || SessionConference != "CONFERENCE" {
		t.Error("session type values")
	}
	for c, want := range map[CameraRequestType]bool{CameraSwitch: true, CameraFlashOn: true, CameraFlashOff: true,
		"": false, "flash_on": false, "ZOOM": false} {
		if c.Valid() != want {
			t.Errorf("CameraRequestType(%q).Valid() = %t", c, !want)
		}
	}
	if CameraSwitch != "CAMERA_SWITCH" || CameraFlashOn != "FLASH_ON" || CameraFlashOff != "FLASH_OFF" {
		t.Error("camera request type values")
	}
	for s, want := range map[SnapshotState]bool{StateUploaded: true, StateApproved: true, StateDiscarded: true,
		StateRequested: false, "": false} {
		if s.Valid() != want {
			t.Errorf("SnapshotState(%q).Valid() = %t", s, !want)
		}
	}
}
