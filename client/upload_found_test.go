package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestUploadContentLength: a seekable image (a file) is streamed with a
// Content-Length that matches the body exactly, also when it is sent again
// after a 429; a plain stream stays chunked.
func TestUploadContentLength(t *testing.T) {
	ctLeakCheck(t)
	type seen struct {
		declared int64
		chunked  bool
		body     int
	}
	var mu sync.Mutex
	var got []seen
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // the listings that find the upload
			mu.Lock()
			fmt.Fprintf(w, `[{"id":"up-%d","type":"t"}]`, len(got))
			mu.Unlock()
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.ContentLength, len(r.TransferEncoding) > 0, len(b)})
		n := len(got)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	file := filepath.Join(t.TempDir(), "p.png")
	if err := os.WriteFile(file, append(ctPNG(t), make([]byte, 70000)...), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := UploadCommand{ApplicationID: "a", TargetUserID: "u", TargetUserEndpointID: "e", InteractionID: "i", UserEndpointID: "me", SnapshotType: "t"}
	if _, err := c.Upload(context.Background(), cmd, f); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(context.Background(), cmd, io.MultiReader(bytes.NewReader(ctPNG(t)))); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("%d requests", len(got))
	}
	for i, s := range got[:2] {
		if s.chunked || s.declared != int64(s.body) || s.body < 70000 {
			t.Errorf("file upload, attempt %d: %+v", i+1, s)
		}
	}
	if s := got[2]; !s.chunked || s.declared != -1 {
		t.Errorf("stream upload: %+v", s)
	}
}

// TestRawKeepsTheServersBytes: decoded snapshots, interactions and signed
// URLs keep the exact bytes the server sent.
func TestRawKeepsTheServersBytes(t *testing.T) {
	const snap = `{"id":"s1","version":0,"relatedSnapshotId":null,"createdAt":"2024-05-01T10:11:33.100Z","extra":[1,2]}`
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rtc-api/snapshots/s1", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, snap) })
	mux.HandleFunc("GET /rtc-api/snapshots", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "[ "+snap+" ]") })
	c, _ := ctNewClient(t, mux)
	sn, err := c.GetSnapshot(context.Background(), "s1")
	if err != nil || string(sn.Raw) != snap || sn.ID != "s1" {
		t.Errorf("get: %q, %v", sn.Raw, err)
	}
	list, err := c.ListSnapshots(context.Background(), "i")
	if err != nil || len(list) != 1 || string(list[0].Raw) != snap {
		t.Errorf("list: %+v, %v", list, err)
	}
}

// TestUploadFound: after an empty 204 the one new, matching snapshot in
// the listing is the upload's; several candidates are not guessed at.
func TestUploadFound(t *testing.T) {
	var mu sync.Mutex
	uploads := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rtc-api/snapshots", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		list := `[{"id":"old","type":"t"}`
		if uploads >= 1 {
			list += `,{"id":"mine","type":"t","userId":"u","requesterUserEndpointId":"me"},{"id":"other-type","type":"x"}`
		}
		if uploads >= 2 {
			list += `,{"id":"twin","type":"t"}`
		}
		if uploads >= 3 {
			list += `,{"id":"a3","type":"t"},{"id":"b3","type":"t"}` // two at once
		}
		io.WriteString(w, list+`]`)
	})
	mux.HandleFunc("POST /rtc-api/snapshots/upload", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		uploads++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	c, _ := ctNewClient(t, mux)
	cmd := UploadCommand{ApplicationID: "a", TargetUserID: "u", TargetUserEndpointID: "e", InteractionID: "i", UserEndpointID: "me", SnapshotType: "t"}
	sn, found, err := c.UploadFound(context.Background(), cmd, bytes.NewReader(ctPNG(t)))
	if err != nil || !found || sn.ID != "mine" || len(sn.Raw) == 0 {
		t.Errorf("first upload: %+v, %t, %v", sn, found, err)
	}
	// The second upload adds "twin"; "mine" is known from before, so the
	// one new candidate is twin.
	sn, found, err = c.UploadFound(context.Background(), cmd, bytes.NewReader(ctPNG(t)))
	if err != nil || !found || sn.ID != "twin" {
		t.Errorf("second upload: %+v, %t, %v", sn, found, err)
	}
	sn, found, err = c.UploadFound(context.Background(), cmd, bytes.NewReader(ctPNG(t)))
	if err != nil || found || sn.ID != "" {
		t.Errorf("third upload, two candidates: %+v, %t, %v", sn, found, err)
	}
}
