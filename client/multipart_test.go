package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
)

// ctLeakCheck fails the test if a goroutine it started outlives it (checked
// after the test's servers are closed). Idle keep-alive connections of the
// transport are not counted.
func ctLeakCheck(t *testing.T) {
	opts := []goleak.Option{goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait")}
	t.Cleanup(func() { goleak.VerifyNone(t, opts...) })
}

// ctForm is what the server saw of a multipart request.
type ctForm struct {
	contentLength int64
	fields        map[string]string
	imageType     string
	imageName     string
	image         []byte
}

// ctFormServer parses every multipart request and answers with answer; the
// listings an upload reads to find its snapshot get an empty list.
func ctFormServer(t *testing.T, answer func(w http.ResponseWriter, n int)) (http.Handler, func() []ctForm) {
	var mu sync.Mutex
	var forms []ctForm
	var n atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/rtc-api/snapshots" {
			io.WriteString(w, "[]")
			return
		}
		f := ctForm{contentLength: r.ContentLength, fields: map[string]string{}}
		mr, err := r.MultipartReader()
		if err != nil {
			t.Errorf("not multipart: %v", err)
			return
		}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("part: %v", err)
				return
			}
			b, _ := io.ReadAll(p)
			if p.FormName() == "image" {
				f.imageType, f.imageName, f.image = p.Header.Get("Content-Type"), p.FileName(), b
				continue
			}
			f.fields[p.FormName()] = string(b)
		}
		mu.Lock()
		forms = append(forms, f)
		mu.Unlock()
		answer(w, int(n.Add(1)))
	})
	return h, func() []ctForm {
		mu.Lock()
		defer mu.Unlock()
		return append([]ctForm(nil), forms...)
	}
}

func TestUploadMultipart(t *testing.T) {
	ctLeakCheck(t)
	h, forms := ctFormServer(t, func(w http.ResponseWriter, n int) {
		if n == 1 {
			ctWriteJSON(w, 200, SnapshotUploadResult{SnapshotID: "snap-9"})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	c, _ := ctNewClient(t, h)
	ctx := context.Background()
	cmd := UploadCommand{RelatedSnapshotID: "snap-1", ApplicationID: "app", TargetUserID: "cust", TargetUserEndpointID: "cust-ep",
		InteractionID: "int-1", UserEndpointID: "me", SnapshotType: "car-damage"}
	png := ctPNG(t)
	// io.MultiReader hides the type: only the bytes can tell it is a PNG.
	res, err := c.Upload(ctx, cmd, io.MultiReader(bytes.NewReader(png)))
	if err != nil || res.SnapshotID != "snap-9" {
		t.Fatalf("upload: %+v, %v", res, err)
	}
	f := forms()[0]
	want := map[string]string{"relatedSnapshotId": "snap-1", "applicationId": "app", "targetUserId": "cust",
		"targetUserEndpointId": "cust-ep", "interactionId": "int-1", "userEndpointId": "me", "snapshotType": "car-damage",
		"snapshotSuffix": "png", "snapshotMimeType": "image/png"}
	for k, v := range want {
		if f.fields[k] != v {
			t.Errorf("field %s = %q, want %q", k, f.fields[k], v)
		}
	}
	if len(f.fields) != len(want) {
		t.Errorf("fields %v", f.fields)
	}
	if f.imageType != "image/png" || f.imageName != "snapshot.png" || !bytes.Equal(f.image, png) {
		t.Errorf("image part %q %q, %d bytes", f.imageType, f.imageName, len(f.image))
	}
	if f.contentLength != -1 {
		t.Errorf("Content-Length %d: the body was buffered, want it streamed", f.contentLength)
	}

	// 204 without a body is success too; the optional field is left out.
	cmd.RelatedSnapshotID = ""
	jpg := ctJPEG(t)
	res, err = c.Upload(ctx, cmd, bytes.NewReader(jpg))
	if err != nil || res.SnapshotID != "" {
		t.Fatalf("204 upload: %+v, %v", res, err)
	}
	f = forms()[1]
	if _, ok := f.fields["relatedSnapshotId"]; ok {
		t.Error("empty relatedSnapshotId sent")
	}
	if f.imageType != "image/jpeg" || f.fields["snapshotSuffix"] != "jpeg" || f.fields["snapshotMimeType"] != "image/jpeg" {
		t.Errorf("jpeg: %q %v", f.imageType, f.fields)
	}
}

func TestAcquireMultipartTypes(t *testing.T) {
	ctLeakCheck(t)
	h, forms := ctFormServer(t, func(w http.ResponseWriter, n int) { w.WriteHeader(http.StatusNoContent) })
	c, _ := ctNewClient(t, h)
	for i, tc := range []struct {
		data           []byte
		mime, suffix   string
		wantMime, want string
	}{
		{ctGIF(t), "", "", "image/gif", "gif"},
		{ctWebP(), "", "", "image/webp", "webp"},
		{ctJPEG(t), "image/jpg", "jpg", "image/jpeg", "jpg"},
	} {
		cmd := AcquireCommand{SnapshotID: "s1", UserEndpointID: "dev", SnapshotType: "meter", SnapshotMimeType: tc.mime, SnapshotSuffix: tc.suffix}
		if err := c.Acquire(context.Background(), cmd, bytes.NewReader(tc.data)); err != nil {
			t.Fatal(err)
		}
		f := forms()[i]
		if f.imageType != tc.wantMime || f.fields["snapshotMimeType"] != tc.wantMime || f.fields["snapshotSuffix"] != tc.want ||
			f.fields["snapshotId"] != "s1" || f.fields["userEndpointId"] != "dev" || f.fields["snapshotType"] != "meter" {
			t.Errorf("case %d: %q %v", i, f.imageType, f.fields)
		}
	}
}

func TestUploadTooLarge(t *testing.T) {
	ctLeakCheck(t)
	var hits atomic.Int32
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}), func(cfg *Config) { cfg.MaxImageBytes = 1000 })
	img := append(ctPNG(t), make([]byte, 5000)...)
	// A stream of unknown length is cut off while it is sent.
	err := c.Acquire(context.Background(), AcquireCommand{SnapshotID: "s", UserEndpointID: "e", SnapshotType: "t"}, io.MultiReader(bytes.NewReader(img)))
	if err == nil || !strings.Contains(err.Error(), "acquire s: the image is larger than 1000 bytes") {
		t.Errorf("err = %v", err)
	}
	// One whose size is known is refused before anything is sent.
	sent := hits.Load()
	err = c.Acquire(context.Background(), AcquireCommand{SnapshotID: "s", UserEndpointID: "e", SnapshotType: "t"}, bytes.NewReader(img))
	if err == nil || err.Error() != "acquire: image is larger than 1000 bytes" || hits.Load() != sent {
		t.Errorf("err = %v, %d requests", err, hits.Load()-sent)
	}
}

// TestUpload401Renew: a seekable image is sent again after a token renewal;
// a plain stream cannot be, and the 401 is returned (the next call works).
func TestUpload401Renew(t *testing.T) {
	ctLeakCheck(t)
	var tokens, uploads atomic.Int32
	var mu sync.Mutex
	var sizes []int
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/security/oauth/token" {
			n := tokens.Add(1)
			ctWriteJSON(w, 200, map[string]any{"access_token": "tok" + string(rune('0'+n)), "expires_in": 3600})
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		sizes = append(sizes, len(b))
		mu.Unlock()
		if n := uploads.Add(1); n == 1 || n == 3 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}), ctWithOAuth)
	cmd := AcquireCommand{SnapshotID: "s", UserEndpointID: "e", SnapshotType: "t"}
	png := ctPNG(t)
	if err := c.Acquire(context.Background(), cmd, bytes.NewReader(png)); err != nil {
		t.Fatalf("seekable: %v", err)
	}
	mu.Lock()
	if len(sizes) != 2 || sizes[0] != sizes[1] {
		t.Errorf("bodies of %v bytes, want two equal", sizes)
	}
	mu.Unlock()
	// tok2 is refused now: the stream cannot be replayed, so the 401 comes back.
	err := c.Acquire(context.Background(), cmd, io.MultiReader(bytes.NewReader(png)))
	if !IsUnauthorized(err) {
		t.Errorf("stream: err = %v, want 401", err)
	}
	if err := c.Acquire(context.Background(), cmd, io.MultiReader(bytes.NewReader(png))); err != nil {
		t.Errorf("next call with a fresh token: %v", err)
	}
	if tokens.Load() != 3 {
		t.Errorf("%d tokens, want 3", tokens.Load())
	}
}

// TestUploadServerAnswersEarly: a server that refuses without reading the
// body must not leave the writer goroutine blocked.
func TestUploadServerAnswersEarly(t *testing.T) {
	ctLeakCheck(t)
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctWriteJSON(w, 400, map[string]string{"snapshotId": "unknown snapshot"})
	}))
	big := append(ctPNG(t), make([]byte, 8<<20)...)
	err := c.Acquire(context.Background(), AcquireCommand{SnapshotID: "s", UserEndpointID: "e", SnapshotType: "t"}, bytes.NewReader(big))
	if err == nil {
		t.Fatal("an upload the server refused succeeded")
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Fields["snapshotId"] != "unknown snapshot" {
		// Some transports report the broken pipe instead of the answer;
		// either way the call must end with an error (and, checked by
		// ctLeakCheck, without a goroutine left behind).
		t.Logf("err = %v", err)
	}
}
