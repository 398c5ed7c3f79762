package client

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// ctStaticToken is the bearer the static-token test clients send; tests
// check that it never shows up in an error.
const ctStaticToken = "static-secret-token-xyz"

// ctNewClient starts an httptest server with h and returns a client for it
// with a static token, fast retries and a short timeout; mod adjusts the
// config.
func ctNewClient(t *testing.T, h http.Handler, mod ...func(*Config)) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := Config{
		Server:    srv.URL,
		Token:     ctStaticToken,
		UserAgent: "snapdash/test",
		Timeout:   5 * time.Second,
		Retry:     RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// ctWithOAuth switches a test config to client credentials.
func ctWithOAuth(cfg *Config) {
	cfg.Token = ""
	cfg.ClientID = "cid"
	cfg.ClientSecret = "client-secret-abc"
}

// ctJWT builds an unsigned JWT-shaped token with the given claims.
func ctJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(b) + ".c2ln"
}

// ctWriteJSON answers with v as JSON.
func ctWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func ctTestImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	return img
}

// ctPNG, ctJPEG and ctGIF encode a small picture; ctWebP is a minimal
// header that http.DetectContentType recognises.
func ctPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, ctTestImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ctJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, ctTestImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ctGIF(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, ctTestImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ctWebP() []byte {
	b := []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00")
	return append(b, make([]byte, 32)...)
}

// ctNotCalled fails the test when the server is reached.
func ctNotCalled(t *testing.T) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusTeapot)
	})
}
