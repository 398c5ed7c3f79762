package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDownload covers the signed URL request (Referer, body) and the plain
// fetch (no Authorization, type from the bytes).
func TestDownload(t *testing.T) {
	jpg := ctJPEG(t)
	var mu sync.Mutex
	var imgAuth, imgUA, referer []string
	var cmds []CreateSignedURLCommand
	images := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		imgAuth = append(imgAuth, r.Header.Get("Authorization"))
		imgUA = append(imgUA, r.Header.Get("User-Agent"))
		mu.Unlock()
		if r.URL.Query().Get("signature") != "sig" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream") // the bytes decide
		w.Write(jpg)
	}))
	defer images.Close()
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cmd CreateSignedURLCommand
		json.NewDecoder(r.Body).Decode(&cmd)
		mu.Lock()
		referer = append(referer, r.Header.Get("Referer"))
		cmds = append(cmds, cmd)
		mu.Unlock()
		until := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		ctWriteJSON(w, 200, SignedURL{URL: images.URL + "/rtc-api/snapshots/signed/" + cmd.SnapshotID + "/1893456000000?signature=sig", ValidUntil: &until})
	}), func(cfg *Config) { cfg.Referer = "https://dash.example" })
	ctx := context.Background()
	su, err := c.SignedURL(ctx, "snap-1", false)
	if err != nil || su.ValidUntil == nil || su.ValidUntil.Year() != 2030 {
		t.Fatalf("SignedURL: %+v, %v", su, err)
	}
	img, err := c.Download(ctx, "snap-1")
	if err != nil || img.MimeType != "image/jpeg" || !bytes.Equal(img.Bytes, jpg) {
		t.Fatalf("Download: %s, %d bytes, %v", img.MimeType, len(img.Bytes), err)
	}
	_, err = c.FetchSigned(ctx, images.URL+"/x?signature=bad-secret-sig")
	if err == nil || strings.Contains(err.Error(), "bad-secret-sig") || err.Error() != "fetch signed url: 403 Forbidden" {
		t.Errorf("bad signature: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if *cmds[0].CreateInternalSignedURL || !*cmds[1].CreateInternalSignedURL || cmds[1].SnapshotID != "snap-1" {
		t.Errorf("commands %+v", cmds)
	}
	for _, ref := range referer {
		if ref != "https://dash.example" {
			t.Errorf("Referer %q", ref)
		}
	}
	for i, a := range imgAuth {
		if a != "" || imgUA[i] != "snapdash/test" {
			t.Errorf("image request %d: Authorization %q, User-Agent %q", i, a, imgUA[i])
		}
	}
}

func TestFetchSignedHostile(t *testing.T) {
	png := ctPNG(t)
	for _, tc := range []struct {
		name    string
		handler http.Handler
		want    string
	}{
		{"html 200", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png") // lies
			fmt.Fprint(w, "<html><head><title>Session expired</title></head></html>")
		}), "fetch signed url: bad response: not a picture but text/html; charset=utf-8: Session expired"},
		{"empty", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}),
			"fetch signed url: bad response: empty picture (status 200)"},
		{"declared too large", ctRaw("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 5000000\r\n\r\n" + string(png)),
			"fetch signed url: bad response: response of 5000000 bytes is over the 2000-byte limit"},
		{"streamed too large", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write(png)
			w.(http.Flusher).Flush()
			w.Write(make([]byte, 10000))
		}), "fetch signed url: bad response: response is over the 2000-byte limit"},
	} {
		c, srv := ctNewClient(t, tc.handler, func(cfg *Config) { cfg.MaxImageBytes = 2000 })
		_, err := c.FetchSigned(context.Background(), srv.URL+"/signed/s/1?signature=zzz")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
		if !errors.Is(err, ErrBadResponse) {
			t.Errorf("%s: not ErrBadResponse", tc.name)
		}
	}
}

// TestSignedURLNetworkErrorRedacted: a network error names the URL without
// its signature.
func TestSignedURLNetworkErrorRedacted(t *testing.T) {
	c, srv := ctNewClient(t, ctRaw(""), func(cfg *Config) { cfg.Retry.MaxAttempts = 1 })
	_, err := c.FetchSigned(context.Background(), srv.URL+"/signed/s/1?signature=top-secret-sig")
	if err == nil || strings.Contains(err.Error(), "top-secret-sig") || !strings.Contains(err.Error(), "/signed/s/1") {
		t.Errorf("err = %v", err)
	}
}

func TestSignedURLBadAnswer(t *testing.T) {
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctWriteJSON(w, 200, SignedURL{URL: "javascript:alert(1)"})
	}))
	if _, err := c.SignedURL(context.Background(), "s", true); !errors.Is(err, ErrBadResponse) {
		t.Errorf("err = %v", err)
	}
}
